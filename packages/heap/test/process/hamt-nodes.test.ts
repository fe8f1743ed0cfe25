/**
 * A HAMT's nodes as heap objects (process/hamt-nodes.ts): a map from maps:put/maps:remove places
 * only the nodes the BEAM builds (checked against map_ops.json, recorded on OTP 25), shares the
 * rest with the old map wherever it lives, and a collection copies what is young of it; plus
 * the `charge` option a flatmap update still uses.
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, flatSize, mapFromEntries, mapPut, mapPutWords, mapRemove, nil, ProcessHeap, type ErlMap, type Term } from "../../src/index.js";

interface MapOpsFixture {
  ops: { n: number; op: "put_new" | "update" | "remove" | "assoc_new" | "assoc_update"; key: number; words: number }[];
}
const fx = loadFixture("map_ops") as MapOpsFixture;

const intMap = (n: number, v: Term = nil): ErlMap => mapFromEntries(Array.from({ length: n }, (_, i) => [i + 1, v] as const));

function placed(m: ErlMap): { heap: ProcessHeap; set: (t: Term) => void } {
  const heap = new ProcessHeap({ minHeapSize: 100_000, debugChecks: true });
  const f = heap.pushFrame();
  heap.alloc(m);
  f.set(0, m);
  return {
    heap,
    set: (t) => {
      f.set(0, t);
    },
  };
}

describe("HAMT nodes on the heap", () => {
  const hamtOps = fx.ops.filter((o) => o.n > 32 && !(o.op === "remove" && o.n === 33));
  it("the fixture has HAMT puts, updates and removes", () => {
    expect(new Set(hamtOps.map((o) => o.op))).toEqual(new Set(["put_new", "update", "remove", "assoc_new", "assoc_update"]));
  });
  for (const o of hamtOps) {
    it(`${o.op} of key ${o.key} on a placed HAMT of ${o.n} keys places the BEAM's ${o.words} words`, () => {
      const m = intMap(o.n);
      const { heap, set } = placed(m);
      const before = heap.state.htop;
      const u = o.op === "remove" ? mapRemove(m, o.key) : mapPut(m, o.key, o.op.endsWith("update") ? atom("x") : nil);
      heap.alloc(u);
      set(u);
      expect(heap.state.htop - before).toBe(o.words);
      heap.garbageCollect({ type: "major" });
      expect(heap.state.htop).toBe(flatSize(u)); // a collection copies the live map whole, once
    });
  }

  it("a minor collection copies only the path of a map whose old version is tenured", () => {
    const heap = new ProcessHeap({ minHeapSize: 4000, debugChecks: true });
    const f = heap.pushFrame();
    let m = heap.alloc(intMap(100, atom("v")));
    f.set(0, m);
    heap.garbageCollect({ type: "minor" }); // below the high-water mark
    heap.garbageCollect({ type: "minor" }); // on the old heap
    expect(heap.gcInfo().old_heap_size).toBe(flatSize(m));
    let path = 0;
    for (const k of [500, 501, 7]) {
      const u = mapPut(m, k, atom("w"));
      path += mapPutWords(m, u, k);
      heap.alloc(u);
      m = u;
    }
    f.set(0, m);
    heap.garbageCollect({ type: "minor" });
    // live young: the nodes of the three puts that the newest map still uses (key 7's update
    // rebuilt part of key 500's and 501's paths, so at most their sum)
    expect(heap.state.htop).toBeGreaterThan(0);
    expect(heap.state.htop).toBeLessThanOrEqual(path);
    heap.garbageCollect({ type: "major" });
    expect(heap.state.htop).toBe(flatSize(m));
  });

  it("a map never placed shares nothing: its update is placed whole", () => {
    const heap = new ProcessHeap({ minHeapSize: 4000, debugChecks: true });
    const m = intMap(50);
    const u = mapPut(m, 51, nil);
    heap.alloc(u);
    expect(heap.state.htop).toBe(flatSize(u));
  });

  it("charge: a flatmap update takes the charged words at htop; a collection copies the map's full size", () => {
    const heap = new ProcessHeap({ minHeapSize: 4000, debugChecks: true });
    const f = heap.pushFrame();
    const m0 = heap.alloc(intMap(20));
    f.set(0, m0);
    const before = heap.state.htop;
    const m1 = mapPut(m0, 3, atom("w"));
    const charged = mapPutWords(m0, m1, 3);
    heap.alloc(m1, { charge: charged });
    f.set(0, m1);
    expect(heap.state.htop - before).toBe(charged);
    expect(charged).toBeLessThan(flatSize(m1));
    heap.garbageCollect({ type: "major" });
    expect(heap.state.htop).toBe(flatSize(m1));
  });
});
