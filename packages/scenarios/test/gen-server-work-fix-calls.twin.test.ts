/**
 * A gen-server-work fix server's heaps after each call, against the BEAM
 * (fixtures/gsw_fix_calls.json, recorders/gsw_fix_calls.escript): one server started as the
 * scenario starts its servers, called 14 times with `{work, N, Pad}`, Pad a list of K = 0..9
 * integers, so that its collections fall at other heap positions; garbage_collection_info read
 * after each call (heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size).
 *
 * The model is exact for 6 paddings, among them K = 0 (gen-server-work's own shape, one word
 * more per call). The other 4 part where a collection is due between the receive's match and
 * remove_message: the BEAM delays it there (F_DELAY_GC: a temporary heap, the collection forced
 * at the next opportunity), the model collects at the reply tuple's allocation just after
 * (scenario.ts says so) — the pinned gap: each run equal up to the call given below.
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
const fixture = loadFixture("gsw_fix_calls") as { rounds: number; runs: Run[] };

/** The model's run of the recorder's workload for padding `k`. */
function simulate(k: number, rounds: number): Run {
  const run = newNode({}, { duration: 3_600_000, interval: 1 });
  const heaps = (ctx: ProcessContext, s: Pid): Heaps => {
    const g = ctx.processInfo(s, ["garbage_collection_info"])!.garbage_collection_info;
    return [g.heap_size, g.heap_block_size, g.old_heap_size, g.old_heap_block_size, g.mbuf_size];
  };
  const out: Run = { pad: k, start: [0, 0, 0, 0, 0], calls: [] };
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
    done = true;
  });
  while (!done) run.scheduler.run({ until: run.scheduler.clock.now + 1000 });
  return out;
}

/** The pinned gap: padding → the first call (1-based) whose heaps differ from the BEAM's. */
const FIRST_DIFFERENT_CALL: Record<number, number> = { 4: 7, 6: 10, 8: 6, 9: 6 };

describe("gen-server-work fix: a server's heaps after each call, against the BEAM", () => {
  it("the fixture has the ten paddings, 14 calls each, all starting at 50 words", () => {
    expect(fixture.runs.map((r) => r.pad)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of fixture.runs) {
      expect(r.calls).toHaveLength(fixture.rounds);
      expect(r.start).toEqual([50, 233, 0, 0, 0]);
    }
  });

  it.each(fixture.runs.filter((r) => FIRST_DIFFERENT_CALL[r.pad] === undefined))("padding $pad: every call's heaps are the BEAM's", (real) => {
    const sim = simulate(real.pad, fixture.rounds);
    expect(sim.start).toEqual(real.start);
    expect(sim.calls).toEqual(real.calls);
  }, 60_000);

  it.each(fixture.runs.filter((r) => FIRST_DIFFERENT_CALL[r.pad] !== undefined))("padding $pad: the BEAM's up to the pinned call (F_DELAY_GC not modelled)", (real) => {
    const sim = simulate(real.pad, fixture.rounds);
    const first = FIRST_DIFFERENT_CALL[real.pad]!;
    expect(sim.start).toEqual(real.start);
    expect(sim.calls.slice(0, first - 1)).toEqual(real.calls.slice(0, first - 1));
    expect(sim.calls[first - 1]).not.toEqual(real.calls[first - 1]);
  }, 60_000);
});
