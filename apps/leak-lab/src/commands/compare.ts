/**
 * `leak-lab compare <scenario>`: the same workload and parameters in `leak` and `fix` mode, the
 * headline numbers side by side with leak/fix ratios, and what the detectors found in each.
 * `--json`: `{"scenario", "params", "leak": <run report>, "fix": <run report>}`. With
 * `--set memory_limit=…` a mode whose node dies says so on stderr (exit 3).
 */
import { headlines } from "../lab/headlines.js";
import { styleFor, table } from "../render/style.js";
import { findingLines, fmtHeadline, paramsLine } from "../render/text-report.js";
import { memoryChart } from "../render/memory-chart.js";
import { envOf, cwdOf, type CliEnvironment } from "./context.js";
import { prepare, type ScenarioFlags } from "./prepare.js";
import { EXIT, simulate } from "./run.js";
import type { LabReport } from "../lab/report.js";

export interface CompareFlags extends Omit<ScenarioFlags, "mode"> {
  readonly json?: boolean;
  readonly color?: boolean;
}

export async function compareCommand(arg: string, flags: CompareFlags, io: CliEnvironment): Promise<number> {
  const base = await prepare(arg, flags, cwdOf(io));
  const runs = (["leak", "fix"] as const).map((mode) => simulate({ ...base, mode }, io, `${base.scenario.id} (${mode})`));
  let code: number = EXIT.ok;
  for (const e of runs) {
    if (e.died === undefined) continue;
    io.err(`${e.report.mode}: ${e.died.slogan}`);
    code = EXIT.nodeDied;
  }
  const [leak, fix] = runs.map((e) => e.report) as [LabReport, LabReport];
  if (flags.json === true) {
    io.out(JSON.stringify({ scenario: base.scenario.id, params: base.params, leak, fix }));
    return code;
  }
  const style = styleFor(io.isTTY ?? false, envOf(io), flags.color ?? true);
  const a = headlines(leak);
  const b = headlines(fix);
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  io.out(style.bold(`${base.scenario.id}: leak next to fix${paramsLine(leak)}`));
  io.out(`  ${base.scenario.title}`);
  io.out("");
  for (const [label, r] of [["leak", leak], ["fix", fix]] as const) {
    const c = memoryChart(r.samples, style, 6);
    if (c.length === 0) continue;
    io.out(`  ${style.bold(label)}`);
    for (const l of c) io.out(l);
  }
  io.out("");
  for (const line of table(["headline", "leak", "fix", "leak/fix"], names.map((n) => {
    const x = a[n];
    const y = b[n];
    return [n, x === undefined ? "—" : fmtHeadline(n, x), y === undefined ? "—" : fmtHeadline(n, y), x === undefined || y === undefined || y === 0 ? "—" : (x / y).toFixed(2)];
  }))) io.out(line);
  io.out("");
  io.out(`  ${style.bold("leak")}:`);
  for (const l of findingLines(leak.findings ?? [], style)) io.out(`  ${l}`);
  io.out(`  ${style.bold("fix")}:`);
  for (const l of findingLines(fix.findings ?? [], style)) io.out(`  ${l}`);
  return code;
}
