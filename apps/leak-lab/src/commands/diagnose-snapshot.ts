/**
 * `leak-lab diagnose <snapshot.json> [--json]`: the leak detectors on a real node's snapshots
 * (beamlab_snapshot.erl's file, see tooling/beam-oracle/README.md), exactly as on a simulated
 * node: the series detectors over all the snapshots, then the single-moment detectors on the last
 * one for what a series cannot show on a real node (a finding of the same kind and first culprit
 * is reported once, the series one first).
 *
 * Owns: which argument is a snapshot ({@link isSnapshotArgument}: an existing file; anything else
 * is a scenario id for the scenario `diagnose`), and the view. Exit codes: 0, 1 under
 * `--expect-clean` when something was found, 2 bad input (one line: file, JSON path, problem).
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { detectAtMoment, detectLeaks, readSnapshotFile, SnapshotFileError, type Finding, type NodeSnapshot } from "@beamlab/telemetry";
import { fmtBytes } from "../render/style.js";
import { EXIT_BAD_INPUT, EXIT_OK, fileProblem, findingLines, type EvidenceEnvironment } from "./dump.js";

export const EXIT_LEAK_FOUND = 1;

export interface DiagnoseSnapshotFlags {
  readonly json?: boolean;
  readonly expectClean?: boolean;
}

/** True when `arg` names an existing file (relative to `cwd`): then it is a snapshot file. */
export function isSnapshotArgument(arg: string, cwd: string = process.cwd()): boolean {
  try {
    return statSync(resolve(cwd, arg)).isFile();
  } catch {
    return false;
  }
}

/** Series findings, then the moment findings on the last snapshot not already reported. */
export function diagnoseSeries(series: readonly NodeSnapshot[]): Finding[] {
  const last = series[series.length - 1];
  if (last === undefined) return [];
  const found = detectLeaks(series);
  // One story per process: a moment finding whose culprits a series finding already names adds
  // nothing (the series is the stronger evidence, e.g. a sub-binary cache is also "pinned refc").
  const named = new Set(found.flatMap((f) => f.culprits.map((c) => c.pid)));
  for (const f of detectAtMoment(last)) if (f.culprits.length === 0 || !f.culprits.every((c) => named.has(c.pid))) found.push(f);
  return found;
}

export async function diagnoseSnapshotCommand(file: string, flags: DiagnoseSnapshotFlags, io: EvidenceEnvironment): Promise<number> {
  let series: NodeSnapshot[];
  try {
    series = await readSnapshotFile(resolve(io.cwd ?? process.cwd(), file), file);
  } catch (e) {
    const problem = e instanceof SnapshotFileError ? e.message : fileProblem(file, e);
    if (problem === undefined) throw e;
    io.err(`leak-lab: ${problem}`);
    return EXIT_BAD_INPUT;
  }
  const findings = diagnoseSeries(series);
  const code = flags.expectClean === true && findings.length > 0 ? EXIT_LEAK_FOUND : EXIT_OK;
  const first = series[0] as NodeSnapshot;
  const last = series[series.length - 1] as NodeSnapshot;
  if (flags.json === true) {
    io.out(JSON.stringify({ file, snapshots: series.length, time_first: first.time, time_last: last.time, memory_first: first.memory, memory_last: last.memory, findings }));
    return code;
  }
  io.out(`diagnosis of ${file}: ${series.length} snapshot${series.length === 1 ? "" : "s"} over ${last.time - first.time} ms`);
  io.out(`  memory total ${fmtBytes(first.memory.total)} → ${fmtBytes(last.memory.total)}, processes ${first.system_info.process_count} → ${last.system_info.process_count}`);
  io.out("");
  for (const l of findingLines(findings)) io.out(l);
  return code;
}
