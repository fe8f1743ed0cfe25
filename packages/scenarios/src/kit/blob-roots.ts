/**
 * The roots of a workload-kit block: the blobs (runs of heap words, `@beamlab/heap` Blob) its
 * data lives in, registered as a root source of the process heap while the block runs.
 *
 * Owns: which blobs are live. A block adds a blob when it starts one and deletes it at the point
 * the compiled code lets that data die (a list walked past, a variable's last use).
 * Invariant: between `open` and `close` every live blob of the block is in the set, so a
 * collection at any heap test or safe point sees exactly the data the compiled code keeps.
 */
import type { Blob, ProcessHeap, RootSource, Term } from "@beamlab/heap";

export class BlobRoots implements RootSource {
  /**
   * The live blobs in the order they were added (what a Set would iterate): an array, because a
   * block holds a few dozen blobs at most and a Set entry costs every new blob an identity hash.
   */
  private readonly blobs: Blob[] = [];
  constructor(private readonly heap: ProcessHeap) {
    heap.addRootSource(this);
  }

  add(b: Blob): Blob {
    if (!this.blobs.includes(b)) this.blobs.push(b);
    return b;
  }

  delete(b: Blob): void {
    const i = this.blobs.lastIndexOf(b);
    if (i >= 0) this.blobs.splice(i, 1);
  }

  forEachRoot(visit: (t: Term) => void): void {
    for (const b of this.blobs) visit(b as unknown as Term);
  }

  pushRoots(out: Term[]): void {
    for (const b of this.blobs) out.push(b as unknown as Term);
  }

  close(): void {
    this.blobs.length = 0;
    this.heap.removeRootSource(this);
  }
}
