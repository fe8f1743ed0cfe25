/**
 * The allocation and tracing fast paths (bench/gc-throughput.ts) change nothing observable:
 * `allocCons(h, t)` and `alloc(new Cons(h, t))` give the same collections as the general path,
 * a trace leaves the stamps of unplaced and pending objects as it found them, and stamps stay
 * small integers (what keeps `gcStamp` cheap for V8).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cons, nil, ProcessHeap, Tuple, type GcEvent, type Term } from "../../src/index.js";

type Build = (heap: ProcessHeap, head: Term, tail: Term) => Term;

/** Builds lists cell by cell (some heads boxed, some bignums), dropping or keeping each. */
function run(build: Build, ops: readonly { len: number; keep: boolean; big: boolean; boxed: boolean }[], fsa: number): { events: unknown[]; htop: number } {
  const events: unknown[] = [];
  const heap = new ProcessHeap({ fullsweepAfter: fsa, debugChecks: true, onGc: (e: GcEvent) => events.push({ ...e }) });
  const keep = heap.pushFrame(2);
  for (const op of ops) {
    const f = heap.pushFrame(3);
    let l: Term = nil;
    for (let i = 0; i < op.len; i++) {
      const head: Term = op.big ? 2n ** 70n + BigInt(i) : op.boxed ? heap.alloc(new Tuple([i])) : i;
      l = build(heap, head, l);
      f.set(0, l);
    }
    heap.popFrame(f);
    if (op.keep) keep.hold(l);
  }
  return { events, htop: heap.state.htop };
}

const viaAlloc: Build = (heap, h, t) => heap.alloc(new Cons(h, t));
const viaAllocCons: Build = (heap, h, t) => heap.allocCons(h, t);
/** The general path: a cons whose head is fresh is claimed by `claimFresh`, never by the fast path. */
const viaGeneral: Build = (heap, h, t) => {
  const c = heap.alloc(new Tuple([new Cons(h, t)]));
  return c.elements[0] as Term;
};

describe("allocation fast paths", () => {
  it("allocCons and alloc(new Cons) collect exactly like each other", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ len: fc.integer({ min: 0, max: 400 }), keep: fc.boolean(), big: fc.boolean(), boxed: fc.boolean() }), { maxLength: 30 }),
        fc.constantFrom(0, 3, 65535),
        (ops, fsa) => {
          const a = run(viaAlloc, ops, fsa);
          const b = run(viaAllocCons, ops, fsa);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the fast path agrees with the general path on what a list costs", () => {
    const heap = new ProcessHeap({ minHeapSize: 100_000 });
    let l: Term = nil;
    for (let i = 0; i < 1000; i++) l = heap.allocCons(i % 3 === 0 ? 2n ** 64n : i, l);
    const fast = heap.state.htop;
    const heap2 = new ProcessHeap({ minHeapSize: 100_000 });
    let l2: Term = nil;
    for (let i = 0; i < 1000; i++) l2 = viaGeneral(heap2, i % 3 === 0 ? 2n ** 64n : i, l2);
    // the general path also placed 1000 two-word tuples
    expect(heap2.state.htop - 1000 * 2).toBe(fast);
  });

  it("a trace goes through unplaced and pending objects once and leaves their stamps as it found them", () => {
    const watch: { pending?: Cons } = {};
    const seen: number[] = [];
    const heap = new ProcessHeap({
      debugChecks: true,
      onGc: () => {
        if (watch.pending !== undefined) seen.push(watch.pending.gcStamp, (watch.pending.tail as Tuple).gcStamp);
      },
    });
    const f = heap.pushFrame();
    let l: Term = nil;
    for (let i = 0; i < 50; i++) l = heap.allocCons(i, l);
    // held twice by a frame, never placed: stamp 0, its list is live
    const unplaced = new Tuple([l, l]);
    f.hold(unplaced);
    f.hold(unplaced);
    heap.garbageCollect();
    expect(unplaced.gcStamp).toBe(0);
    expect((l as Cons).gcStamp).toBe(heap.state.matureStamp);
    expect(heap.state.htop).toBe(100);
    // a fresh cons and tuple whose allocation collects first: PENDING during the GC
    while (heap.state.htop + 4 + 4 - 1 <= heap.state.heapSz - heap.stackSize) heap.allocGarbage(1);
    const pending = new Cons(1, new Tuple([l]));
    watch.pending = pending;
    heap.alloc(pending);
    expect(seen).toEqual([-2, -2]);
    expect(pending.gcStamp).toBe(heap.state.newStamp);
    expect(heap.state.oldHtop).toBe(100); // the minor promoted the list
    expect(heap.state.htop).toBe(4);
  });

  it("stamps are small integers", () => {
    const heap = new ProcessHeap();
    heap.garbageCollect();
    for (const s of [heap.state.newStamp, heap.state.matureStamp, heap.state.oldStamp]) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(2 ** 31);
    }
  });
});
