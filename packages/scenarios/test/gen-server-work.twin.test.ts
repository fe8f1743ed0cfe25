/**
 * gen-server-work against its twin on the real BEAM (fixtures/scenarios.json, recorded by
 * tooling/beam-oracle/recorders/scenarios.record.mjs from twins/gen_server_work.escript): the
 * servers' total_heap_size, heap_size and memory, and the binaries they hold, after the last call.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { describe, expect, it } from "vitest";
import { genServerWork, resolveParams, type Mode } from "../src/index.js";

interface RoleFigures {
  count: number;
  avg_total_heap_size: number;
  avg_heap_size: number;
  avg_memory: number;
  avg_binary_refs: number;
}
interface ScenarioRecord {
  scenario: string;
  mode: Mode;
  params_set: Record<string, number>;
  roles: Record<string, RoleFigures>;
}
const fixture = loadFixture("scenarios") as { records: ScenarioRecord[] };

/** The simulated run's role averages at its end, as the twin's report summarises them. */
export function simulate(mode: Mode, set: Record<string, number>): Record<string, RoleFigures> {
  const params = resolveParams(genServerWork.params, Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v)])));
  const run = genServerWork.run({ mode, params });
  while (run.finished?.() !== true) run.scheduler.run({ until: run.scheduler.clock.now + 1000 });
  const out: Record<string, RoleFigures> = {};
  const processes = run.source.snapshot().processes;
  for (const role of ["server", "worker"]) {
    const ps = processes.filter((p) => p.role === role);
    const mean = (f: (p: (typeof ps)[number]) => number): number => (ps.length === 0 ? 0 : Math.round(ps.reduce((a, p) => a + f(p), 0) / ps.length));
    out[role] = {
      count: ps.length,
      avg_total_heap_size: mean((p) => p.total_heap_size),
      avg_heap_size: mean((p) => p.heap_size),
      avg_memory: mean((p) => p.memory),
      avg_binary_refs: mean((p) => p.binary?.length ?? 0),
    };
  }
  return out;
}

const ratio = (sim: number, real: number): number => sim / real;

/**
 * Where simulation and BEAM agree, and the gap pinned where they do not yet (issue 11 asks for
 * 15%; the rule that differs is not found yet). A gc trace of one server doing work(N) on
 * `erl +S 1` next to the simulated one: both agree up to the 4,185-word young heap; there the
 * BEAM's minor during lists:seq/the first comprehension keeps the young heap at 4,185 words and
 * its next collections are triggered by heap fragments (integer_to_list's HAlloc), while the
 * model grows the young heap to 6,772 at that minor. From there the model promotes more, so the
 * servers' old heaps end 2.6× the BEAM's (196,654 vs 75,117 words) while the young heap lands on
 * the same size (75,113). In fix mode the servers' young heap ends one size step above the
 * BEAM's (376 vs 233 words).
 */
describe("gen-server-work against the real BEAM (servers 30, rounds 10)", () => {
  const recordOf = (mode: Mode) => fixture.records.find((r) => r.scenario === "gen-server-work" && r.mode === mode && r.params_set.servers === 30);
  it("leak: every server grows to the BEAM's young heap and holds the last call's binary; the old heap is the pinned gap", () => {
    const record = recordOf("leak")!;
    const sim = simulate("leak", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(real.server?.count);
    expect(sim.worker?.count).toBe(0);
    expect(ratio(sim.server!.avg_heap_size, real.server!.avg_heap_size)).toBeCloseTo(1, 1);
    expect(sim.server?.avg_binary_refs).toBe(real.server?.avg_binary_refs);
    // the gap (see above): total_heap_size 271,767 vs 150,230 words, memory 2,175,000 vs 1,202,704 B
    expect(ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size)).toBeGreaterThan(1.7);
    expect(ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size)).toBeLessThan(1.9);
    expect(ratio(sim.server!.avg_memory, real.server!.avg_memory)).toBeGreaterThan(1.7);
    expect(ratio(sim.server!.avg_memory, real.server!.avg_memory)).toBeLessThan(1.9);
  }, 120_000);
  it("fix: the servers stay small, the workers are gone; the young heap one size step above is the pinned gap", () => {
    const record = recordOf("fix")!;
    const sim = simulate("fix", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(real.server?.count);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server?.avg_binary_refs).toBe(0);
    // 752 vs 609 words, 6,880 vs 5,736 B: within 25%, not yet 15%
    expect(ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size)).toBeGreaterThan(1);
    expect(ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size)).toBeLessThan(1.25);
    expect(ratio(sim.server!.avg_memory, real.server!.avg_memory)).toBeLessThan(1.25);
    // the leak is the leak: the fix's servers hold 1/100 of the leak's memory on both nodes
    expect(sim.server!.avg_memory * 100).toBeLessThan(recordOf("leak")!.roles.server!.avg_memory * 2);
  }, 120_000);
});
