/** The README's workload-kit examples, run as written: the blocks compose and the worker's heap holds the result. */
import { Cons, nil, Tuple, type ErlMap, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { comprehension, enumTake, foldl, length, map, mapsFromList, seq } from "@beamlab/scenarios/kit";

describe("README: the workload kit example", () => {
  it("seq, map and foldl build the reversed list of 2..5001 on the worker's heap, collecting on the way", () => {
    const s = new Scheduler();
    let first: Term | undefined;
    let n = 0;
    let gcs = 0;
    const p = s.spawn(function* worker(ctx) {
      const l = yield* seq(ctx, 1, 5000);
      const m = yield* map(ctx, (_ctx, x) => (x as number) + 1, l);
      const r = yield* foldl(ctx, (c, x, a) => c.heap.allocCons(x, a, 2), nil, m);
      first = (r as Cons).head;
      n = yield* length(ctx, r);
      gcs = ctx.processInfo()!.garbage_collection.minor_gcs;
    });
    s.run();
    expect(s.lookup(p)).toBeUndefined();
    expect(first).toBe(5001);
    expect(n).toBe(5000);
    expect(gcs).toBeGreaterThan(0);
  });

  it("a filtered comprehension, Enum.take and maps:from_list: a 40-key map of 6, 12, …, 240", () => {
    const s = new Scheduler();
    let m: ErlMap | undefined;
    let heap = 0;
    s.spawn(function* worker(ctx) {
      const l = yield* seq(ctx, 1, 3000);
      const evens = yield* comprehension(ctx, l, {
        yRegs: 1,
        before: (_ctx, x) => (x as number) * 2,
        elementWords: 0,
        build: (k: number) => k,
        filter: (_ctx, x) => (x as number) % 3 === 0,
      });
      const first = yield* enumTake(ctx, evens, 40);
      const pairs = yield* comprehension(ctx, first, { yRegs: 1, before: (_c, x) => x, elementWords: 3, build: (x) => new Tuple([x, x]) });
      m = yield* mapsFromList(ctx, pairs);
      heap = ctx.processInfo()!.heap_size;
    });
    s.run();
    expect(m?.size).toBe(40);
    expect(m?.keys[0]).toBe(6);
    expect(m?.keys[39]).toBe(240);
    expect(heap).toBeGreaterThan(233); // the 2,000 cells of the comprehension grew the heap
  });
});
