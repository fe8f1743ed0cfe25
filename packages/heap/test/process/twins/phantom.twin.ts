/**
 * Twin of `phantom/2` (trace_phantom_K): the workload that shows the tracer's phantom fragment.
 *
 *     park(Rec),                       % checkpoint "spawned"
 *     L = build(80, []),               % 160 words, live
 *     erlang:garbage_collect(),        % major: drops the 4 words of spawn arguments
 *     T = erlang:make_tuple(K, 0),     % K + 1 words (a BIF result: HAlloc), live
 *     erlang:garbage_collect(),        % major: live = 160 + K + 1 words
 *     park(Rec),                       % checkpoint "after_gc"
 *     {T, L}.
 *
 * After each `erlang:garbage_collect()` returns, the BEAM checks whether a GC is desired
 * (`erts_gc_after_bif_call`): when the traced major left a phantom fragment bigger than the free
 * space, that check runs a minor with need 0 (trace_phantom_K for large K).
 * Stacks inferred from the recording: build, make_tuple and both explicit GCs with S = 6; parks
 * 5 and 4.
 */
import { nil, Tuple } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

export function phantomTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const h = t.heap;
  const k = w.params[0] ?? 0;
  const f = h.pushFrame();
  t.park("spawned", 5);
  f.hold(t.build(80, nil, 6));
  h.setStack(6);
  h.garbageCollect();
  h.safePoint(); // the GC-desired check after the BIF returns
  f.hold(h.allocBif(new Tuple(new Array<number>(k).fill(0))));
  h.garbageCollect();
  h.safePoint(); // a phantom left by gc_major_end can make the GC desired: a minor, need 0
  t.park("after_gc", 4);
  h.popFrame(f);
  return t;
}
