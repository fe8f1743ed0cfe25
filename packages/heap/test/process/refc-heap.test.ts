/**
 * The heap ↔ refc store integration, scenario by scenario: ProcBin words and vheap, sending adds a
 * reference, GC and exit release, sub-binaries pin their parent (and are listed as holders),
 * binary:copy/1 releases the pin, small parts are heap binaries (binary:part in a fragment).
 */
import { describe, expect, it } from "vitest";
import { binLeak, RefcStore } from "@beamlab/refc";
import { Binary, binaryCopy, binaryPart, copyTerm, makeBinary, matchBinary, ProcessHeap, splitBinary, SubBinary, Tuple } from "../../src/index.js";

function proc(store: RefcStore, owner: string): ProcessHeap {
  return new ProcessHeap({ owner, refc: store, debugChecks: true });
}

describe("refc binaries on process heaps", () => {
  it("a ProcBin is 6 heap words and size/8 vheap words, one reference", () => {
    const store = new RefcStore();
    const h = proc(store, "a");
    const f = h.pushFrame();
    const b = f.hold(makeBinary(h, 1000));
    expect(h.state.htop).toBe(6);
    expect(h.gcInfo().bin_vheap_size).toBe(125);
    expect(h.binaries()).toEqual([{ id: 1, size: 1000, refc: 1 }]);
    expect(store.holdersOf(b.data)).toEqual([{ owner: "a", procBins: 1, subBinaries: [] }]);
  });

  it("sending adds a reference; each holder's GC or exit releases its own", () => {
    const store = new RefcStore();
    const a = proc(store, "a");
    const b = proc(store, "b");
    const fa = a.pushFrame();
    const bin = fa.hold(makeBinary(a, 100_000));
    const m = copyTerm(bin);
    b.deliverMessage(m);
    expect(store.get(bin.data)?.refc).toBe(2);
    fa.release(bin);
    a.garbageCollect();
    expect(store.get(bin.data)?.refc).toBe(1);
    expect(store.bytes()).toBe(100_000);
    b.exit();
    expect(store.get(bin.data)).toBeUndefined();
    expect(store.bytes()).toBe(0);
  });

  it("a 100-byte part pins the 64 KB payload, listed as a sub-binary holder; binary:copy releases it", () => {
    const store = new RefcStore();
    const h = proc(store, "cache");
    const f = h.pushFrame();
    const payload = f.hold(makeBinary(h, 65536));
    const part = f.hold(binaryPart(h, payload, 10, 100));
    expect(part).toBeInstanceOf(SubBinary);
    expect(h.state.mbufSz).toBe(5);
    f.release(payload);
    h.garbageCollect();
    expect(store.holdersOf(payload.data)).toEqual([{ owner: "cache", procBins: 1, subBinaries: [100] }]);
    const copy = f.hold(binaryCopy(h, part));
    f.release(part);
    h.garbageCollect();
    expect(store.get(payload.data)).toBeUndefined();
    expect(h.binaries().map((x) => x.size)).toEqual([100]);
    expect(store.holdersOf(copy.data)).toEqual([{ owner: "cache", procBins: 1, subBinaries: [] }]);
  });

  it("parts of at most 64 bytes are heap binaries (binary:part in a fragment, matching on the heap)", () => {
    const store = new RefcStore();
    const h = proc(store, "p");
    const f = h.pushFrame();
    const payload = f.hold(makeBinary(h, 1000));
    const small = binaryPart(h, payload, 10, 16);
    expect(small).toBeInstanceOf(Binary);
    expect(h.state.mbufSz).toBe(4);
    const htop = h.state.htop;
    const m = matchBinary(h, payload, 10, 25);
    expect(m).toBeInstanceOf(Binary);
    expect(h.state.htop - htop).toBe(5 + 6);
    const t = splitBinary(h, payload, 10);
    expect(t).toBeInstanceOf(Tuple);
    expect(t.elements[0]).toBeInstanceOf(Binary);
    expect(t.elements[1]).toBeInstanceOf(SubBinary);
  });

  it("binLeak: collecting every process reports the router that released most", () => {
    const store = new RefcStore();
    const router = proc(store, "router");
    const keeper = proc(store, "keeper");
    const fk = keeper.pushFrame();
    for (let i = 0; i < 5; i++) {
      const bin = makeBinary(router, 200);
      fk.hold(keeper.deliverMessage(copyTerm(bin)).term);
    }
    const top = binLeak(store, 2, () => {
      router.garbageCollect();
      keeper.garbageCollect();
    });
    expect(top).toEqual([
      { owner: "router", released: 5, remaining: 0, remainingBytes: 0 },
      { owner: "keeper", released: 0, remaining: 5, remainingBytes: 1000 },
    ]);
  });

  it("min_bin_vheap_size is settable and the vheap over its block collects at the next safe point", () => {
    const store = new RefcStore();
    const h = new ProcessHeap({ owner: "v", refc: store, minBinVheapSize: 1000 });
    expect(h.processInfo().garbage_collection.min_bin_vheap_size).toBe(1000);
    const f = h.pushFrame();
    f.hold(makeBinary(h, 7000)); // 875 words
    expect(h.state.majorCount + h.state.minorCount).toBe(0);
    f.hold(makeBinary(h, 7000)); // 875 + 875 ≥ 1000: the construction's vheap test collects first
    expect(h.state.majorCount).toBe(1);
    // next_vheap_size(875 live, 1000): 875/3 > 1000/4 → ×1.618
    expect(h.gcInfo().bin_vheap_block_size).toBe(1618);
  });
});
