/**
 * The opt-in work clock (SchedulerOptions.workClock): virtual time also advances with the
 * reductions each slice counts, so a `receive … after` times out while other processes run.
 */
import { atom, Tuple } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

/** A waiter with `after 100` and a busy process doing `calls` function calls; what the waiter saw. */
function race(workClock: { msPerReduction: number } | undefined, calls: number): { timedOutAt: number | undefined; now: number; trace: readonly string[] } {
  const s = new Scheduler(workClock === undefined ? { trace: true } : { trace: true, workClock });
  let timedOutAt: number | undefined;
  s.spawn(function* waiter(ctx: ProcessContext) {
    const m = yield* ctx.receive(undefined, { after: 100 });
    if (m === undefined) timedOutAt = s.clock.now;
  });
  s.spawn(function* busy(ctx: ProcessContext) {
    for (let i = 0; i < calls; i++) yield* ctx.call();
  });
  const r = s.run();
  return { timedOutAt, now: r.now, trace: s.trace() };
}

describe("work clock", () => {
  it("off (the default): time stands still while processes run; the timeout fires after the work", () => {
    const r = race(undefined, 100_000);
    expect(r.timedOutAt).toBe(100);
  });

  it("on: the clock moves by each slice's reductions × the rate, and a timeout fires between slices mid-run", () => {
    // 100,000 calls at 0.01 ms per reduction are 1,000 ms of work: the waiter's 100 ms pass
    // after 10,000 reductions, i.e. after the busy process's third slice (4,000 each)
    const r = race({ msPerReduction: 0.01 }, 100_000);
    expect(r.timedOutAt).toBeGreaterThanOrEqual(100);
    expect(r.timedOutAt).toBeLessThan(200);
    expect(r.now).toBeGreaterThanOrEqual(1000);
  });

  it("is deterministic: the same program and rate give the same trace", () => {
    expect(race({ msPerReduction: 0.003 }, 50_000).trace).toEqual(race({ msPerReduction: 0.003 }, 50_000).trace);
  });

  it("rejects a rate that is not a positive finite number, naming the option", () => {
    expect(() => new Scheduler({ workClock: { msPerReduction: 0 } })).toThrow(/workClock\.msPerReduction/);
    expect(() => new Scheduler({ workClock: { msPerReduction: Number.NaN } })).toThrow(/positive finite/);
  });

  it("counts reductions, not virtual bumps: a receive that makes a collection desired ends the slice without counting its rest", () => {
    const s = new Scheduler({ workClock: { msPerReduction: 1 } });
    const rx = s.spawn(function* receiver(ctx: ProcessContext) {
      yield* ctx.receive((t) => t === atom("go"));
      // the queue holds 40 tuples of 11 words: most of them in heap fragments
      for (let i = 0; i < 40; i++) yield* ctx.receive();
    });
    s.spawn(function* sender(ctx: ProcessContext) {
      for (let i = 0; i < 40; i++) ctx.send(rx, ctx.alloc(new Tuple([i, i, i, i, i, i, i, i, i, i])));
      ctx.send(rx, atom("go"));
      yield* ctx.call();
    });
    const r = s.run();
    // 40 receives cost a few reductions each; with the slice's rest counted it would be thousands
    expect(r.now).toBeLessThan(400);
  });
});
