/**
 * Non-collecting liveness: what a collection would keep, measured without collecting.
 *
 * Owns: `traceLiveness` — starting from the same roots a collection starts from, visit every
 * object reachable on this heap with the collector's own rules (trace-live.ts) and count the
 * words it would copy, per generation; and which refc binaries the process still reaches, and how.
 *
 * Rules (those of `traceLive`, applied as a major collection applies them, since only a major
 * descends into the old heap; a minor would find the same young survivors because nothing on the
 * old heap points into the young generation, see minor.ts):
 *  - an object stamped `newStamp` or `matureStamp` is live young data (young block or fragment),
 *    one stamped `oldStamp` is live old data: its words are counted as the GC copies them
 *    (`nodeWords(o, true)`: small byte-aligned sub-binaries as heap binaries) and its children
 *    (`pushChildren(o, …, true)`) are traced;
 *  - stamp 0 (never placed: e.g. a message still queued in a fragment the scheduler accounts for)
 *    or PENDING costs nothing here but its children are traced;
 *  - LITERAL, and any stamp of another heap or a stale one, are neither counted nor descended.
 * Binary reach: a ProcBin reached from a non-sub-binary object is reachable `"procbin"` (the
 * process can use the whole binary); one reached only through sub-binaries that the GC keeps as
 * sub-binaries is `"sub_binary"`; a ProcBin of the MSO lists not reached at all is garbage
 * (`"unreachable"`: it still pins its binary until a collection sweeps it).
 * Invariants: nothing is left mutated — no stamp, no heap field, no root; the live counts equal
 * the `words` a major collection started now would copy from each generation (visited objects carry a temporary stamp, restored before the trace
 * returns: traces never nest). Cost: O(objects reachable), no Set entry per object.
 */
import { Tag } from "../term/tag.js";
import type { Binary, Term } from "../term/types.js";
import type { HeapState } from "./heap-state.js";
import { nodeWords, pushChildren, subBinaryBecomesHeapBinary, type HeapObject } from "./node-words.js";
import { emptyScratch } from "./scratch.js";
import { PENDING } from "./stamps.js";

/** How a process reaches one refc binary (keyed by the binary's data, the refc store's key). */
export type BinaryReach = "procbin" | "sub_binary" | "unreachable";

export interface Liveness {
  /** Young generation (young block below htop + heap fragments), words a collection would keep. */
  readonly heapLiveWords: number;
  /** htop + mbuf_size − heapLiveWords: what a collection of the young generation would free. */
  readonly heapGarbageWords: number;
  readonly oldHeapLiveWords: number;
  /** old_heap_size − oldHeapLiveWords: freed only by the next major. */
  readonly oldHeapGarbageWords: number;
  /** Bytes of the refc binaries whose ProcBins (in the MSO lists) are all unreachable. */
  readonly binaryGarbageBytes: number;
  /** Per off-heap data object (Binary.data) of the MSO lists: how the process reaches it. */
  readonly binaries: ReadonlyMap<object, BinaryReach>;
  /** Words of never-placed objects (stamp 0) reached from the roots: costs the owner accounts for. */
  readonly unplacedWords: number;
}

const T_SUB_BINARY = Tag.SubBinary;
const T_BINARY = Tag.Binary;

// Temporary stamps of the objects a liveness trace has visited, by the stamp they had (restored
// before the trace returns, even when it throws): the "seen" mark without a Set entry per object.
// Distinct from LITERAL (-1), PENDING (-2) and trace-live.ts's THROUGH_* (-3, -4); traces never nest.
const SEEN_NEW = -10;
const SEEN_MATURE = -11;
const SEEN_OLD = -12;
const SEEN_UNSTAMPED = -13;
const SEEN_PENDING = -14;

function isSeen(stamp: number): boolean {
  return stamp <= SEEN_NEW && stamp >= SEEN_PENDING;
}

/**
 * Traces `roots` over `st` without changing anything (see the header): each visited object is
 * marked with a SEEN_* stamp while the trace runs and gets its own stamp back before it returns.
 */
export function traceLiveness(st: HeapState, roots: readonly Term[]): Liveness {
  const young1 = st.newStamp;
  const young2 = st.matureStamp;
  const old = st.oldStamp;
  // scratch lists (scratch.ts; traces never nest): a small heap's trace allocates only its result
  const seen = SEEN;
  const work = WORK;
  /** ProcBins reached from something other than a (kept) sub-binary. */
  let direct: Set<object> | undefined;
  let viaSub: Binary[] | undefined;
  let youngLive = 0;
  let oldLive = 0;
  let unplaced = 0;
  for (const r of roots) if (typeof r === "object") work.push(r);
  try {
    let fromSub = false;
    let subIndex = 0;
    for (;;) {
      let t: Term;
      if (work.length > 0) t = work.pop() as Term;
      else if (viaSub !== undefined && subIndex < viaSub.length) {
        // originals reached only through sub-binaries: live for the GC (counted once), pinned for refc
        t = viaSub[subIndex++] as Binary;
        fromSub = true;
      } else break;
      if (typeof t !== "object") continue;
      const st0 = (t as { gcStamp?: number }).gcStamp;
      if (st0 === undefined) continue; // atom, []
      const o = t as HeapObject;
      if (!fromSub && o.tag === T_BINARY && o.isRefc) (direct ??= new Set()).add(o.data);
      if (st0 === young1) {
        o.gcStamp = SEEN_NEW;
        youngLive += nodeWords(o, true);
      } else if (st0 === young2) {
        o.gcStamp = SEEN_MATURE;
        youngLive += nodeWords(o, true);
      } else if (st0 === old) {
        o.gcStamp = SEEN_OLD;
        oldLive += nodeWords(o, true);
      } else if (st0 === 0) {
        o.gcStamp = SEEN_UNSTAMPED;
        unplaced += nodeWords(o, false);
      } else if (st0 === PENDING) o.gcStamp = SEEN_PENDING;
      else continue; // seen already, LITERAL, another heap's or a stale stamp
      seen.push(o);
      if (o.tag === T_SUB_BINARY) {
        if (!subBinaryBecomesHeapBinary(o)) (viaSub ??= []).push(o.orig);
        continue;
      }
      // (an original reached through sub-binaries is a ProcBin: no children to trace)
      if (!fromSub) pushChildren(o, work, true);
    }
    const youngUsed = st.htop + st.mbufSz;
    const heapGarbageWords = Math.max(0, youngUsed - youngLive);
    const oldHeapGarbageWords = Math.max(0, st.oldHtop - oldLive);
    // no ProcBin on this heap: nothing to rank (most processes)
    if (st.youngMso.length === 0 && st.oldMso.length === 0) {
      return { heapLiveWords: youngLive, heapGarbageWords, oldHeapLiveWords: oldLive, oldHeapGarbageWords, unplacedWords: unplaced, binaryGarbageBytes: 0, binaries: NO_BINARIES };
    }
    const binaries = new Map<object, BinaryReach>();
    const youngUnreachable = rankReach(st.youngMso, direct, binaries);
    const oldUnreachable = rankReach(st.oldMso, direct, binaries);
    // the bytes of the binaries no ProcBin reaches, each counted once (its ProcBins all carry its size)
    let garbageBytes = 0;
    if (youngUnreachable || oldUnreachable) {
      const counted = new Set<object>();
      for (const list of [st.youngMso, st.oldMso]) {
        for (const b of list) {
          if (binaries.get(b.data) !== "unreachable" || counted.has(b.data)) continue;
          counted.add(b.data);
          garbageBytes += b.byteSize;
        }
      }
    }
    return { heapLiveWords: youngLive, heapGarbageWords, oldHeapLiveWords: oldLive, oldHeapGarbageWords, unplacedWords: unplaced, binaryGarbageBytes: garbageBytes, binaries };
  } finally {
    // each visited object gets its stamp back as the list is popped empty (scratch.ts); the work
    // list is empty already unless the trace threw
    while (seen.length > 0) {
      const o = seen.pop() as HeapObject;
      const m = o.gcStamp;
      o.gcStamp = m === SEEN_NEW ? young1 : m === SEEN_MATURE ? young2 : m === SEEN_OLD ? old : m === SEEN_UNSTAMPED ? 0 : PENDING;
    }
    emptyScratch(work);
  }
}

/** The visited objects and the work list of {@link traceLiveness} (scratch lists). */
const SEEN: HeapObject[] = [];
const WORK: Term[] = [];

/**
 * Ranks how the process reaches each binary of one MSO list into `binaries` (several ProcBins
 * over one binary: the strongest reach wins); true when some ProcBin of the list is unreachable.
 */
function rankReach(list: readonly Binary[], direct: ReadonlySet<object> | undefined, binaries: Map<object, BinaryReach>): boolean {
  let anyUnreachable = false;
  for (const b of list) {
    const reach: BinaryReach = direct?.has(b.data) === true ? "procbin" : isSeen(b.gcStamp) ? "sub_binary" : "unreachable";
    const prev = binaries.get(b.data);
    if (prev === undefined || rank(reach) > rank(prev)) binaries.set(b.data, reach);
    if (reach === "unreachable") anyUnreachable = true;
  }
  return anyUnreachable;
}

/** The `binaries` of a heap without ProcBins (shared: a Liveness is read-only). */
const NO_BINARIES: ReadonlyMap<object, BinaryReach> = new Map();

function rank(r: BinaryReach): number {
  return r === "procbin" ? 2 : r === "sub_binary" ? 1 : 0;
}
