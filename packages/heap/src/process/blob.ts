/**
 * A blob: heap words the model keeps as one object instead of one JS object per cell — a run of
 * same-shaped cells (list cells, tuples, strings) that a workload-kit block built within one GC
 * epoch (between two collections), in one generation.
 *
 * Owns: the words of the run, its GC stamp, and the blobs or terms it points to. The collectors
 * treat it as any heap object: live when reached from a root, copied as `words`, its children
 * traced. It is not an Erlang term: only kit blocks make, hold and read blobs.
 *
 * Invariants: all of a blob's words carry its one stamp (a block starts a new blob after each
 * collection: `ProcessHeap.growBlob`); `words` only grows while the blob is in the current
 * young generation, and a kit block may lower it before a collection to the part of the run
 * still reachable (a list walked from its head loses the cells it passed).
 */
import type { Term } from "../term/types.js";

/** A blob's tag: not one of the term tags (term/tag.ts), so no term code mistakes it for a term. */
export const BLOB_TAG = 13;

export class Blob {
  declare readonly tag: typeof BLOB_TAG;
  /** @internal GC bookkeeping of the process heap that holds this object; 0 = on no heap. */
  gcStamp = 0;
  constructor(
    /** Heap words of the run (live words, once a block lowers it). */
    public words = 0,
    /** What the run points to (other blobs, or terms). */
    readonly children: (Blob | Term)[] = [],
  ) {}
}

Object.defineProperty(Blob.prototype, "tag", { value: BLOB_TAG, writable: false, enumerable: false });
