/**
 * A run as a person reads it on a terminal: what ran, the memory chart, a summary table (node
 * memory at the end and at its peak; the processes grouped by role), the GC timelines of the
 * processes the scenario traces, the findings in plain words, and the `--band` and `--beam`
 * tables when present.
 *
 * Owns the text layout only; every number comes from the {@link LabReport}. Invariant: with the
 * same report and style, the same lines.
 */
import { PID_BAND } from "@beamlab/scenarios";
import type { Finding } from "@beamlab/telemetry";
import { headlineUnit } from "../lab/headlines.js";
import type { BandReport, BeamComparison, LabReport, ProcessReport } from "../lab/report.js";
import { culpritList, groupFindings } from "./finding-groups.js";
import { gcTimelineLines } from "./gc-timeline.js";
import { memoryChart } from "./memory-chart.js";
import { fmtBytes, fmtNumber, table, type Style } from "./style.js";

const MEMORY_ROWS = ["total", "processes", "binary", "system"] as const;

export function fmtHeadline(name: string, v: number): string {
  const unit = headlineUnit(name);
  return unit === "bytes" ? fmtBytes(v) : unit === "words" ? `${fmtNumber(Math.round(v * 10) / 10)} w` : fmtNumber(v);
}

export function paramsLine(r: LabReport): string {
  const p = Object.entries(r.params).map(([k, v]) => `${k}=${v === null ? "off" : String(v)}`);
  return p.length === 0 ? "" : ` (${p.join(" ")})`;
}

function roleRows(ps: readonly ProcessReport[]): string[][] {
  const roles = new Map<string, ProcessReport[]>();
  for (const p of ps) {
    const k = p.role ?? "(no role)";
    roles.set(k, [...(roles.get(k) ?? []), p]);
  }
  return [...roles.entries()].map(([role, list]) => {
    const sum = (f: (p: ProcessReport) => number) => list.reduce((a, p) => a + f(p), 0);
    const binary = sum((p) => p.binary.reduce((a, [, size]) => a + size, 0));
    return [role, String(list.length), `${fmtNumber(Math.round((sum((p) => p.total_heap_size) / list.length) * 10) / 10)} w`, fmtBytes(sum((p) => p.memory) / list.length), fmtBytes(sum((p) => p.memory)), fmtBytes(binary)];
  });
}

export function summaryLines(r: LabReport): string[] {
  const out: string[] = [];
  out.push(...table(["erlang:memory()", "final", "peak"], MEMORY_ROWS.map((k) => [k, fmtBytes(r.final.memory[k] ?? 0), fmtBytes(r.peak.memory[k] ?? 0)])));
  out.push("");
  if (r.final.processes.length === 0) out.push("  no process of the scenario is alive at the end");
  else out.push(...table(["role", "processes", "avg total_heap_size", "avg memory", "memory", "binaries referenced"], roleRows(r.final.processes)));
  return out;
}

/** Findings in plain words, one group per story (see {@link groupFindings}). */
export function findingLines(findings: readonly Finding[], style: Style, detail = false): string[] {
  if (findings.length === 0) return [`  ${style.green("no leak found")}`];
  const groups = groupFindings(findings);
  const n = groups.length;
  const out = [`  ${style.bold(style.red(`${n} leak${n === 1 ? "" : "s"} found:`))}`];
  for (const g of groups) {
    out.push(`  ${style.bold(g.first.kind.replace(/_/g, " "))}: ${g.headline}`);
    out.push(`    in ${culpritList(g.culprits, detail ? 10 : 3)}`);
    if (detail) out.push(`    evidence: ${Object.entries(g.first.evidence).map(([k, v]) => `${k.replace(/_/g, " ")} ${fmtNumber(v)}`).join(", ")}`);
    out.push(`    fix: ${g.first.fix}`);
  }
  return out;
}

/** `2 processes exited abnormally:` and one line per kept exit (pid, role, time, reason). */
export function abnormalExitLines(a: NonNullable<LabReport["abnormal_exits"]>, style: Style): string[] {
  const out = [`  ${style.yellow(style.bold(`${a.count} process${a.count === 1 ? "" : "es"} exited abnormally (not normal or shutdown):`))}`];
  for (const e of a.first) out.push(`    ${e.pid}${e.role === null ? "" : ` (${e.role})`} at t = ${e.t_ms} ms: ${e.reason}`);
  if (a.count > a.first.length) out.push(`    … and ${a.count - a.first.length} more`);
  return out;
}

export function bandLines(b: BandReport): string[] {
  return [
    `  --band: the run and ${b.runs} reruns with the model's free choices moved (stacks by up to ${b.words} words, the pid counter by up to ${PID_BAND - 1})`,
    ...table(["headline", "min", "median", "max"], Object.entries(b.headlines).map(([k, s]) => [k, fmtHeadline(k, s.min), fmtHeadline(k, s.median), fmtHeadline(k, s.max)])),
  ];
}

export function beamLines(c: BeamComparison, style: Style): string[] {
  const ratio = (x: number | null) => {
    if (x === null) return "—";
    const t = x.toFixed(2);
    return Math.abs(x - 1) <= 0.15 ? style.green(t) : style.yellow(t);
  };
  const out = [
    "  simulated next to the real BEAM (the twin on the local erl):",
    ...table(["headline", "simulated", "real BEAM", "ratio"], Object.entries(c.headlines).map(([k, h]) => [k, fmtHeadline(k, h.simulated), fmtHeadline(k, h.real), ratio(h.ratio)])),
  ];
  if (c.gc_events !== undefined) {
    const same = (m: { simulated: number; real: number; identical: number }) => m.identical === m.simulated && m.identical === m.real;
    out.push(
      "",
      "  GC trace events, simulated next to the real BEAM's erlang:trace:",
      ...table(["role", "simulated", "real BEAM", "identical"], Object.entries(c.gc_events).map(([role, m]) => [role, String(m.simulated), String(m.real), same(m) ? style.green(`all ${m.identical}`) : style.yellow(`first ${m.identical}`)])),
    );
  }
  return out;
}

export function runLines(r: LabReport, title: string, style: Style, chart: boolean): string[] {
  const out = [style.bold(`${r.scenario} — ${r.mode}${paramsLine(r)}`), `  ${title}`, ""];
  if (chart) {
    const c = memoryChart(r.samples, style);
    if (c.length > 0) out.push(...c, "");
  }
  out.push(...summaryLines(r), "");
  const gc = gcTimelineLines(r.gc_events, style);
  if (gc.length > 0) out.push(...gc, "");
  if (r.abnormal_exits !== undefined) out.push(...abnormalExitLines(r.abnormal_exits, style), "");
  if (r.stalled !== undefined) out.push(`  ${style.yellow(style.bold(r.stalled.message))}`, "");
  if (r.crash !== undefined) {
    out.push(`  ${style.red(style.bold(`the node died at t = ${r.crash.t_ms} ms: ${r.crash.slogan}`))}`);
    out.push(`  ${r.crash.dump === null ? "no crash dump written" : `crash dump: ${r.crash.dump} (open it with crashdump_viewer:start().)`}`, "");
  }
  out.push(...findingLines(r.findings ?? [], style));
  if (r.band !== undefined) out.push("", ...bandLines(r.band));
  if (r.beam !== undefined) out.push("", ...("skipped" in r.beam ? [`  ${r.beam.skipped}`] : beamLines(r.beam, style)));
  return out;
}
