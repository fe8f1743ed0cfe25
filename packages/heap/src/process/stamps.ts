/**
 * Generation stamps: how a heap object (a boxed term) records which process heap owns it and in
 * which generation it is (the `gcStamp` field every boxed term class reserves for this package).
 *
 * Owns: the stamp encoding and the global stamp counter.
 *
 * A stamp is `epoch · 2^21 + heapId`: every process heap has an id (1 … 2^21 − 1) and draws a
 * fresh, never reused epoch whenever it opens a new generation (after each collection), so
 *  - a stamp names exactly one (heap, generation) pair for the life of the simulator, and the heap
 *    that owns an object is `stamp mod 2^21` — an object of another process is recognisable;
 *  - a collection marks an object as visited by re-stamping it with a stamp that did not exist
 *    before the collection, so no separate mark bits or sets are needed;
 *  - an object carrying a stale stamp of its own heap was collected: reaching it is a use after
 *    free (reported in debug mode).
 * Special values: 0 = on no heap (freshly built, or a literal that was never marked),
 * {@link LITERAL} = in the literal area (never copied, never counted, never descended),
 * {@link PENDING} = being placed by an allocation that first has to collect (see process-heap).
 * Invariant: epochs stay below 2^32, so stamps are safe integers.
 */
export const HEAP_ID_BITS = 21;
const HEAP_ID_SPACE = 2 ** HEAP_ID_BITS;

/** Stamp of objects in the literal area (constants of loaded code): 0 heap words, never copied. */
export const LITERAL = -1;
/** Stamp of objects an allocation is about to place on the heap (during the GC that makes room). */
export const PENDING = -2;

let epoch = 0;
let nextHeapId = 0;

/** A new heap id (wraps after 2^21 − 1 heaps; ids of dead heaps are reused then). */
export function newHeapId(): number {
  nextHeapId = (nextHeapId % (HEAP_ID_SPACE - 1)) + 1;
  return nextHeapId;
}

/** A stamp that has never been used, owned by `heapId`. */
export function freshStamp(heapId: number): number {
  epoch++;
  if (epoch >= 2 ** 32) throw new RangeError("generation stamps exhausted");
  return epoch * HEAP_ID_SPACE + heapId;
}

/** The heap id that owns `stamp` (0 for the special values). */
export function stampOwner(stamp: number): number {
  return stamp > 0 ? stamp % HEAP_ID_SPACE : 0;
}
