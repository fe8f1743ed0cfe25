/**
 * `leak-lab run <scenario|file.ts>`: runs a scenario on the simulated node and shows what a
 * person needs: the memory chart, the summary table, the findings in plain words; or with
 * `--json`, exactly one JSON document (the twin report shape, plus findings, crash, band, beam).
 *
 * Flags: `--mode leak|fix`, `--set k=v`…, `--seed n`, `--json`, `--report f.html`, `--beam`,
 * `--band K [--band-words W]`, `--memory-limit SIZE [--crash-dump FILE]`, `--expect-clean`.
 * Exit codes (README): 0 ok, 1 a leak was found under `--expect-clean`, 2 bad input, 3 the
 * simulated node died of `--memory-limit` (crash dump written), 4 the real BEAM's twin failed.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { runBand } from "../lab/band.js";
import { runBeam } from "../lab/beam.js";
import { crashDumpPath, writeDump } from "../lab/crash-dump.js";
import { execute, type Execution } from "../lab/execute.js";
import { headlines } from "../lab/headlines.js";
import type { LabReport } from "../lab/report.js";
import { ScenarioInputError } from "../lab/scenario-api.js";
import { oneLine, UsageError } from "../lab/usage-error.js";
import { htmlReport } from "../render/html-report.js";
import { progressBar } from "../render/progress.js";
import { styleFor } from "../render/style.js";
import { runLines } from "../render/text-report.js";
import { cwdOf, envOf, type CliEnvironment } from "./context.js";
import { prepare, type Prepared, type ScenarioFlags } from "./prepare.js";

export const EXIT = { ok: 0, leakFound: 1, badInput: 2, nodeDied: 3, twinFailed: 4 } as const;

export interface RunFlags extends ScenarioFlags {
  readonly json?: boolean;
  readonly report?: string;
  readonly beam?: boolean;
  readonly band?: number;
  readonly bandWords?: number;
  readonly crashDump?: string;
  readonly expectClean?: boolean;
  readonly color?: boolean;
  readonly chart?: boolean;
}

/** Default `--band-words`: "a few words", the size of a stack frame's bookkeeping. */
export const DEFAULT_BAND_WORDS = 4;

/**
 * Runs the simulation with a progress bar; a scenario that throws is bad input (a parameter the
 * scenario rejects names it and its valid range). A run that stalled says so on stderr.
 */
export function simulate(p: Prepared, io: CliEnvironment, label: string): Execution {
  const bar = progressBar(io.progress?.stream, io.progress?.isTTY ?? false, label);
  let exec: Execution;
  try {
    exec = execute(p.scenario, {
      mode: p.mode,
      params: p.params,
      seed: p.seed,
      ...(p.memoryLimit === undefined ? {} : { memoryLimit: p.memoryLimit }),
      onProgress: (f, t) => { bar.update(f, `t = ${t} ms (virtual)`); },
    });
  } catch (error) {
    if (error instanceof ScenarioInputError) throw new UsageError(`${p.scenario.id}: ${oneLine(error)}`);
    throw new UsageError(`scenario ${p.scenario.id} (${p.mode}) threw while running: ${oneLine(error)}`);
  } finally {
    bar.stop();
  }
  const stalled = exec.report.stalled;
  if (stalled !== undefined) io.err(`leak-lab: ${p.scenario.id} (${p.mode}): ${stalled.message}`);
  return exec;
}

export async function runCommand(arg: string, flags: RunFlags, io: CliEnvironment): Promise<number> {
  const env = envOf(io);
  const cwd = cwdOf(io);
  const p = await prepare(arg, flags, cwd);
  const exec = simulate(p, io, `${p.scenario.id} (${p.mode})`);
  let report: LabReport = exec.report;
  let code: number = EXIT.ok;

  if (exec.died !== undefined) {
    const path = crashDumpPath(flags.crashDump, env, cwd);
    const dump = writeDump(path, exec.died);
    io.err(exec.died.slogan);
    io.err(dump === null ? "(this build of leak-lab cannot write crash dumps yet)" : `Crash dump is being written to: ${dump}...done`);
    report = { ...report, crash: { slogan: exec.died.slogan, t_ms: exec.died.t_ms, pid: exec.died.pid, bytes: exec.died.bytes, dump } };
    code = EXIT.nodeDied;
  }

  if (flags.band !== undefined && exec.died === undefined) {
    const bar = progressBar(io.progress?.stream, io.progress?.isTTY ?? false, `--band ${flags.band}`);
    try {
      const band = await runBand({
        scenario: p.arg, cwd, mode: p.mode, params: p.params, seed: p.seed,
        runs: flags.band, words: flags.bandWords ?? DEFAULT_BAND_WORDS, base: headlines(report),
        onProgress: (done, total) => { bar.update(done / total, `${done}/${total}`); },
      });
      report = { ...report, band };
    } finally {
      bar.stop();
    }
  }

  if (flags.beam === true) {
    const beam = await runBeam(p.scenario, report, env);
    if (beam.ok) report = { ...report, beam: beam.comparison };
    else {
      report = { ...report, beam: { skipped: beam.skipped } };
      if (flags.json === true) io.err(beam.skipped);
      if (beam.failed && code === EXIT.ok) code = EXIT.twinFailed;
    }
  }

  if (flags.report !== undefined) {
    const file = resolve(cwd, flags.report);
    try {
      writeFileSync(file, htmlReport(report, p.scenario.title));
    } catch (error) {
      throw new UsageError(`--report ${flags.report}: cannot write: ${oneLine(error)}`);
    }
  }

  if (flags.json === true) io.out(JSON.stringify(report));
  else {
    const style = styleFor(io.isTTY ?? false, env, flags.color ?? true);
    for (const line of runLines(report, p.scenario.title, style, flags.chart ?? true)) io.out(line);
    if (flags.report !== undefined) io.out(`\n  report written to ${flags.report}`);
  }

  if (code === EXIT.ok && flags.expectClean === true && (report.findings ?? []).length > 0) code = EXIT.leakFound;
  return code;
}
