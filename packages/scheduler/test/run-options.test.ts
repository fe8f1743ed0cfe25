/**
 * `run()`'s stopping rules: a virtual time (`until`), and "only receive … after loops remain"
 * (`untilOnlyReceiveTimeouts`), which a node with a polling process never reaches otherwise;
 * and the compute clock (virtual time passing with the reductions run).
 */
import { atom } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { processInfo, Scheduler, type ProcessContext } from "../src/index.js";

function* poller(ctx: ProcessContext) {
  for (;;) yield* ctx.receive(undefined, { after: 1000 });
}

describe("run options", () => {
  it("until stops at a virtual time while a receive…after loop keeps a timer pending", () => {
    const s = new Scheduler();
    s.spawn(poller);
    const r = s.run({ until: 5500 });
    expect(r).toMatchObject({ now: 5500, idle: false });
    expect(s.run({ until: 10_000 }).now).toBe(10_000);
  });

  it("untilOnlyReceiveTimeouts returns once the work is done and only receive…after loops remain", () => {
    const s = new Scheduler();
    const got: number[] = [];
    const p = s.spawn(poller);
    s.spawn(function* (ctx) {
      yield* ctx.sleep(2500); // a sleep is work still to do: run() must wait for it
      ctx.send(p, atom("tick"));
      got.push(ctx.now());
    });
    const r = s.run({ untilOnlyReceiveTimeouts: true });
    expect(got).toEqual([2500]);
    expect(r).toMatchObject({ now: 2500, idle: false, quiet: true });
    expect(s.isAlive(p)).toBe(true);
  });

  it("a pending send_after also keeps it running; with nothing pending it is simply idle", () => {
    const s = new Scheduler();
    const seen: number[] = [];
    const rx = s.spawn(function* (ctx) {
      for (;;) {
        const m = yield* ctx.receive(undefined, { after: 100 });
        if (m !== undefined) seen.push(ctx.now());
      }
    });
    s.spawn(function* (ctx) {
      ctx.sendAfter(750, rx, atom("late"));
      yield* ctx.call();
    });
    const r = s.run({ untilOnlyReceiveTimeouts: true });
    expect(seen).toEqual([750]);
    expect(r.quiet).toBe(true);
    const idle = new Scheduler();
    idle.spawn(function* (ctx) {
      yield* ctx.call();
    });
    expect(idle.run({ untilOnlyReceiveTimeouts: true })).toMatchObject({ idle: true });
  });
});

describe("stackJitter (leak-lab --band)", () => {
  const stacks = (seed: number) => {
    const s = new Scheduler({ stackJitter: { seed, words: 4 } });
    const pids = Array.from({ length: 20 }, () =>
      s.spawn(function* idle(ctx: ProcessContext) {
        ctx.heap.pushFrame(2); // the body's own frame comes on top of the jitter
        yield* ctx.receive();
      }),
    );
    s.run();
    return pids.map((p) => processInfo(s, s.lookup(p)!).stack_size);
  };
  it("moves every process's stack by 0..words, deterministically per seed and pid", () => {
    const a = stacks(1);
    expect(stacks(1)).toEqual(a);
    expect(a.every((x) => x >= 2 && x <= 6)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(2);
    expect(stacks(2)).not.toEqual(a);
  });
});
