/**
 * Major collection (fullsweep): erl_gc.c `major_collection` + `full_sweep_heaps` +
 * `adjust_after_fullsweep`.
 *
 * Owns: moving every live object — young, fragment and old — into one new young block, freeing
 * the old heap and all fragments, and the block's size rules around it:
 *  - new size `next_heap_size(S + size_before + S_RESERVED)`, one table step more when it equals
 *    the current size and F_HEAP_GROW is set (the previous major found the heap > 75 % full);
 *  - afterwards `need_after = live + need + S + S_RESERVED`: grow to fit it, or set F_HEAP_GROW
 *    when it is > 75 % of the block, or shrink to `next(2 · need_after)` when it is < 25 % (and the
 *    block is above the global H_MIN_SIZE).
 * After a major everything is mature (high-water mark = htop) and `minor_gcs` restarts at 0.
 * Liveness of old objects is re-evaluated only here.
 */
import type { Term } from "../term/types.js";
import { F_HEAP_GROW, F_NEED_FULLSWEEP, S_RESERVED, type HeapState } from "./heap-state.js";
import { H_MIN_SIZE, nextHeapSize, nextVheapSize } from "./heap-sizes.js";
import { freshStamp } from "./stamps.js";
import { traceLive, type TraceRule } from "./trace-live.js";
import { gcCost, setRule, type CollectContext, type CollectResult, type ScratchRule } from "./minor.js";

const FROM_NEW: ScratchRule = { from: 0, to: 0, words: 0, vheap: 0 };
const FROM_MATURE: ScratchRule = { from: 0, to: 0, words: 0, vheap: 0 };
const FROM_OLD: ScratchRule = { from: 0, to: 0, words: 0, vheap: 0 };
const SWEEP_RULES: TraceRule[] = [FROM_NEW, FROM_MATURE, FROM_OLD];
const SWEEP_OPTS: { heapId: number; keep: readonly number[]; debug: boolean } = { heapId: 0, keep: [], debug: false };

/**
 * erl_gc.c `full_sweep_heaps` + `sweep_off_heap(p, 1)`: traces everything live from `roots`
 * (young, fragments and old) into one young generation of exactly the live words, releases every
 * dead ProcBin, frees the old heap and the fragments, recomputes both binary virtual heaps, and
 * puts the high-water mark at the top (everything is mature afterwards). Returns the live words.
 * Shared by the major collection and hibernation, which differ only in how they size the block.
 */
export function fullSweepHeaps(st: HeapState, roots: Term[], ctx: CollectContext): number {
  const to = freshStamp(st.heapId);
  // the module's scratch rules and options (collections never nest)
  setRule(FROM_NEW, st.newStamp, to);
  setRule(FROM_MATURE, st.matureStamp, to);
  setRule(FROM_OLD, st.oldStamp, to);
  SWEEP_OPTS.heapId = st.heapId;
  SWEEP_OPTS.debug = ctx.debug;
  traceLive(roots, SWEEP_RULES, SWEEP_OPTS);
  const live = FROM_NEW.words + FROM_MATURE.words + FROM_OLD.words;

  const overheadBefore = st.vheap;
  let vheap = 0;
  // no ProcBin (most collections): the empty lists stay, no arrays per collection
  if (st.youngMso.length > 0 || st.oldMso.length > 0) {
    const kept: typeof st.youngMso = [];
    for (const list of [st.youngMso, st.oldMso]) {
      for (const b of list) {
        if (b.gcStamp === to) {
          kept.push(b);
          vheap += Math.floor(b.byteSize / 8);
        } else ctx.onProcBinSwept?.(b);
      }
    }
    st.youngMso = kept;
    st.oldMso = [];
  }
  st.oldVheap = 0;
  st.oldVheapSz = nextVheapSize(st.minVheapSize, overheadBefore, st.oldVheapSz);
  st.vheapSz = nextVheapSize(st.minVheapSize, vheap, st.vheapSz);
  st.vheap = vheap;

  st.oldSz = 0;
  st.oldHtop = 0;
  st.mbufSz = 0;
  st.htop = live;
  st.highWater = live;
  st.matureStamp = to;
  st.newStamp = freshStamp(st.heapId);
  st.oldStamp = freshStamp(st.heapId);
  return live;
}

export function majorCollection(st: HeapState, stack: number, need: number, ygen: number, roots: Term[], ctx: CollectContext): CollectResult | "killed" {
  const sizeBefore = ygen + st.oldHtop;
  let newSz = nextHeapSize(st.minHeapSize, stack + sizeBefore + S_RESERVED);
  if (newSz === st.heapSz && (st.flags & F_HEAP_GROW) !== 0) newSz = nextHeapSize(st.minHeapSize, st.heapSz, 1);

  if (st.maxHeapSize.size > 0) {
    const total = sizeBefore + (st.oldSz - st.oldHtop) + (st.heapSz - st.htop) + newSz;
    if (st.maxHeapSize.size < total && ctx.maxHeapReached(total, newSz, 0)) return "killed";
  }
  st.flags &= ~(F_HEAP_GROW | F_NEED_FULLSWEEP);

  const live = fullSweepHeaps(st, roots, ctx);
  st.heapSz = newSz;
  st.genGcs = 0;
  st.majorCount++;
  ctx.moveQueuedMessages();
  const sizeAfter = st.htop + st.mbufSz;

  // adjust_after_fullsweep
  let adjusted = false;
  const needAfter = st.htop + need + stack + S_RESERVED;
  if (st.heapSz < needAfter) {
    st.heapSz = nextHeapSize(st.minHeapSize, needAfter);
    adjusted = true;
  } else if (3 * st.heapSz < 4 * needAfter) {
    st.flags |= F_HEAP_GROW;
  } else if (4 * needAfter < st.heapSz && st.heapSz > H_MIN_SIZE) {
    const wanted = 2 * needAfter;
    const sz = wanted < st.minHeapSize ? st.minHeapSize : nextHeapSize(st.minHeapSize, wanted);
    if (sz < st.heapSz) {
      st.heapSz = sz;
      adjusted = true;
    }
  }
  const reductions = gcCost(sizeAfter, adjusted ? sizeAfter : 0);
  st.reductions += reductions;
  return { sizeBefore, sizeAfter, promoted: 0, copied: live, reductions };
}
