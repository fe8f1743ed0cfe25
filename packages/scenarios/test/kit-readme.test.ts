/** The README's workload-kit example, run as written: the blocks compose and the worker's heap holds the result. */
import { Cons, nil, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { foldl, length, map, seq } from "@beamlab/scenarios/kit";

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
});
