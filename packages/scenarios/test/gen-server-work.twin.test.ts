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
 * Fix mode at 30 × 10: the servers' young heap ends one size step above the BEAM's (376 vs 233
 * words): the pinned gap. Traced (server 1, gc events only): the model's server reaches call 4
 * with 10 more heap words than the BEAM's (204 vs 194 when the worker's 12-word result arrives),
 * so the result lands in a fragment instead of on the heap and the collections fall elsewhere.
 * After one forced collection of the idle server on both nodes (erlang:garbage_collect(S) before
 * the first round) the model's server 1 ends on the BEAM's 609 words: the difference is in the
 * heap the servers start with and keep up to call 4, still to pin down. Read with
 * process_info(S, garbage_collection_info) right after the servers are started, the first
 * server a node starts has 68 used heap words and every later one 50 (the model's 50 for all);
 * the per-call words match (44 on both, measured between forced collections). gen_server.beam's disassembly also puts the reply tuple
 * (`test_heap 4` inside handle_call, 23 stack words), try_handle_call's {ok, R} (21) and
 * gen:reply's `allocate_heap 1, 3` (13) elsewhere than the model (all at 11); moving them alone
 * does not close the gap (1.62 here, 1.24 at the defaults), so they wait for the start-up rule.
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
  it("fix: the servers stay small, the workers are gone; the young heap one size step above the BEAM's is the pinned gap", () => {
    const record = recordOf("fix");
    const sim = simulate("fix", record.params_set);
    const real = record.roles;
    expect(sim.server?.count).toBe(real.server?.count);
    expect(sim.worker?.count).toBe(0);
    expect(sim.server?.avg_binary_refs).toBe(0);
    // the pinned gap: 752 vs 609 words (young 376 vs 233), 6,880 vs 5,736 B
    expect(sim.server!.avg_heap_size).toBe(376);
    expect(real.server!.avg_heap_size).toBeLessThan(sim.server!.avg_heap_size);
    expect(sim.server!.avg_total_heap_size).toBe(752);
    expect(ratio(sim.server!.avg_memory, real.server!.avg_memory)).toBeCloseTo(6880 / 5736, 6);
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
