/**
 * `ProcessHeap.liveness()`: the words a collection would keep, measured without collecting.
 * Checked against the collector itself (a major started right after reports the same live
 * words), against a twin heap that never traced (liveness changes nothing), and on the
 * tenured-garbage and sub-binary patterns it exists to expose.
 */
import { describe, expect, it } from "vitest";
import { RefcStore } from "@beamlab/refc";
import { binaryCopy, binaryPart, list, makeBinary, ProcessHeap, Tuple, type Term } from "../../src/index.js";

/** Builds the same workload on a heap: a kept list and per-request temporaries. */
function workload(h: ProcessHeap, rounds: number): void {
  const f = h.pushFrame();
  let kept: Term = list([]);
  for (let i = 0; i < rounds; i++) {
    const tmp = h.alloc(new Tuple([i, i + 1, list([i, i, i])]));
    f.hold(tmp);
    kept = h.allocCons(i, kept);
    f.set(0, kept);
    f.release(tmp);
  }
}

describe("ProcessHeap.liveness", () => {
  it("equals what a major collection copies, per generation", () => {
    const h = new ProcessHeap({ debugChecks: true });
    workload(h, 3000);
    expect(h.state.minorCount).toBeGreaterThan(0);
    const l = h.liveness();
    const info = h.gcInfo();
    expect(l.heapLiveWords + l.heapGarbageWords).toBe(info.heap_size + info.mbuf_size);
    expect(l.oldHeapLiveWords + l.oldHeapGarbageWords).toBe(info.old_heap_size);
    let copied = -1;
    const h2 = new ProcessHeap({ debugChecks: true, onGc: (e) => (copied = e.copied) });
    workload(h2, 3000);
    h2.garbageCollect();
    expect(copied).toBe(l.heapLiveWords + l.oldHeapLiveWords);
  });

  it("changes nothing: a heap that traced behaves exactly like one that did not", () => {
    const events: number[][] = [[], []];
    const heaps = [0, 1].map((i) => new ProcessHeap({ onGc: (e) => events[i]?.push(e.wordsBefore, e.wordsAfter, e.copied) }));
    const [a, b] = heaps as [ProcessHeap, ProcessHeap];
    const fa = a.pushFrame();
    const fb = b.pushFrame();
    for (let i = 0; i < 2000; i++) {
      fa.set(0, a.allocCons(i, (fa.get(0) ?? list([]))));
      fb.set(0, b.allocCons(i, (fb.get(0) ?? list([]))));
      a.allocGarbage(7);
      b.allocGarbage(7);
      if (i % 97 === 0) a.liveness();
    }
    a.garbageCollect();
    b.garbageCollect();
    expect(a.gcInfo()).toEqual(b.gcInfo());
    expect(events[0]).toEqual(events[1]);
  });

  it("measures tenured garbage: promoted temporaries are old-heap garbage until a major", () => {
    const h = new ProcessHeap({ debugChecks: true });
    const f = h.pushFrame();
    // each request's data stays live across the next few requests (and so across minors)
    for (let i = 0; h.gcInfo().old_heap_size < 600; i++) {
      f.set(i % 8, h.alloc(list(Array.from({ length: 20 }, (_, k) => k + i))));
      h.allocGarbage(30);
    }
    for (let i = 0; i < 8; i++) f.set(i, undefined);
    const before = h.liveness();
    expect(before.oldHeapGarbageWords).toBe(h.gcInfo().old_heap_size);
    expect(before.oldHeapLiveWords).toBe(0);
    h.garbageCollect();
    const after = h.liveness();
    expect(after.oldHeapGarbageWords).toBe(0);
    expect(after.heapGarbageWords).toBe(0);
  });

  it("tells a ProcBin reached whole from one pinned only by a sub-binary", () => {
    const store = new RefcStore();
    const h = new ProcessHeap({ owner: "a", refc: store, debugChecks: true });
    const f = h.pushFrame();
    const whole = f.hold(makeBinary(h, 65536));
    const payload = f.hold(makeBinary(h, 65536));
    const part = f.hold(binaryPart(h, payload, 10, 100));
    f.release(payload);
    const dropped = makeBinary(h, 4096);
    const l = h.liveness();
    expect(l.binaries.get(whole.data)).toBe("procbin");
    expect(l.binaries.get(payload.data)).toBe("sub_binary");
    expect(l.binaries.get(dropped.data)).toBe("unreachable");
    expect(l.binaryGarbageBytes).toBe(4096);
    // binary:copy/1 of the part: once the sub-binary is released, the payload is garbage
    f.hold(binaryCopy(h, part));
    f.release(part);
    expect(h.liveness().binaries.get(payload.data)).toBe("unreachable");
  });
});
