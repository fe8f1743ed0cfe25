/**
 * Hibernation: erl_gc.c `garbage_collect_hibernate` (erlang:hibernate/3, proc_lib:hibernate).
 *
 * Owns: the fullsweep that leaves a heap of exactly the live data plus `S_RESERVED` words. The
 * stack is discarded (roots are the hibernate/3 arguments and the process's other root sources,
 * not its frames); the old heap and every fragment are freed; the high-water mark is put at the
 * top, so the first GC after waking up is a minor that promotes everything; `minor_gcs` is
 * unchanged. The BEAM emits no gc trace messages for it (telemetry still gets a "major" event
 * with reason "hibernate"). After it the stack is 1 word (what `process_info(P, stack_size)`
 * reports for a hibernated process).
 */
import type { Term } from "../term/types.js";
import { F_FORCE_GC, F_HIBERNATED, S_RESERVED, type HeapState } from "./heap-state.js";
import { fullSweepHeaps } from "./major.js";
import { gcCost, type CollectContext, type CollectResult } from "./minor.js";

/** Stack words of a hibernated process. */
export const HIBERNATED_STACK = 1;

export function hibernateCollection(st: HeapState, roots: Term[], ctx: CollectContext): CollectResult {
  const sizeBefore = st.htop + st.mbufSz + st.oldHtop;
  const live = fullSweepHeaps(st, roots, ctx);
  st.heapSz = live + S_RESERVED;
  st.baseStack = HIBERNATED_STACK;
  st.flags = (st.flags & ~F_FORCE_GC) | F_HIBERNATED;
  const reductions = gcCost(live, live);
  st.reductions += reductions;
  return { sizeBefore, sizeAfter: live, promoted: 0, copied: live, reductions };
}
