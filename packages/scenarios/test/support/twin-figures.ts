/**
 * A simulated run's role averages at its end, in the shape the twins' records summarise them
 * (tooling/beam-oracle/recorders/scenarios.record.mjs), and the fixture records to compare with.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import type { ProcessSnapshot } from "@beamlab/telemetry";
import { resolveParams, type Mode, type ParametricScenario } from "../../src/index.js";

export interface RoleFigures {
  count: number;
  avg_total_heap_size: number;
  avg_heap_size: number;
  avg_memory: number;
  avg_binary_refs: number;
  avg_binary_bytes: number;
}
export interface ScenarioRecord {
  scenario: string;
  mode: Mode;
  params_set: Record<string, number>;
  roles: Record<string, RoleFigures>;
  workload: { processes: number; binary: number };
  /** The <0.N.0> numbers the twin ran at, when it reports them (agent-vs-task). */
  pids?: { supervisor: number; listener: number; children: [number, number] };
}

const fixture = loadFixture("scenarios") as { records: ScenarioRecord[] };

/** The fixture record of `scenario` in `mode` recorded with exactly these parameters set. */
export function recordOf(scenario: string, mode: Mode, set: Record<string, number> = {}): ScenarioRecord {
  const key = JSON.stringify(Object.entries(set).sort());
  const r = fixture.records.find((x) => x.scenario === scenario && x.mode === mode && JSON.stringify(Object.entries(x.params_set).sort()) === key);
  if (r === undefined) throw new Error(`no ${scenario} ${mode} record with ${key} in scenarios.json`);
  return r;
}

/** The averages a twin record keeps of one role's processes (rounded as twin_report rounds them). */
export function roleFigures(ps: readonly ProcessSnapshot[]): RoleFigures {
  const mean = (f: (p: ProcessSnapshot) => number): number => (ps.length === 0 ? 0 : Math.round(ps.reduce((a, p) => a + f(p), 0) / ps.length));
  return {
    count: ps.length,
    avg_total_heap_size: mean((p) => p.total_heap_size),
    avg_heap_size: mean((p) => p.heap_size),
    avg_memory: mean((p) => p.memory),
    avg_binary_refs: mean((p) => p.binary?.length ?? 0),
    avg_binary_bytes: mean((p) => (p.binary ?? []).reduce((a, b) => a + b.size, 0)),
  };
}

/** Runs `s` to its end and averages the figures of each role's processes. */
export function simulate(s: ParametricScenario, mode: Mode, set: Record<string, number>, roles: readonly string[]): Record<string, RoleFigures> {
  const params = resolveParams(s.params, Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v)])));
  const run = s.run({ mode, params });
  while (run.finished?.() !== true) run.scheduler.run({ until: run.scheduler.clock.now + 1000 });
  const out: Record<string, RoleFigures> = {};
  const processes = run.source.snapshot().processes;
  for (const role of roles) out[role] = roleFigures(processes.filter((p) => p.role === role));
  return out;
}

export const ratio = (sim: number, real: number): number => (real === 0 ? (sim === 0 ? 1 : Infinity) : sim / real);
