/**
 * The per-process heap state: the fields of the BEAM's `Process` that the collector reads and
 * writes (erl_process.h), as word counts instead of pointers.
 *
 * Owns: the layout of one process's memory:
 *
 *     young block (heapSz words):  [ heap data: htop words ............ free ...... | stack S ]
 *                                    [0, highWater) = mature (survived one GC)
 *     old block (oldSz words, 0 = none):  [ oldHtop words used ...... free ]
 *     heap fragments: mbufSz words
 *     binary virtual heap: vheap / vheapSz (young), oldVheap / oldVheapSz (old)
 *
 * Invariants (checked by `checkInvariants`):
 *  - 0 ≤ highWater ≤ htop and htop + S ≤ heapSz (heap and stack never overlap);
 *  - heapSz is a heap-size-table size or ≥ min_heap_size, except after hibernation (live + 4);
 *  - oldHtop ≤ oldSz; oldSz = 0 ⇔ there is no old heap (then oldHtop = 0);
 *  - objects on this heap carry one of `newStamp` (allocated since the last GC, or in a heap
 *    fragment), `matureStamp` (below the high-water mark) or `oldStamp` (on the old heap);
 *  - words are accounted, not stored: the heap keeps counters and the lists of off-heap objects
 *    (ProcBins), never a list of its objects, so garbage costs nothing in real memory.
 */
import type { Binary } from "../term/types.js";
import type { MaxHeapSize } from "./gc-info.js";

/** `S_RESERVED = CP_SIZE + S_REDZONE` on OTP 25 x86_64 (JIT, native stack). */
export const S_RESERVED = 4;
/** `ERTS_POTENTIALLY_LONG_GC_HSIZE`: at this many words a GC is moved to a dirty scheduler. */
export const LONG_GC_HSIZE = 128 * 1024;
/** Extra free words of the fragment that satisfies a delayed GC's need (`ERTS_DELAY_GC_EXTRA_FREE`). */
export const DELAY_GC_EXTRA_FREE = 40;
/** Default `fullsweep_after`. */
export const DEFAULT_FULLSWEEP_AFTER = 65535;

export const F_NEED_FULLSWEEP = 1;
export const F_HEAP_GROW = 2;
export const F_FORCE_GC = 4;
export const F_HIBERNATED = 8;

export interface HeapState {
  readonly heapId: number;
  heapSz: number;
  htop: number;
  highWater: number;
  /** GC-visible stack words set by the program (frames add theirs). */
  baseStack: number;
  oldSz: number;
  oldHtop: number;
  mbufSz: number;
  genGcs: number;
  maxGenGcs: number;
  minHeapSize: number;
  minVheapSize: number;
  flags: number;
  vheap: number;
  vheapSz: number;
  oldVheap: number;
  oldVheapSz: number;
  newStamp: number;
  matureStamp: number;
  oldStamp: number;
  /** Refc binaries (ProcBins) in the young generation and fragments: the young part of the MSO list. */
  youngMso: Binary[];
  /** Refc binaries promoted to the old heap. */
  oldMso: Binary[];
  maxHeapSize: MaxHeapSize;
  /** Successful minor collections, major collections, and minors that failed and became majors (all time). */
  minorCount: number;
  majorCount: number;
  failedMinorCount: number;
  reductions: number;
  /** Set when max_heap_size killed the process: it must exit with this reason. */
  exitReason: string | undefined;
}
