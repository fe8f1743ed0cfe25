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
  private readonly blobs = new Set<Blob>();
  constructor(private readonly heap: ProcessHeap) {
    heap.addRootSource(this);
  }

  add(b: Blob): Blob {
    this.blobs.add(b);
    return b;
  }

  delete(b: Blob): void {
    this.blobs.delete(b);
  }

  forEachRoot(visit: (t: Term) => void): void {
    for (const b of this.blobs) visit(b as unknown as Term);
  }

  close(): void {
    this.blobs.clear();
    this.heap.removeRootSource(this);
  }
}
