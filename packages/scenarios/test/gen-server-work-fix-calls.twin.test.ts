/**
 * A gen-server-work fix server's heaps after each call, against the BEAM
 * (fixtures/gsw_fix_calls.json, recorders/gsw_fix_calls.escript): one server started as the
 * scenario starts its servers, called 14 times with `{work, N, Pad}`, Pad a list of K = 0..9
 * integers, so that its collections fall at other heap positions; garbage_collection_info read
 * after each call (heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size).
 *
 * Every padding's every call is the BEAM's. What it took (each rule found from the paddings the
 * model missed, with the BEAM's gc trace and process_info(S, stack_size) read by the worker):
 * - gen_server's compiled call path: try_handle_call's `{ok, Reply}` tests the heap inside its
 *   frame, handle_msg trims From and the request before gen:reply (they are garbage there);
 *   the callback's `return` costs a reduction (dispatch_return);
 * - the fix clause as compiled: the fun live in x0 until erlang:spawn/3 copied it, spawn/1's
 *   entry a reduction, the receive waiting at 21 words;
 * - F_DELAY_GC: the clause's `test_heap 4` runs between the match and remove_message, where a
 *   collection is delayed — the heap abandoned for a temporary one, all reductions taken, and
 *   the forced collection run at the next switch, with the reply tuple built (the BEAM's trace:
 *   at stack 19, inside try_handle_call; paddings 3, 5 and 7 go through it).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, list, Tuple, type Pid } from "@beamlab/heap";
import { GenServer } from "@beamlab/otp";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { startWorkServer } from "../src/gen-server-work/scenario.js";
import { newNode, setRole } from "../src/node.js";

type Heaps = [number, number, number, number, number];
interface Run {
  pad: number;
  start: Heaps;
  calls: Heaps[];
}
interface SimRun extends Run {
  /** How many times the server's heap was abandoned for a delayed collection. */
  abandonedHeaps: number;
}
const fixture = loadFixture("gsw_fix_calls") as { rounds: number; runs: Run[] };

/** The model's run of the recorder's workload for padding `k`. */
function simulate(k: number, rounds: number): SimRun {
  const run = newNode({}, { duration: 3_600_000, interval: 1 });
  const heaps = (ctx: ProcessContext, s: Pid): Heaps => {
    const g = ctx.processInfo(s, ["garbage_collection_info"])!.garbage_collection_info;
    return [g.heap_size, g.heap_block_size, g.old_heap_size, g.old_heap_block_size, g.mbuf_size];
  };
  const out: SimRun = { pad: k, start: [0, 0, 0, 0, 0], calls: [], abandonedHeaps: 0 };
  let done = false;
  run.scheduler.spawn(function* driver(ctx: ProcessContext) {
    setRole(ctx, "driver");
    const s = yield* startWorkServer(ctx, "fix");
    out.start = heaps(ctx, s);
    const pad = Array.from({ length: k }, (_, i) => i + 1);
    for (let r = 1; r <= rounds; r++) {
      yield* GenServer.call(ctx, s, ctx.alloc(new Tuple([atom("work"), 2000 + ((r * 37) % 3000), list(pad)])), "infinity");
      out.calls.push(heaps(ctx, s));
    }
    out.abandonedHeaps = run.scheduler.heapOf(run.scheduler.lookup(s)!).abandonedHeaps;
    done = true;
  });
  while (!done) run.scheduler.run({ until: run.scheduler.clock.now + 1000 });
  return out;
}

describe("gen-server-work fix: a server's heaps after each call, against the BEAM", () => {
  it("the fixture has the ten paddings, 14 calls each, all starting at 50 words", () => {
    expect(fixture.runs.map((r) => r.pad)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of fixture.runs) {
      expect(r.calls).toHaveLength(fixture.rounds);
      expect(r.start).toEqual([50, 233, 0, 0, 0]);
    }
  });

  it.each(fixture.runs)("padding $pad: every call's heaps are the BEAM's", (real) => {
    const sim = simulate(real.pad, fixture.rounds);
    expect(sim.start).toEqual(real.start);
    expect(sim.calls).toEqual(real.calls);
  }, 60_000);

  it("the paddings whose collection falls between the match and remove_message go through a delayed collection", () => {
    const delayed = fixture.runs.filter((r) => simulate(r.pad, fixture.rounds).abandonedHeaps > 0).map((r) => r.pad);
    expect(delayed).toEqual([3, 5, 7]);
  }, 60_000);
});
