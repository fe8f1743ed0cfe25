/**
 * SchedulerOptions.receiveFetchReds (default off): a receive pays 4 reductions each time it
 * reaches the end of the inner queue and fetches the outer one, and 1 per message it skips —
 * OTP 25's erts_proc_sig_receive_helper and loop_rec_end. Off, a receive charges neither.
 */
import { atom } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/index.js";

const A = atom("a");
const B = atom("b");

/** The reductions a receive of `b` takes with `queued` already sent to the process before it runs. */
function receiveCost(on: boolean, queued: readonly ReturnType<typeof atom>[]): number {
  const s = new Scheduler({ receiveFetchReds: on });
  let used = -1;
  const p = s.spawn(function* receiver(ctx) {
    yield* ctx.call(); // a charged call: the receive below is not charged the loop's call
    const before = ctx.reductionsLeft;
    yield* ctx.receive((m) => m === B);
    used = before - ctx.reductionsLeft;
  });
  const proc = s.lookup(p);
  for (const m of queued) if (proc !== undefined) s.deliver(proc, m);
  s.run();
  return used;
}

describe("Scheduler receiveFetchReds", () => {
  it("off: a receive charges nothing for its scan", () => {
    expect(receiveCost(false, [B])).toBe(0);
    expect(receiveCost(false, [A, A, B])).toBe(0);
  });

  it("on: one fetch of the outer queue (4), plus 1 per message skipped", () => {
    expect(receiveCost(true, [B])).toBe(4);
    expect(receiveCost(true, [A, A, B])).toBe(4 + 2);
  });

  it("on: a receive that finds nothing pays its fetch before it waits, and a fetch again when woken", () => {
    const s = new Scheduler({ receiveFetchReds: true });
    const p = s.spawn(function* receiver(ctx) {
      yield* ctx.call();
      yield* ctx.receive((m) => m === B);
      yield* ctx.receive((m) => m === B); // waits for good (the process stays to be looked up)
    });
    s.spawn(function* sender(ctx) {
      yield* ctx.call();
      ctx.send(p, A); // skipped by the receive once woken
      ctx.send(p, B);
    });
    s.run();
    // on top of the model's charges: the first fetch (4, nothing there), after the wake the fetch
    // (4) and the skipped `a` (1), then the last receive's scan of `a` (1, the inner queue) and its fetch (4)
    const reds = s.lookup(p)?.reductions;
    const off = new Scheduler();
    const q = off.spawn(function* receiver(ctx) {
      yield* ctx.call();
      yield* ctx.receive((m) => m === B);
      yield* ctx.receive((m) => m === B);
    });
    off.spawn(function* sender(ctx) {
      yield* ctx.call();
      ctx.send(q, A);
      ctx.send(q, B);
    });
    off.run();
    expect(reds! - off.lookup(q)!.reductions).toBe(4 + 4 + 1 + 1 + 4);
  });
});
