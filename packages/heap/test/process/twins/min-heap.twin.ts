/**
 * Twin of `min_heap/1` (workloads min_heap_size_N, spawned with `{min_heap_size, N}`):
 *
 *     min_heap(Rec) ->
 *         park(Rec),                  % "spawned"
 *         L1 = build(1000, []),       % 2000 words, live
 *         park(Rec),                  % "list_1000"
 *         L2 = build(19000, L1),      % + 38000 words, live
 *         park(Rec),                  % "list_20000"
 *         L2.
 *
 * Stacks inferred from the recording: first build S = 5, second build S = 4 (L1 is an argument,
 * no longer in the frame), parks 4, 4, 3.
 */
import { nil } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

export function minHeapTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const f = t.heap.pushFrame();
  t.park("spawned", 4);
  const l1 = f.hold(t.build(1000, nil, 5));
  t.park("list_1000", 4);
  f.release(l1);
  f.hold(t.build(19000, l1, 4));
  t.park("list_20000", 3);
  t.heap.popFrame(f);
  return t;
}
