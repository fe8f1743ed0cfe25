/**
 * A receive whose `after` timer fires while the process, already woken by a message, waits in
 * the run queue — against the BEAM (fixtures/receive_timeout_race.json): the BEAM takes the
 * timeout and leaves the message for the next receive. Only the work clock lets a timer fire
 * while processes run, so the race is run with it: 500 workers of one slice each (about 200 ms
 * of work at 0.0001 ms per reduction, as the recorder's 3000 slices take about 100 ms) stand
 * between the woken receiver and its turn. As the recorder, everything is spawned by a
 * high-priority process before any of it runs: the receiver arms its timer, workers 1-9 run a
 * slice each, worker 10 sends `hello`. process_info(self(), message_queue_len) in the
 * `after` clause counts the inner queue only (Proc.outerQueued).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, Tuple, type Pid } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

interface Outcome {
  first: string;
  queue_len_in_after: number | null;
  second: string;
}
const fixture = loadFixture("receive_timeout_race") as { after_10: Outcome; after_60000: Outcome };
const HELLO = atom("hello");

/** The recorder's race, on the model with the work clock. */
function race(afterMs: number): Outcome {
  const s = new Scheduler({ workClock: { msPerReduction: 0.0001 } });
  let out: Outcome | undefined;
  let receiver: Pid | undefined;
  s.spawn(function* recorder(ctx: ProcessContext) {
    receiver = ctx.spawn(function* a(x: ProcessContext) {
      const m = yield* x.receive(undefined, { after: afterMs });
      const q = m === undefined ? (x.processInfo(x.self, ["message_queue_len"])?.message_queue_len ?? -1) : null;
      const m2 = yield* x.receive(undefined, { after: 0 });
      out = { first: m === undefined ? "timeout" : `got ${(m as typeof HELLO).name}`, queue_len_in_after: q, second: m2 === undefined ? "nothing" : `then ${(m2 as typeof HELLO).name}` };
    });
    for (let i = 1; i <= 500; i++) {
      ctx.spawn(function* worker(w: ProcessContext) {
        for (let k = 0; k < 3990; k++) yield* w.call(); // most of a slice
        if (i === 10) w.send(receiver!, HELLO);
      });
    }
    yield* ctx.receive((t) => t instanceof Tuple);
  }, [], { priority: "high" });
  s.run();
  return out!;
}

describe("a receive's timer that fires while the process waits in the run queue, against the BEAM", () => {
  it("after 10: the timeout is taken though the message had arrived first; the next receive gets it", () => {
    const r = race(10);
    expect([r.first, r.second]).toEqual([fixture.after_10.first, fixture.after_10.second]);
  });
  it("in the after clause message_queue_len is 0: the message is still in the outer signal queue, which only the next receive fetches", () => {
    expect(fixture.after_10.queue_len_in_after).toBe(0);
    expect(race(10)).toEqual(fixture.after_10);
  });
  it("after 60000: the message is taken", () => {
    expect(race(60000)).toEqual(fixture.after_60000);
  });
});
