/**
 * The `charge` and `ageOf` alloc options: a map from maps:put takes only its path words at htop
 * (mapPutWords) and, when its keys and values allow it, the old map's generation.
 */
import { describe, expect, it } from "vitest";
import { atom, mapFromEntries, mapPut, mapPutWords, ProcessHeap, type ErlMap } from "../../src/index.js";
import { flatSize } from "../../src/index.js";

const bigMap = (n: number): ErlMap => mapFromEntries(Array.from({ length: n }, (_, i) => [i + 1, atom("v")] as const));

describe("alloc charge / ageOf", () => {
  it("charge: htop grows by the charged words; a collection copies the map's full size", () => {
    const heap = new ProcessHeap({ minHeapSize: 4000, debugChecks: true });
    const f = heap.pushFrame();
    const m0 = heap.alloc(bigMap(200));
    f.set(0, m0);
    const before = heap.state.htop;
    const m1 = mapPut(m0, 1000, atom("w"));
    const charged = mapPutWords(m0, m1, 1000);
    heap.alloc(m1, { charge: charged });
    f.set(0, m1);
    expect(heap.state.htop - before).toBe(charged);
    expect(charged).toBeLessThan(flatSize(m1) / 5);
    heap.garbageCollect({ type: "major" });
    expect(heap.state.htop).toBe(flatSize(m1)); // the live map, whole
  });

  it("ageOf: the new map takes a tenured old map's generation and is not copied by a minor GC", () => {
    const heap = new ProcessHeap({ minHeapSize: 4000, debugChecks: true });
    const f = heap.pushFrame();
    const m0 = heap.alloc(bigMap(100));
    f.set(0, m0);
    heap.garbageCollect({ type: "minor" }); // m0 below the high-water mark
    heap.garbageCollect({ type: "minor" }); // m0 on the old heap
    const oldUsed = heap.gcInfo().old_heap_size;
    expect(oldUsed).toBeGreaterThanOrEqual(flatSize(m0));
    const m1 = mapPut(m0, 500, atom("v"));
    heap.alloc(m1, { charge: mapPutWords(m0, m1, 500), ageOf: m0 });
    expect(m1.gcStamp).toBe(m0.gcStamp);
    f.set(0, m1);
    heap.garbageCollect({ type: "minor" });
    expect(heap.state.htop).toBe(0); // nothing young is live
    // a value younger than the old map keeps the new map young (no old -> young pointer)
    const young = heap.alloc(mapFromEntries([[atom("k"), 1]]));
    const m2 = mapPut(m1, 501, young);
    heap.alloc(m2, { charge: mapPutWords(m1, m2, 501), ageOf: m1 });
    expect(m2.gcStamp).not.toBe(m1.gcStamp);
  });
});
