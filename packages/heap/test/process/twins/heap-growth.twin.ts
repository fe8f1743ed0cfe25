/**
 * Twin of `heap_growth/2` (gc_traces.escript, workloads heap_growth_list_N):
 *
 *     heap_growth(Rec, N) ->
 *         park(Rec),            % checkpoint "spawned"
 *         L = build(N, []),     % 2N words, all live
 *         park(Rec),            % checkpoint "built"
 *         L.
 *
 * Stack sizes inferred from the recorded events and checkpoints: park/1 called from
 * heap_growth/2 before the build shows 4 words; build/2 runs with a GC-visible stack of 4 (the
 * heap_growth frame + the JIT's return address); parked after the build, 3.
 */
import { nil } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

export const S_HEAP_GROWTH_PARK_FIRST = 4;
export const S_HEAP_GROWTH_BUILD = 4;
export const S_HEAP_GROWTH_PARK_BUILT = 3;

export function heapGrowthTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const n = w.params[0] ?? 0;
  t.park("spawned", S_HEAP_GROWTH_PARK_FIRST);
  const frame = t.heap.pushFrame();
  const list = t.build(n, nil, S_HEAP_GROWTH_BUILD);
  frame.hold(list);
  t.park("built", S_HEAP_GROWTH_PARK_BUILT);
  t.heap.popFrame(frame);
  return t;
}
