// Runs the CLI in-process, as bin.ts does, with captured output and a chosen environment.
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { run } from "../src/cli.js";
import type { LabReport } from "../src/lab/report.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
export const HOARDER = join(FIXTURES, "hoarder-scenario.ts");

export interface CliResult {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

export async function cli(argv: readonly string[], opts: { env?: Record<string, string | undefined>; isTTY?: boolean; cwd?: string } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    stdin: Readable.from([""]),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  });
  return { code, out, err };
}

/** The one JSON document a --json command printed. */
export function jsonOf(r: CliResult): LabReport {
  return anyJsonOf(r) as LabReport;
}

export function anyJsonOf(r: CliResult): unknown {
  if (r.out.length !== 1) throw new Error(`expected exactly one line of JSON, got ${r.out.length}`);
  return JSON.parse(r.out[0] ?? "");
}

/** No line looks like a stack frame. */
export function hasStackTrace(lines: readonly string[]): boolean {
  return lines.some((l) => /^\s+at .+[:(]/.test(l));
}
