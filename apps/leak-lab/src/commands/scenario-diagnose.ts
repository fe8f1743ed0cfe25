/**
 * `leak-lab diagnose <scenario>`: runs the scenario (leak mode unless `--mode fix`) and explains
 * what the detectors found in detail: every finding with its evidence, its culprits (up to 10)
 * with their `process_info` numbers, and the fix; and whether that is the leak the scenario is
 * built to show. (`diagnose <snapshot.json>` of a real node lives in diagnose.ts.)
 * `--json`: `{"scenario", "mode", "params", "expected", "findings"}`. Exit 1 under
 * `--expect-clean` when something was found.
 */
import type { ProcessReport } from "../lab/report.js";
import { fmtBytes, styleFor, table } from "../render/style.js";
import { findingLines, paramsLine } from "../render/text-report.js";
import { cwdOf, envOf, type CliEnvironment } from "./context.js";
import { prepare, type ScenarioFlags } from "./prepare.js";
import { EXIT, simulate } from "./run.js";

export interface DiagnoseFlags extends ScenarioFlags {
  readonly json?: boolean;
  readonly expectClean?: boolean;
  readonly color?: boolean;
}

export async function diagnoseScenarioCommand(arg: string, flags: DiagnoseFlags, io: CliEnvironment): Promise<number> {
  const p = await prepare(arg, flags, cwdOf(io));
  const { report } = simulate(p, io, `${p.scenario.id} (${p.mode})`);
  const findings = report.findings ?? [];
  const expected = p.scenario.expects(p.mode) ?? null;
  const code = flags.expectClean === true && findings.length > 0 ? EXIT.leakFound : EXIT.ok;
  if (flags.json === true) {
    io.out(JSON.stringify({ scenario: report.scenario, mode: report.mode, params: report.params, expected, findings }));
    return code;
  }
  const style = styleFor(io.isTTY ?? false, envOf(io), flags.color ?? true);
  const byPid = new Map<string, ProcessReport>(report.final.processes.map((x) => [x.pid, x]));
  io.out(style.bold(`diagnosis of ${report.scenario} — ${report.mode}${paramsLine(report)}`));
  io.out(`  ${p.scenario.description}`);
  io.out("");
  for (const l of findingLines(findings, style, true)) io.out(l);
  const culprits = [...new Set(findings.flatMap((f) => f.culprits.slice(0, 10).map((c) => c.pid)))].flatMap((pid) => byPid.get(pid) ?? []);
  if (culprits.length > 0) {
    io.out("");
    io.out("  the culprits at the end of the run:");
    for (const line of table(["pid", "role", "memory", "total_heap_size", "stack_size", "minor_gcs", "message_queue_len", "binaries"], culprits.map((c) => [c.pid, c.role ?? "", fmtBytes(c.memory), `${c.total_heap_size} w`, `${c.stack_size} w`, String(c.minor_gcs), String(c.message_queue_len), `${c.binary.length} (${fmtBytes(c.binary.reduce((a, [, s]) => a + s, 0))})`]), "    ")) io.out(line);
  }
  io.out("");
  const found = new Set(findings.map((f) => f.kind));
  if (expected === null) io.out(found.size === 0 ? "  as expected: this mode is built to be clean." : style.yellow("  this mode is built to be clean, yet the detectors found the above."));
  else io.out(found.has(expected) ? `  as expected: this mode is built to show ${expected.replace(/_/g, " ")}.` : style.yellow(`  this mode is built to show ${expected.replace(/_/g, " ")}, which the detectors did not find.`));
  return code;
}
