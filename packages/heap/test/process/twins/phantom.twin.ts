/**
 * Twin of `phantom/2` (trace_phantom_K): the workload that shows the tracer's phantom fragment.
 *
 *     T = erlang:make_tuple(K, 0),     % K + 1 words (a BIF result: HAlloc), live
 *     L = build(100, []),              % 200 words, live
 *     erlang:garbage_collect(),        % a major, need 0
 *     park(Rec).                       % checkpoint "after_gc"
 *
 * Stacks inferred from the recording: make_tuple and build with S = 6, the explicit GC S = 6,
 * parks 5 and 4.
 */
import { nil, Tuple } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

export function phantomTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const h = t.heap;
  const k = w.params[0] ?? 0;
  const f = h.pushFrame();
  t.park("spawned", 5);
  h.setStack(6);
  f.hold(h.allocBif(new Tuple(new Array<number>(k).fill(0))));
  f.hold(t.build(100, nil, 6));
  h.setStack(6);
  h.garbageCollect();
  t.park("after_gc", 4);
  h.popFrame(f);
  return t;
}
