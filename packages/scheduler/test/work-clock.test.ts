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

describe("work clock: the same slices, whatever the chunking", () => {
  /** Two processes computing 10 slices each, round robin; the order of slices they run in. */
  function computing(s: Scheduler, order: string[]): void {
    for (const name of ["a", "b"]) {
      s.spawn(function* (ctx: ProcessContext) {
        for (let i = 0; i < 10 * 4000; i++) {
          if (ctx.reductionsLeft === 4000) order.push(`${name}@${ctx.now()}`);
          yield* ctx.call();
        }
      });
    }
  }

  it("virtual time moves by the reductions run, between slices, whatever the chunking; the same slices as without it", () => {
    const plainOrder: string[] = [];
    const plain = new Scheduler();
    computing(plain, plainOrder);
    expect(plain.run().now).toBe(0); // time stands still while processes compute
    const whole: string[] = [];
    const a = new Scheduler({ workClock: { msPerReduction: 1 / 8192 } });
    computing(a, whole);
    a.run();
    expect(a.clock.now).toBe(80_000 / 8192); // 80,000 reductions
    expect(whole.map((x) => x.split("@")[0])).toEqual(plainOrder.map((x) => x.split("@")[0]));
    expect(whole.slice(0, 4)).toEqual(["a@0", `b@${4000 / 8192}`, `a@${8000 / 8192}`, `b@${12000 / 8192}`]);
    const chunked: string[] = [];
    const c = new Scheduler({ workClock: { msPerReduction: 1 / 8192 } });
    computing(c, chunked);
    const stops: number[] = [];
    for (let t = 0; t <= 12; t++) stops.push(c.run({ until: t, maxSlices: 3 }).now);
    while (c.runQueueLength > 0) c.run({ until: 100, maxSlices: 1 });
    expect(chunked).toEqual(whole);
    expect(Math.max(...stops)).toBeLessThanOrEqual(12);
  });

  it("timers fire as the work clock passes them", () => {
    const s = new Scheduler({ workClock: { msPerReduction: 1 / 4096 } });
    const woke: number[] = [];
    s.spawn(function* (ctx: ProcessContext) {
      yield* ctx.sleep(3);
      woke.push(ctx.now());
    });
    s.spawn(function* (ctx: ProcessContext) {
      for (let i = 0; i < 10 * 4000; i++) yield* ctx.call();
    });
    s.run();
    // due when the clock reaches 3 (after the computing process's fourth slice: 16,000 / 4,096
    // ms); it is queued behind that process, whose fifth slice runs first: it wakes at
    // 20,000 / 4,096 (without the work clock it would wake at 3, after all the computation)
    expect(woke).toEqual([20_000 / 4096]);
    expect(s.clock.now).toBe(40_000 / 4096);
  });

});
