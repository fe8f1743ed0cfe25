/**
 * The heap words maps:put/maps:remove allocate (mapPutWords, mapRemoveWords) against
 * tooling/beam-oracle/fixtures/map_ops.json (map_ops.escript: measured on OTP 25 from a waiting
 * process's heap top), and mapRemove's semantics.
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, mapAssocWords, mapFromEntries, mapGet, mapPut, mapPutWords, mapRemove, mapRemoveWords, nil, type ErlMap } from "../src/index.js";

interface MapOpsFixture {
  ops: { n: number; op: "put_new" | "update" | "remove" | "assoc_new" | "assoc_update"; key: number; words: number }[];
}
const fx = loadFixture("map_ops") as MapOpsFixture;

function intMap(n: number): ErlMap {
  return mapFromEntries(Array.from({ length: n }, (_, i) => [i + 1, nil] as const));
}

describe("map_ops.json: words allocated by maps:put/3, maps:remove/2 and M#{K => V}", () => {
  it("covers flatmaps, the flatmap/HAMT boundary both ways and HAMTs up to 4096 keys", () => {
    const ns = new Set(fx.ops.map((o) => o.n));
    for (const n of [5, 31, 32, 33, 4096]) expect(ns.has(n), `n = ${n}`).toBe(true);
  });
  for (const o of fx.ops) {
    it(`${o.op} of key ${o.key} on a map of ${o.n} integer keys: ${o.words} words`, () => {
      const m = intMap(o.n);
      if (o.op === "assoc_new" || o.op === "assoc_update") {
        const u = mapPut(m, o.key, o.op === "assoc_update" ? atom("x") : nil);
        expect(mapAssocWords(m, u, o.key)).toBe(o.words);
      } else if (o.op === "remove") {
        const r = mapRemove(m, o.key);
        expect(r.keys.length).toBe(o.key <= o.n ? o.n - 1 : o.n); // an absent key: the same map
        expect(mapRemoveWords(m, r, o.key)).toBe(o.words);
      } else {
        const u = mapPut(m, o.key, o.op === "update" ? atom("x") : nil);
        expect(u.keys.length).toBe(o.op === "put_new" ? o.n + 1 : o.n);
        expect(mapPutWords(m, u, o.key)).toBe(o.words);
      }
    });
  }
});

describe("mapRemove", () => {
  it("removes one key, keeps the others and their values; an absent key gives the same map", () => {
    const m = mapFromEntries([[atom("a"), 1], [atom("b"), 2], [atom("c"), 3]]);
    const r = mapRemove(m, atom("b"));
    expect(r.keys).toEqual([atom("a"), atom("c")]);
    expect(mapGet(r, atom("c"))).toBe(3);
    expect(mapRemove(m, atom("zz"))).toBe(m);
    expect(mapRemoveWords(m, m, atom("zz"))).toBe(0);
    expect(mapRemove(mapRemove(r, atom("a")), atom("c")).keys.length).toBe(0);
  });
  it("putting the same value object gives the same map and costs nothing (as on the BEAM)", () => {
    const m = intMap(40);
    expect(mapPutWords(m, mapPut(m, 3, nil), 3)).toBe(0);
  });
});
