/**
 * Minor (generational) collection: erl_gc.c `minor_collection` + `do_minor`.
 *
 * Owns: evacuating the young generation — live mature data (below the high-water mark: it has
 * survived one GC already) is promoted to the old heap, other live young data and live heap
 * fragment data go to a new young block — and the young block's resize rules after it.
 *
 * Relies on: **nothing on the old heap points into the young generation.** Terms are immutable,
 * so an object can only point to objects that existed when it was built; promotion moves the
 * oldest live young objects (the mature ones) and everything they reach is at least as old, so it
 * is promoted in the same collection. The collector therefore never scans the old heap: roots
 * are traced, old objects are neither descended nor freed (old garbage stays until a major).
 * In debug mode every promoted object's children are checked to be old too.
 *
 * Fails (returns "failed", the driver then does a major in the same GC) when there is no old heap
 * and nothing is mature, when the mature data does not fit in the old heap's free space, or when
 * the old binary virtual heap is full. The old heap is created (size `erts_next_heap_size(ygen, 1)`,
 * no min_heap_size clamp) before that check, as in C.
 */
import type { Binary, Term } from "../term/types.js";
import type { HeapState } from "./heap-state.js";
import { S_RESERVED } from "./heap-state.js";
import { ertsNextHeapSize, nextHeapSize, nextVheapSize } from "./heap-sizes.js";
import { pushChildren, type HeapObject } from "./node-words.js";
import { freshStamp } from "./stamps.js";
import { traceLive, type TraceRule } from "./trace-live.js";

export interface CollectContext {
  readonly debug: boolean;
  /** A ProcBin found dead: its refc binary can be released (sweep_off_heap). */
  readonly onProcBinSwept: ((b: Binary) => void) | undefined;
  /** `reached_max_heap_size`: reports; returns true when the process must be killed. */
  readonly maxHeapReached: (total: number, extraHeap: number, extraOld: number) => boolean;
  /**
   * erl_gc.c `move_msgs_to_heap`: copies the data of messages still queued in heap fragments
   * onto the new young heap (above the high-water mark), inside the collection — after the
   * sweep, before the live size and the resize are computed — and grows the binary virtual
   * heap block when their ProcBins added to it.
   */
  readonly moveQueuedMessages: () => void;
}

export interface CollectResult {
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  readonly promoted: number;
  /** Live words copied. */
  readonly copied: number;
  readonly reductions: number;
}

export type MinorOutcome = CollectResult | "failed" | "killed";

/** `gc_cost(moved, resize_moved)`: reductions charged for a collection. */
export function gcCost(moved: number, resizeMoved: number): number {
  const r = Math.floor(moved / 10) + Math.floor(resizeMoved / 100);
  return r < 1 ? 1 : r;
}

/** A trace rule the collectors reuse (see {@link setRule}). */
export interface ScratchRule {
  from: number;
  to: number;
  words: number;
  vheap: number;
}

/** Readies a scratch rule for one trace: `from` → `to`, its counts at 0. */
export function setRule(r: ScratchRule, from: number, to: number): ScratchRule {
  r.from = from;
  r.to = to;
  r.words = 0;
  r.vheap = 0;
  return r;
}

const KEEP: ScratchRule = { from: 0, to: 0, words: 0, vheap: 0 };
const PROMOTE: ScratchRule = { from: 0, to: 0, words: 0, vheap: 0 };
const MINOR_RULES: TraceRule[] = [KEEP, PROMOTE];
const MINOR_KEEP: number[] = [0];
const MINOR_OPTS: { heapId: number; keep: readonly number[]; debug: boolean } = { heapId: 0, keep: MINOR_KEEP, debug: false };

export function minorCollection(st: HeapState, stack: number, need: number, ygen: number, roots: Term[], ctx: CollectContext): MinorOutcome {
  const matureSize = st.highWater;
  const sizeBefore = ygen;

  if (st.maxHeapSize.size > 0) {
    let total = sizeBefore;
    let extraOld = 0;
    if (st.oldSz === 0 && matureSize !== 0) {
      extraOld = ertsNextHeapSize(sizeBefore, 1);
      total += extraOld;
    } else if (st.oldSz !== 0) total += st.oldSz;
    const extraHeap = nextHeapSize(st.minHeapSize, st.heapSz - st.htop + sizeBefore);
    total += extraHeap;
    if (total > st.maxHeapSize.size && ctx.maxHeapReached(total, extraHeap, extraOld)) return "killed";
  }

  if (st.oldSz === 0 && matureSize !== 0) {
    st.oldSz = ertsNextHeapSize(sizeBefore, 1);
    st.oldHtop = 0;
  }
  if (!(st.oldSz !== 0 && matureSize <= st.oldSz - st.oldHtop && st.oldVheapSz > st.oldVheap)) return "failed";

  const newSz = nextHeapSize(st.minHeapSize, stack + sizeBefore);

  // do_minor: trace from the roots; mature → old heap, new → new young block.
  const youngTo = freshStamp(st.heapId);
  let promote: TraceRule;
  let keep: TraceRule;
  if (ctx.debug) {
    promote = { from: st.matureStamp, to: st.oldStamp, words: 0, vheap: 0, collect: [] as HeapObject[] };
    keep = { from: st.newStamp, to: youngTo, words: 0, vheap: 0 };
    traceLive(roots, [keep, promote], { heapId: st.heapId, keep: [st.oldStamp], debug: true });
  } else {
    // the module's scratch rules and options (collections never nest): nothing allocated per GC
    promote = setRule(PROMOTE, st.matureStamp, st.oldStamp);
    keep = setRule(KEEP, st.newStamp, youngTo);
    MINOR_OPTS.heapId = st.heapId;
    MINOR_KEEP[0] = st.oldStamp;
    traceLive(roots, MINOR_RULES, MINOR_OPTS);
  }
  if (ctx.debug && promote.collect !== undefined) checkOldPointsOnlyToOld(promote.collect, youngTo, st.newStamp);

  // sweep_off_heap(p, 0): young ProcBins are kept, promoted or released; old ones are not looked at.
  // (no young ProcBin — most collections — keeps the empty list: no array per collection)
  let vheap = 0;
  if (st.youngMso.length > 0) {
    const young: typeof st.youngMso = [];
    for (const b of st.youngMso) {
      const w = Math.floor(b.byteSize / 8);
      if (b.gcStamp === youngTo) {
        young.push(b);
        vheap += w;
      } else if (b.gcStamp === st.oldStamp) {
        st.oldMso.push(b);
        st.oldVheap += w;
      } else ctx.onProcBinSwept?.(b);
    }
    st.youngMso = young;
  }
  st.vheapSz = nextVheapSize(st.minVheapSize, vheap, st.vheapSz);
  st.vheap = vheap;

  st.oldHtop += promote.words;
  st.htop = keep.words;
  st.highWater = keep.words;
  st.mbufSz = 0;
  st.heapSz = newSz;
  st.matureStamp = youngTo;
  st.newStamp = freshStamp(st.heapId);
  ctx.moveQueuedMessages();
  st.genGcs++;
  st.minorCount++;

  const sizeAfter = promote.words + st.htop + st.mbufSz;
  const needAfter = st.htop + need + S_RESERVED + stack;
  let adjust = 0;
  const hs = st.heapSz;
  if (hs > 3000 && 4 * needAfter < hs && (hs > 8000 || hs > st.oldSz)) {
    let wanted = 3 * needAfter;
    if (wanted * 9 < st.oldSz) {
      const w2 = Math.floor(st.oldSz / 8);
      if (w2 > wanted) wanted = w2;
    }
    wanted = wanted < st.minHeapSize ? st.minHeapSize : nextHeapSize(st.minHeapSize, wanted);
    if (wanted < hs) {
      st.heapSz = wanted;
      adjust = st.htop;
    }
  } else if (needAfter > hs) {
    st.heapSz = nextHeapSize(st.minHeapSize, needAfter);
    adjust = st.htop;
  }
  const reductions = gcCost(sizeAfter, adjust);
  st.reductions += reductions;
  return { sizeBefore, sizeAfter, promoted: promote.words, copied: promote.words + keep.words, reductions };
}

/** Debug check of the invariant this collector relies on: promoted objects point only to old objects (or literals). */
function checkOldPointsOnlyToOld(promoted: HeapObject[], youngTo: number, newStamp: number): void {
  const kids: Term[] = [];
  for (const o of promoted) {
    kids.length = 0;
    pushChildren(o, kids, true);
    for (const k of kids) {
      const s = (k as { gcStamp?: number }).gcStamp;
      if (s === youngTo || s === newStamp) {
        throw new OldToYoungPointer();
      }
    }
  }
}

export class OldToYoungPointer extends Error {
  constructor() {
    super("invariant broken: an object on the old heap points into the young generation (a term was mutated after it was built?)");
    this.name = "OldToYoungPointer";
  }
}
