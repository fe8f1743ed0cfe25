// Types for oracle.mjs (see there for what each does).
export declare const ORACLE_DIR: string;
export declare const FIXTURES_DIR: string;
export declare const RECORDERS_DIR: string;
export declare function loadFixture(name: string, dir?: string): unknown;
export declare function liveErlRelease(): string | undefined;
export declare function liveErlRequired(): boolean;
export declare function recorders(): { name: string; script: string }[];
export declare function runEscript(script: string, args: readonly string[], options?: { timeoutMs?: number }): string;
export declare function runEscriptAsync(script: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<string>;
export declare function recordAll(outDir: string): string[];
export declare function recordAllAsync(outDir: string): Promise<string[]>;
export declare const DRIFT_RECORDINGS: number;
export declare function driftAcrossRecordings(firstDrift: string[], recordAgain: () => Promise<string[]>, recordings?: number): Promise<string[][]>;
export declare function fixtureDrift(committed: unknown, live: unknown, limit?: number): string[];
/** The -pa directory holding OTP's crashdump_viewer (undefined: built into erl); see crashdump-viewer/observer-ebin.mjs. */
export declare function observerEbin(): string | undefined;
export declare const CDV_READ: string;
