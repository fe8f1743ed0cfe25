/**
 * Generation stamps: how a heap object (a boxed term) records which process heap owns it and in
 * which generation it is (the `gcStamp` field every boxed term class reserves for this package).
 *
 * Owns: the stamp encoding, the global stamp counter and heap ids.
 *
 * A stamp is a number drawn from one global counter: every process heap draws a fresh, never
 * reused stamp whenever it opens a new generation (after each collection), so
 *  - a stamp names exactly one (heap, generation) pair for the life of the simulator;
 *  - a collection marks an object as visited by re-stamping it with a stamp that did not exist
 *    before the collection, so no separate mark bits or sets are needed;
 *  - an object whose stamp is none of a heap's current ones is not on that heap: it was collected
 *    (a use after free) or belongs to another process (reported in debug mode). Which of the two
 *    is told by {@link stampOwner}, which knows the owner of the stamps drawn after the first heap
 *    with debug checks was created ({@link trackStampOwners}; 4 bytes per stamp from then on).
 * Special values: 0 = on no heap (freshly built, or a literal that was never marked),
 * {@link LITERAL} = in the literal area (never copied, never counted, never descended),
 * {@link PENDING} = being placed by an allocation that first has to collect (see process-heap).
 * Performance invariant: stamps are consecutive small integers, so up to 2^31 − 1 stamps (about
 * 700 million collections) `gcStamp` stays a V8 small integer (Smi) in every term. (An encoding
 * with the heap id in the low bits made stamps exceed 2^31 at once: V8 then boxes the field as a
 * heap number, which made every cons allocation and every traced object markedly slower.)
 * Beyond that stamps stay exact (safe integers), only slower.
 */
export const HEAP_ID_BITS = 21;
const HEAP_ID_SPACE = 2 ** HEAP_ID_BITS;

/** Stamp of objects in the literal area (constants of loaded code): 0 heap words, never copied. */
export const LITERAL = -1;
/** Stamp of objects an allocation is about to place on the heap (during the GC that makes room). */
export const PENDING = -2;

/** Stamps below this are V8 small integers; the owner table covers only them. */
const SMI_LIMIT = 2 ** 31;

let lastStamp = 0;
let nextHeapId = 0;
/** `owners[stamp]` = the heap that drew it (0 = unknown), once tracking is on. */
let owners: Int32Array | undefined;

/** A new heap id (wraps after 2^21 − 1 heaps; ids of dead heaps are reused then). */
export function newHeapId(): number {
  nextHeapId = (nextHeapId % (HEAP_ID_SPACE - 1)) + 1;
  return nextHeapId;
}

/** A stamp that has never been used, owned by `heapId`. */
export function freshStamp(heapId: number): number {
  lastStamp++;
  if (lastStamp >= Number.MAX_SAFE_INTEGER) throw new RangeError("generation stamps exhausted");
  if (owners !== undefined && lastStamp < SMI_LIMIT) {
    if (lastStamp >= owners.length) {
      const grown = new Int32Array(Math.min(SMI_LIMIT, owners.length * 2));
      grown.set(owners);
      owners = grown;
    }
    owners[lastStamp] = heapId;
  }
  return lastStamp;
}

/** Records the owner of every stamp drawn from now on (debug checks; see {@link stampOwner}). */
export function trackStampOwners(): void {
  owners ??= new Int32Array(Math.min(SMI_LIMIT, Math.max(1024, 2 * (lastStamp + 1))));
}

/** The heap id that drew `stamp`; 0 for the special values and for stamps drawn before tracking began. */
export function stampOwner(stamp: number): number {
  return stamp > 0 && owners !== undefined && stamp < owners.length ? (owners[stamp] as number) : 0;
}
