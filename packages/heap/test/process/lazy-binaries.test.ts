/**
 * Size-only refc binaries (issue 12): a binary above 64 bytes is its size and identity; its
 * bytes are made only where read. Everything the heap and the refc store compute from it is what
 * they compute for a binary of real bytes, and holding tens of gigabytes of them costs the
 * simulator their count, not their bytes.
 */
import { describe, expect, it } from "vitest";
import { RefcStore } from "@beamlab/refc";
import { binary, binaryPart, Binary, copyTerm, flatSize, lazyBinary, LazyBytes, makeBinary, ProcessHeap, SubBinary } from "../../src/index.js";

function proc(store: RefcStore, owner: string): ProcessHeap {
  return new ProcessHeap({ owner, refc: store, debugChecks: true });
}

describe("lazy (size-only) binaries", () => {
  it("read as the bytes they stand for: whole, a window, a pattern", () => {
    const b = lazyBinary(10, [1, 2, 3]);
    expect(Array.from(b.bytes)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
    expect(Array.from(b.slice(4, 7))).toEqual([2, 3, 1]);
    expect(b.byteSize).toBe(10);
    expect(b.isRefc).toBe(false);
    expect(() => new LazyBytes(-1, Uint8Array.of(0))).toThrow(/non-negative/);
    expect(() => new LazyBytes(3, new Uint8Array(0))).toThrow(/pattern/);
  });

  it("have the sizes of a binary of real bytes (heap words, ProcBin, sub-binary)", () => {
    for (const size of [11, 64, 65, 1000, 65536]) {
      const real = binary(new Uint8Array(size).fill(7));
      const lazy = lazyBinary(size, [7]);
      expect(flatSize(lazy), `${size} bytes`).toBe(flatSize(real));
      expect(flatSize(new SubBinary(lazy, 8, 80))).toBe(flatSize(new SubBinary(real, 8, 80)));
    }
  });

  it("are counted by the refc store per identity, shared by the ProcBins a send copies", () => {
    const store = new RefcStore();
    const a = proc(store, "a");
    const b = proc(store, "b");
    const fa = a.pushFrame();
    const bin = fa.hold(makeBinary(a, 100_000, { fill: 9 }));
    expect(bin.data).toBeInstanceOf(LazyBytes);
    b.deliverMessage(copyTerm(bin));
    expect(store.get(bin.data)?.refc).toBe(2);
    expect(store.bytes()).toBe(100_000);
    expect(store.holdersOf(bin.data).map((h) => h.owner).sort()).toEqual(["a", "b"]);
  });

  it("a small part of a lazy payload is a heap binary of the right bytes, made without the payload's bytes", () => {
    const store = new RefcStore();
    const h = proc(store, "cache");
    const f = h.pushFrame();
    const payload = f.hold(makeBinary(h, 65536, { fill: 42 }));
    const key = f.hold(binaryPart(h, payload, 0, 10));
    const bytes = key instanceof SubBinary ? key.orig.slice(key.bitOffset / 8, key.bitOffset / 8 + 10) : key.bytes;
    expect(Array.from(bytes)).toEqual(new Array<number>(10).fill(42));
    expect(payload.data).toBeInstanceOf(LazyBytes);
  });

  it("32 GiB of refc binaries held by one process need far less than a gigabyte of Node memory", () => {
    const store = new RefcStore();
    const h = proc(store, "hoarder");
    const f = h.pushFrame();
    const before = process.memoryUsage().rss;
    const held: Binary[] = [];
    for (let i = 0; i < 1024; i++) held.push(f.hold(makeBinary(h, 32 * 1024 * 1024, { fill: i & 0xff })));
    expect(store.bytes()).toBe(32 * 1024 ** 3);
    expect(h.binaries()).toHaveLength(1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });
});
