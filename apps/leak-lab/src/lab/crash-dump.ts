/**
 * The end of a node that exceeded `--memory-limit`: the BEAM's last line on stderr and an
 * `erl_crash.dump` in the real format, written by @beamlab/telemetry's `writeCrashDump`.
 *
 * Where: like the BEAM, `ERL_CRASH_DUMP` names the file when set, else `erl_crash.dump` in the
 * current directory; `--crash-dump FILE` overrides both.
 */
import { resolve } from "node:path";
import * as telemetry from "@beamlab/telemetry";
import type { NodeDied } from "./execute.js";

type WriteCrashDump = (path: string, snapshot: telemetry.NodeSnapshot, opts: { readonly slogan: string }) => void;

export function crashDumpPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return resolve(cwd, flag ?? (env.ERL_CRASH_DUMP !== undefined && env.ERL_CRASH_DUMP !== "" ? env.ERL_CRASH_DUMP : "erl_crash.dump"));
}

/** Writes the dump; resolves to its path, or null when this build has no dump writer. */
export function writeDump(path: string, died: NodeDied): string | null {
  const write = (telemetry as unknown as { writeCrashDump?: WriteCrashDump }).writeCrashDump;
  if (write === undefined) return null;
  write(path, died.snapshot, { slogan: died.slogan });
  return path;
}
