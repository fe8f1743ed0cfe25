/**
 * Twin of `max_heap/3` (max_heap_size_kill_S, max_heap_size_nokill_S; spawned with
 * `{max_heap_size, #{size => S, kill => K, error_logger => false}}` and a monitor, whose 64 bytes
 * count in `memory`):
 *
 *     mh_loop(Rec, Steps, Batch, Acc) ->
 *         Acc1 = build(Batch, Acc),        % + 2*Batch words, everything live
 *         park(Rec),                       % checkpoint "step_<i>"
 *         mh_loop(Rec, Steps - 1, Batch, Acc1).
 *
 * Stacks inferred from the recording: build S = 7, parks 5 (first) and 6.
 */
import { nil, ProcessKilled, type Term } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

export function maxHeapTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const [steps = 0, batch = 0] = w.params;
  const f = t.heap.pushFrame();
  t.park("spawned", 5);
  let acc: Term = nil;
  let step = "";
  try {
    for (let i = 1; i <= steps; i++) {
      step = `step_${i}`;
      acc = t.build(batch, acc, 7);
      f.set(0, acc);
      t.park(step, 6);
    }
    t.exit = { reason: "normal", step: "finish" };
  } catch (e) {
    if (!(e instanceof ProcessKilled)) throw e;
    t.exit = { reason: e.reason, step };
  }
  return t;
}
