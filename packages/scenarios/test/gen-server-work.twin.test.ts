/**
 * gen-server-work against its twin on the real BEAM (fixtures/scenarios.json, recorded by
 * tooling/beam-oracle/recorders/scenarios.record.mjs from twins/gen_server_work.escript): the
 * servers' total_heap_size, heap_size and memory, and the binaries they hold, after the last call.
 */
import { describe, expect, it } from "vitest";
import { genServerWork, type Mode } from "../src/index.js";
import { ratio, recordOf as fixtureRecord, simulate as simulateScenario } from "./support/twin-figures.js";

const simulate = (mode: Mode, set: Record<string, number>) => simulateScenario(genServerWork, mode, set, ["server", "worker"]);

/**
 * work(N) follows the compiled code: `lists:seq/2` builds four cells behind one `test_heap 8`
 * (seq_loop), and `allocate N` tests the heap for its N y-register words before the stack grows
 * (kit/allocate.ts: the JIT's rule, read in its source and checked on a gc trace). The stack the
 * work runs on is measured (gen_server's loop 11 + its call path 10 + handle_call's CP + work/1's 3
 * = 25 words, equal on both traces). What still differs: from the first collection of the first
 * call the BEAM's server has 2 more live words than the model's (the call path's live data, not
 * found yet; a plain spawned process doing the same work lands event for event once the spawned
 * fun's words are on its heap — the same kind of start-up words), and from there the servers'
 * collections fall elsewhere. At 30 servers × 10 rounds the young heap and the binaries held are
 * the BEAM's and the old heap is one size below; over 60 rounds the servers keep 0.69 of the
 * BEAM's total heap.
 *
 * Fix mode: the servers' young heap ends one size step above the BEAM's (376 vs 233 words): the
 * pinned gap. A gc trace of one fix server over 10 calls: the BEAM collects twice, first when the
 * worker's 12-word result arrives (in a fragment) with 12 stack words, then with 6 stack words —
 * both below the 23 words measured inside handle_call, so not where the model collects (inside
 * handle_call, 23 words, on a heap test): where the BEAM runs those two collections is the rule
 * still to find.
 */
describe("gen-server-work against the real BEAM (servers 30, rounds 10)", () => {
  const recordOf = (mode: Mode) => fixtureRecord("gen-server-work", mode, { servers: 30, rounds: 10 });
  it("leak: every server's heaps, memory and binaries are the BEAM's", () => {
    const record = recordOf("leak");
    const sim = simulate("leak", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(real.server?.count);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server?.avg_heap_size).toBe(real.server?.avg_heap_size);
    expect(sim.server?.avg_binary_refs).toBe(real.server?.avg_binary_refs);
    // closed by gen:call's infinity clause (otp gen.ts: a plain monitor ref, `{Mref, Reply}`,
    // `{Tag, Reply}` built on the server's heap): 150,230 words on both nodes
    expect(sim.server?.avg_total_heap_size).toBe(real.server?.avg_total_heap_size);
    expect(sim.server?.avg_memory).toBe(real.server?.avg_memory);
  }, 120_000);
  it("fix: the servers stay small, the workers are gone; the young heap one size step above is the pinned gap", () => {
    const record = recordOf("fix");
    const sim = simulate("fix", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(real.server?.count);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server?.avg_binary_refs).toBe(0);
    // the pinned gap: 752 vs 609 words, 6,880 vs 5,736 B (within 25%, not yet 15%)
    expect(ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size)).toBeGreaterThan(1);
    expect(ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size)).toBeLessThan(1.25);
    expect(ratio(sim.server!.avg_memory, real.server!.avg_memory)).toBeLessThan(1.25);
    // the leak is the leak: the fix's servers hold 1/100 of the leak's memory on both nodes
    expect(sim.server!.avg_memory * 100).toBeLessThan(recordOf("leak").roles.server!.avg_memory * 2);
  }, 120_000);
});

describe("gen-server-work against the real BEAM at its defaults (300 servers × 60 rounds): the pinned drift", () => {
  const recordOf = (mode: Mode) => fixtureRecord("gen-server-work", mode);
  it("leak: the servers keep less than the BEAM's (0.69 of its total heap)", () => {
    const record = recordOf("leak");
    const sim = simulate("leak", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(300);
    expect(real.server?.count).toBe(300);
    const r = ratio(sim.server!.avg_total_heap_size, real.server!.avg_total_heap_size);
    expect(r).toBeGreaterThan(0.6);
    expect(r).toBeLessThan(0.8);
    expect(ratio(sim.server!.avg_memory, real.server!.avg_memory)).toBeLessThan(0.8);
  }, 120_000);
  it("fix: the servers stay small on both nodes, with the BEAM's heaps and memory", () => {
    const record = recordOf("fix");
    const sim = simulate("fix", record.params_set);
    const real = record.roles;
    // closed by gen:call's infinity clause (see the 30 × 10 leak case): 986 words on both nodes
    expect(sim.server?.avg_total_heap_size).toBe(real.server?.avg_total_heap_size);
    expect(sim.server?.avg_memory).toBe(real.server?.avg_memory);
    expect(sim.server!.avg_memory * 100).toBeLessThan(recordOf("leak").roles.server!.avg_memory);
  }, 120_000);
});
