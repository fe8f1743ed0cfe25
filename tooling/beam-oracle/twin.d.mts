/** A twin report (SCENARIO-API.md); `baseline` is erlang:memory() when the workload started. */
export interface TwinReport {
  readonly scenario: string;
  readonly mode: "leak" | "fix";
  readonly params: Readonly<Record<string, number | boolean | string | null>>;
  readonly samples: readonly { readonly t_ms: number; readonly memory: Readonly<Record<string, number>> }[];
  readonly peak: { readonly memory: Readonly<Record<string, number>> };
  readonly baseline: { readonly memory: Readonly<Record<string, number>> };
  readonly final: {
    readonly memory: Readonly<Record<string, number>>;
    readonly processes: readonly {
      readonly pid: string;
      readonly role: string;
      readonly name: string | null;
      readonly memory: number;
      readonly heap_size: number;
      readonly total_heap_size: number;
      readonly stack_size: number;
      readonly minor_gcs: number;
      readonly message_queue_len: number;
      readonly binary: readonly (readonly [number, number, number])[];
    }[];
  };
}
export function twinCommand(script: string, mode: "leak" | "fix", params?: Readonly<Record<string, unknown>>): { cmd: string; args: string[]; file: string };
export function runTwin(script: string, mode: "leak" | "fix", params?: Readonly<Record<string, unknown>>, opts?: { timeoutMs?: number }): Promise<TwinReport>;
