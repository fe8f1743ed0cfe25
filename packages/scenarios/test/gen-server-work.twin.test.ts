/**
 * gen-server-work against its twin on the real BEAM (fixtures/scenarios.json, recorded by
 * tooling/beam-oracle/recorders/scenarios.record.mjs from twins/gen_server_work.escript): the
 * servers' total_heap_size, heap_size and memory, and the binaries they hold, after the last call.
 */
import { describe, expect, it } from "vitest";
import { genServerWork, type Mode } from "../src/index.js";
import { recordOf as fixtureRecord, simulate as simulateScenario } from "./support/twin-figures.js";

const simulate = (mode: Mode, set: Record<string, number>) => simulateScenario(genServerWork, mode, set, ["server", "worker"]);

/**
 * work(N) follows the compiled code: `lists:seq/2` builds four cells behind one `test_heap 8`
 * (seq_loop), and `allocate N` tests the heap for its N y-register words before the stack grows
 * (kit/allocate.ts: the JIT's rule, read in its source and checked on a gc trace). The stack the
 * work runs on is measured (gen_server's loop 11 + its call path 10 + handle_call's CP + work/1's 3
 * = 25 words, equal on both traces). `gen_server:call(S, R, infinity)` takes gen:do_call's local
 * infinity clause (otp gen.ts: a plain monitor, From = {Pid, Mref}, 6 words): with it a traced
 * leak server's first 30 gc events are the BEAM's, word for word, and the 30 × 10 servers end on
 * the BEAM's heaps (the 3 words of the alias From had put them 0.8 of the BEAM's total heap).
 * integer_to_list's result is placed as kit/integer-to-list.ts measured (HAlloc 2 words short of
 * the frame, no collection on the BIF's return): with it the first 44 gc events of traced leak
 * servers (1, 7 and 30 of 30 × 10, 1 of 300 × 60) are the BEAM's and the 300 × 60 leak servers
 * land on the BEAM's heaps (they kept 0.69 of its total heap with the after-BIF collection).
 * list_to_binary's passes and traps (kit/list-to-binary.ts) make the 300 × 60 leak servers the
 * BEAM's in every figure, the binaries they hold included; where it traps follows work(N)'s
 * reductions, measured (the comprehensions' returns cost one each, seq_loop's calls, length's
 * N / 16: work.ts's header).
 *
 * Fix mode: the servers run gen_server's compiled call path and the fix clause as compiled
 * (scenario.ts): with them the 30 × 10 servers end on the BEAM's heaps (they ended one size
 * step above: 376 vs 233 young words) and a fix server's heaps after each call are the BEAM's
 * for ten request paddings (gen-server-work-fix-calls.twin.test.ts, which names the rules,
 * F_DELAY_GC among them). Read with process_info(S, garbage_collection_info) right after start,
 * a BEAM's gen_servers start with 50 used heap words — or, in about one VM in five, all of them
 * with 54 (4 more live words: most likely two process-dictionary keys in one bucket, the atom
 * indices varying from VM to VM; recorders/gsw_fix_calls.escript); the model's start with 50.
 */
describe("gen-server-work against the real BEAM (servers 30, rounds 10)", () => {
  const recordOf = (mode: Mode) => fixtureRecord("gen-server-work", mode, { servers: 30, rounds: 10 });
  it("leak: every server's heaps, memory and binaries are the BEAM's", () => {
    const record = recordOf("leak");
    const sim = simulate("leak", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(real.server?.count);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server).toEqual(real.server);
  }, 120_000);
  it("fix: every server's heaps and memory are the BEAM's, the workers are gone", () => {
    const record = recordOf("fix");
    const sim = simulate("fix", record.params_set);
    const real = record.roles;
    expect(sim.server).toEqual(real.server);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server!.avg_binary_refs).toBe(0);
    // the leak is the leak: the fix's servers hold 1/100 of the leak's memory on both nodes
    expect(sim.server!.avg_memory * 100).toBeLessThan(recordOf("leak").roles.server!.avg_memory * 2);
  }, 120_000);
});

describe("gen-server-work against the real BEAM at its defaults (300 servers × 60 rounds)", () => {
  const recordOf = (mode: Mode) => fixtureRecord("gen-server-work", mode);
  it("leak: every server's heaps, memory and binaries are the BEAM's", () => {
    // list_to_binary traps on work(N)'s iolist (N + bytes + 1 items, 8 to a reduction) with
    // the GC disabled and returns through beam_jit_call_bif's check (kit/list-to-binary.ts,
    // l2b_traps.json): with it the servers hold the BEAM's 3 refc binaries (46,875 B) at the
    // end — the model held 1 (the last call's) when list_to_binary returned at once through
    // call_light_bif — and their total heap is the BEAM's word for word (was 8 words short)
    const record = recordOf("leak");
    const sim = simulate("leak", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(300);
    expect(sim.server).toEqual(real.server);
    expect(sim.server!.avg_binary_refs).toBe(3);
  }, 120_000);
  it("fix: every server's heaps and memory are the BEAM's", () => {
    const record = recordOf("fix");
    const sim = simulate("fix", record.params_set);
    const real = record.roles;
    expect(sim.server).toEqual(real.server);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server!.avg_memory * 100).toBeLessThan(recordOf("leak").roles.server!.avg_memory);
  }, 120_000);
});
