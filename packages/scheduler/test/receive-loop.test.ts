/**
 * A receive loop that never calls ctx.call(): each receive reached without a charged reduction
 * since the previous one is charged the loop's call, so the loop is preempted after a slice's
 * reductions like `loop() -> receive _ -> loop() end` on the BEAM.
 */
import { Tuple } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/index.js";

describe("receive loops without ctx.call()", () => {
  it("are preempted after CONTEXT_REDS receives: another process runs in between", () => {
    const s = new Scheduler();
    const order: string[] = [];
    let taken = 0;
    const sink = s.spawn(function* sink(ctx) {
      for (;;) {
        yield* ctx.receive();
        taken++;
      }
    });
    s.spawn(function* filler(ctx) {
      for (let i = 0; i < 10_000; i++) ctx.send(sink, i);
      // the sink takes a slice of its own before this process runs again
      yield* ctx.yield();
      order.push(`filler resumed after ${taken}`);
    });
    s.run();
    expect(taken).toBe(10_000);
    // 4,000 reductions per slice: the receive the sink was woken in is free, each next one
    // costs the loop's call; the 4,001st finds none left and is scheduled out first
    expect(order).toEqual(["filler resumed after 4000"]);
  });

  it("a bare receive loop collects as a loop calling ctx.call() after each receive does (same GC events, same reductions)", () => {
    const run = (explicitCall: boolean) => {
      const events: string[] = [];
      const s = new Scheduler({ onGcTrace: (_pid, e) => events.push(`${e.tag} ${e.info.heap_size} ${e.info.heap_block_size} ${e.info.mbuf_size}`) });
      const sink = s.spawn(function* sink(ctx) {
        for (;;) {
          yield* ctx.receive();
          if (explicitCall) yield* ctx.call();
        }
      });
      s.traceGc(sink);
      let reductions = 0;
      s.spawn(function* filler(ctx) {
        for (let round = 0; round < 20; round++) {
          // 100 messages of 11 words per round: more than the sink's free heap
          for (let i = 0; i < 100; i++) ctx.send(sink, new Tuple([i, i, i, i, i, i, i, i, i, i]));
          yield* ctx.sleep(1);
        }
        reductions = ctx.processInfo(sink)!.reductions;
      });
      s.run({ untilOnlyReceiveTimeouts: true });
      return { events, reductions };
    };
    const bare = run(false);
    expect(bare.events.length).toBeGreaterThan(4);
    expect(bare).toEqual(run(true));
  });
});
