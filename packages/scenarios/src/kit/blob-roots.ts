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
   * The live blobs in the order they were added (what a Set would iterate), with `undefined`
   * holes where a blob was deleted (compacted once they are half the array): a block holds a few
   * dozen blobs at most and drops them oldest first, and a Set entry costs every new blob an
   * identity hash.
   */
  private blobs: (Blob | undefined)[] = [];
  private holes = 0;
  constructor(private readonly heap: ProcessHeap) {
    heap.addRootSource(this);
  }

  add(b: Blob): Blob {
    if (!this.blobs.includes(b)) this.blobs.push(b);
    return b;
  }

  delete(b: Blob): void {
    const i = this.blobs.lastIndexOf(b);
    if (i < 0) return;
    this.blobs[i] = undefined;
    if (++this.holes * 2 > this.blobs.length) {
      this.blobs = this.blobs.filter((x) => x !== undefined);
      this.holes = 0;
    }
  }

  forEachRoot(visit: (t: Term) => void): void {
    for (const b of this.blobs) if (b !== undefined) visit(b as unknown as Term);
  }

  pushRoots(out: Term[]): void {
    for (const b of this.blobs) if (b !== undefined) out.push(b as unknown as Term);
  }

  close(): void {
    this.blobs.length = 0;
    this.holes = 0;
    this.heap.removeRootSource(this);
  }
}
