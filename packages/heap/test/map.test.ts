/**
 * Properties of map construction and lookup (map.ts). The BEAM's own key order and
 * `maps:from_list/1` survivors are checked in compare.beam.test.ts; here: the invariants every
 * map keeps, agreement between the operations, and cost at scale.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAP_SMALL_MAP_LIMIT,
  atom,
  compareExact,
  emptyMap,
  equals,
  float,
  isFlatmap,
  mapEntries,
  mapFromEntries,
  mapGet,
  mapIndexOf,
  mapPut,
  tuple,
  type ErlMap,
  type Term,
} from "../src/index.js";
import { entriesArb, termArb } from "./support/compare-terms.js";

function assertWellFormed(m: ErlMap): void {
  expect(m.values.length).toBe(m.keys.length);
  for (let i = 1; i < m.keys.length; i++) expect(compareExact(m.keys[i - 1]!, m.keys[i]!)).toBe(-1);
}

/** The last value given for a key `=:=` to `key`, as `maps:from_list/1` keeps it. */
function lastValue(entries: readonly (readonly [Term, Term])[], key: Term): Term | undefined {
  let v: Term | undefined;
  for (const [k, x] of entries) if (equals(k, key)) v = x;
  return v;
}

describe("mapFromEntries", () => {
  it("sorts keys strictly in map-key order and keeps the last entry of each key", () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const m = mapFromEntries(entries);
        assertWellFormed(m);
        for (const [k] of entries) expect(mapGet(m, k)).toBe(lastValue(entries, k));
        // Each surviving key object is the key of the last entry for it.
        for (const k of m.keys) {
          const last = entries.findLast(([k2]) => equals(k2, k));
          expect(last?.[0]).toBe(k);
        }
        const distinct = entries.filter(([k], i) => entries.findIndex(([k2]) => equals(k2, k)) === i).length;
        expect(m.size).toBe(distinct);
        expect(isFlatmap(m)).toBe(m.size <= MAP_SMALL_MAP_LIMIT);
      }),
      { numRuns: 500 },
    );
  });

  it("does not depend on the order of distinct keys", () => {
    const arb = entriesArb.chain((entries) => {
      const distinct = mapEntries(mapFromEntries(entries));
      return fc.shuffledSubarray(distinct, { minLength: distinct.length, maxLength: distinct.length }).map((shuffled) => [distinct, shuffled] as const);
    });
    fc.assert(
      fc.property(arb, ([distinct, shuffled]) => {
        const m = mapFromEntries(distinct);
        const m2 = mapFromEntries(shuffled);
        expect(m2.keys).toEqual(m.keys);
        expect(m2.values).toEqual(m.values);
        expect(mapEntries(m)).toEqual(distinct);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps 1 and 1.0 apart, and 0.0 with -0.0 together exactly when =:= does", () => {
    const m = mapFromEntries([
      [1, atom("int")],
      [float(1), atom("float")],
      [float(0), atom("pos")],
      [float(-0), atom("neg")],
    ]);
    expect(mapGet(m, 1)).toBe(equals(1, float(1)) ? atom("float") : atom("int"));
    expect(mapGet(m, float(1))).toBe(atom("float"));
    expect(mapGet(m, float(0))).toBe(equals(float(0), float(-0)) ? atom("neg") : atom("pos"));
  });

  it("builds 200,000 entries and finds each (O(n log n) / O(log n): quadratic would time out)", () => {
    const n = 200_000;
    const entries: [Term, Term][] = [];
    for (let i = 0; i < n; i++) entries.push([(i * 7919) % n, tuple(i)]);
    const m = mapFromEntries(entries);
    expect(m.size).toBe(n);
    let misplaced = 0;
    for (let i = 0; i < n; i++) if (mapIndexOf(m, i) !== i) misplaced++;
    expect(misplaced).toBe(0);
    expect(mapIndexOf(m, n)).toBe(-n - 1);
  });
});

describe("mapGet / mapPut", () => {
  it("mapPut is mapFromEntries with one more entry, leaves the original alone, keeps the stored key", () => {
    fc.assert(
      fc.property(entriesArb, termArb, termArb, (entries, k, v) => {
        const m = mapFromEntries(entries);
        const before = mapEntries(m);
        const m2 = mapPut(m, k, v);
        assertWellFormed(m2);
        const ref = mapFromEntries([...entries, [k, v]]);
        expect(m2.size).toBe(ref.size);
        for (let i = 0; i < ref.size; i++) {
          expect(equals(m2.keys[i]!, ref.keys[i]!)).toBe(true);
          expect(m2.values[i]).toBe(ref.values[i]);
        }
        expect(mapGet(m2, k)).toBe(v);
        const old = mapIndexOf(m, k);
        if (old >= 0) expect(m2.keys[old]).toBe(m.keys[old]);
        expect(mapEntries(m)).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it("putting the value already there returns the same map", () => {
    fc.assert(
      fc.property(entriesArb.filter((e) => e.length > 0), fc.nat(), (entries, i) => {
        const m = mapFromEntries(entries);
        const at = i % m.size;
        expect(mapPut(m, m.keys[at]!, m.values[at]!)).toBe(m);
      }),
    );
  });

  it("mapGet finds only =:= keys", () => {
    fc.assert(
      fc.property(entriesArb, termArb, (entries, probe) => {
        const m = mapFromEntries(entries);
        const found = mapGet(m, probe);
        const ref = m.keys.findIndex((k) => equals(k, probe));
        expect(found).toBe(ref >= 0 ? m.values[ref] : undefined);
        expect(mapGet(emptyMap, probe)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
