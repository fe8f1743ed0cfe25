/**
 * `leak-lab scenario …`: run the leak scenarios on the simulated node and diagnose them.
 *
 * - `scenario list` names every scenario (each leak, its fixed variant, a healthy node).
 * - `scenario run ID` runs one in virtual time, samples the node at the scenario's interval,
 *   prints the memory curve and the top processes, then what the leak detectors found (kind,
 *   culprits, evidence, fix). `--json` prints one JSON object per sample, then one per finding.
 *   `--expect-clean` makes any finding an exit code 1: a memory assertion for CI.
 * - `scenario compare ID` runs a leak and its fixed variant side by side.
 *
 * Invariant: deterministic. The same scenario, seed and options print the same bytes.
 */
import { SCENARIOS, sampleScenario, scenarioById, type Scenario, type SampleResult } from "@beamlab/scenarios";
import type { Finding, NodeSnapshot } from "@beamlab/telemetry";
import type { Output } from "./term.js";

export interface RunOptions {
  readonly json?: boolean;
  readonly seed?: number;
  readonly duration?: number;
  readonly interval?: number;
  readonly expectClean?: boolean;
}

const KB = 1024;
const fmtBytes = (n: number): string =>
  n >= 10 * KB * KB ? `${(n / KB / KB).toFixed(1)} MB` : n >= 10 * KB ? `${(n / KB).toFixed(1)} KB` : `${n} B`;

function lookup(id: string, io: Output): Scenario | undefined {
  const s = scenarioById(id);
  if (s === undefined) io.err(`leak-lab: no scenario ${JSON.stringify(id)}; \`leak-lab scenario list\` names them: ${SCENARIOS.map((x) => x.id).join(", ")}`);
  return s;
}

function sample(s: Scenario, opts: RunOptions): SampleResult {
  return sampleScenario(s, {
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.duration === undefined ? {} : { duration: opts.duration }),
    ...(opts.interval === undefined ? {} : { interval: opts.interval }),
  });
}

function topProcess(snap: NodeSnapshot): string {
  let top = snap.processes[0];
  for (const p of snap.processes) if (top === undefined || p.memory > top.memory) top = p;
  if (top === undefined) return "-";
  return `${top.pid} ${top.role ?? top.registered_name ?? top.initial_call} ${fmtBytes(top.memory)}`;
}

function printFinding(f: Finding, io: Output): void {
  io.out(`  ${f.kind}: ${f.summary}`);
  for (const c of f.culprits.slice(0, 5)) io.out(`    culprit ${c.pid} ${c.role ?? c.name}`);
  if (f.culprits.length > 5) io.out(`    … and ${f.culprits.length - 5} more`);
  io.out(`    evidence ${Object.entries(f.evidence).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  io.out(`    fix: ${f.fix}`);
}

/** `scenario list`. */
export function scenarioList(io: Output, json: boolean): number {
  for (const s of SCENARIOS) {
    if (json) io.out(JSON.stringify({ id: s.id, title: s.title, expects: s.expects ?? null, fixed: s.fixed?.id ?? null }));
    else io.out(`${s.id.padEnd(31)} ${s.title}${s.expects === undefined ? "" : `  [${s.expects}]`}`);
  }
  return 0;
}

/** `scenario run ID`; resolves to the exit code. */
export function scenarioRun(id: string, opts: RunOptions, io: Output): number {
  const s = lookup(id, io);
  if (s === undefined) return 2;
  const r = sample(s, opts);
  if (opts.json === true) {
    for (const snap of r.snapshots) {
      io.out(JSON.stringify({ time: snap.time, memory: snap.memory, process_count: snap.system_info.process_count }));
    }
    for (const f of r.findings) io.out(JSON.stringify({ finding: f }));
  } else {
    io.out(`${s.id}: ${s.title}`);
    io.out(`  ${s.description}`);
    io.out("");
    io.out(`  ${"t (ms)".padStart(8)} ${"total".padStart(10)} ${"processes".padStart(10)} ${"binary".padStart(10)} ${"procs".padStart(6)}  largest process`);
    for (const snap of r.snapshots) {
      io.out(`  ${String(snap.time).padStart(8)} ${fmtBytes(snap.memory.total).padStart(10)} ${fmtBytes(snap.memory.processes).padStart(10)} ${fmtBytes(snap.memory.binary).padStart(10)} ${String(snap.system_info.process_count).padStart(6)}  ${topProcess(snap)}`);
    }
    io.out("");
    if (r.findings.length === 0) io.out("  no leak found");
    else {
      io.out(`  ${r.findings.length} finding(s):`);
      for (const f of r.findings) printFinding(f, io);
    }
    if (s.fixed !== undefined) io.out(`\n  the fixed variant: leak-lab scenario run ${s.fixed.id}`);
  }
  return opts.expectClean === true && r.findings.length > 0 ? 1 : 0;
}

/** `scenario compare ID`: the leak and its fix, last sample side by side. */
export function scenarioCompare(id: string, opts: RunOptions, io: Output): number {
  const s = lookup(id, io);
  if (s === undefined) return 2;
  if (s.fixed === undefined) {
    io.err(`leak-lab: ${s.id} has no fixed variant to compare with`);
    return 2;
  }
  const leak = sample(s, opts);
  const fixed = sample(s.fixed, opts);
  const last = (r: SampleResult) => r.snapshots[r.snapshots.length - 1];
  const a = last(leak);
  const b = last(fixed);
  if (a === undefined || b === undefined) return 2;
  const rows: [string, number, number][] = [
    ["total", a.memory.total, b.memory.total],
    ["processes", a.memory.processes, b.memory.processes],
    ["binary", a.memory.binary, b.memory.binary],
  ];
  if (opts.json === true) {
    io.out(JSON.stringify({ leak: { id: s.id, memory: a.memory, findings: leak.findings.length }, fixed: { id: s.fixed.id, memory: b.memory, findings: fixed.findings.length } }));
  } else {
    io.out(`${s.title} at t = ${a.time} ms`);
    io.out(`  ${"".padEnd(10)} ${s.id.padStart(24)} ${s.fixed.id.padStart(24)}`);
    for (const [name, x, y] of rows) io.out(`  ${name.padEnd(10)} ${fmtBytes(x).padStart(24)} ${fmtBytes(y).padStart(24)}`);
    io.out(`  ${"processes".padEnd(10)} ${String(a.system_info.process_count).padStart(24)} ${String(b.system_info.process_count).padStart(24)}`);
    io.out(`  ${"findings".padEnd(10)} ${String(leak.findings.length).padStart(24)} ${String(fixed.findings.length).padStart(24)}`);
  }
  return 0;
}
