/**
 * A run of data a kit block builds over several GC epochs: one blob per epoch (a collection in
 * the middle of the run splits it exactly there), all of them live until the block drops the run.
 *
 * `PositionedRun` adds list positions to each blob, for a list walked from its head while a
 * collection may fall in the middle: `liveFrom(p)` keeps only the cells at positions ≥ p
 * (what the compiled code still reaches through the list's tail).
 */
import type { Blob, ProcessHeap } from "@beamlab/heap";
import type { BlobRoots } from "./blob-roots.js";

export class BlobRun {
  current: Blob | undefined = undefined;
  readonly blobs: Blob[] = [];
  constructor(private readonly roots: BlobRoots) {}

  /** Records the blob a heap call returned for this run's words (a new epoch starts a new blob). */
  took(b: Blob): void {
    if (b !== this.current) {
      this.current = b;
      this.blobs.push(b);
      this.roots.add(b);
    }
  }

  /** `words` placed at htop without a test (the caller batched them: no collection can fall inside). */
  grow(heap: ProcessHeap, words: number): void {
    this.took(heap.growBlob(this.current, words));
  }

  /** `words` behind a heap test for `need`. */
  alloc(heap: ProcessHeap, words: number, need: number): void {
    this.took(heap.allocBlob(this.current, words, need));
  }

  /** A BIF's result of `words` (HAlloc: heap or fragment; `reserve`: see ProcessHeap.allocBif). The caller runs the safe point after, if any. */
  bif(heap: ProcessHeap, words: number, reserve = 0): void {
    this.took(heap.bifBlob(this.current, words, reserve));
  }

  /** The run dies (its last use passed). */
  drop(): void {
    for (const b of this.blobs) this.roots.delete(b);
    this.blobs.length = 0;
    this.current = undefined;
  }
}

interface Span {
  readonly blob: Blob;
  start: number;
  readonly end: number;
}

/** A list of 2-word cells built from its end (positions n-1 … 0), walked from its head. */
export class PositionedListRun {
  /** Spans in build order: descending positions (the last span holds the head). */
  private readonly spans: Span[] = [];
  private current: Blob | undefined = undefined;
  constructor(private readonly roots: BlobRoots) {}

  /** Cells at positions [start, end) were placed in blob `b` (prepended to the list). */
  took(b: Blob, start: number, end: number): void {
    const last = this.spans[this.spans.length - 1];
    if (b === this.current && last !== undefined) last.start = start;
    else {
      this.current = b;
      this.spans.push({ blob: b, start, end });
      this.roots.add(b);
    }
  }

  get head(): Blob | undefined {
    return this.current;
  }

  /** Only the cells at positions ≥ p stay reachable. */
  liveFrom(p: number): void {
    for (;;) {
      const s = this.spans[this.spans.length - 1];
      if (s === undefined) return;
      if (s.end <= p) {
        this.roots.delete(s.blob);
        this.spans.pop();
        if (this.spans.length === 0) this.current = undefined;
        continue;
      }
      if (s.start < p) {
        s.start = p;
        s.blob.words = 2 * (s.end - p);
      }
      return;
    }
  }
}
