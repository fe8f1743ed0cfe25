/**
 * flatSize / sharedSize against the real BEAM (`erts_debug:flat_size/1`, `erts_debug:size/1`):
 * every entry of the recorded fixture (terms, shared, constructed, hamt_int_keys) and, with a
 * live `erl`, a few hundred random and corner-case terms sent to it. No expected number here is
 * written by hand: they all come from the BEAM.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Binary,
  Cons,
  SubBinary,
  Tuple,
  copyBits,
  decodeEtf,
  flatSize,
  mapFromEntries,
  ownWords,
  nil,
  parseTerm,
  sharedSize,
  type Term,
} from "../src/index.js";
import { askBeam, erlRequired, hamtWordsDelta, hasErl, randomTerms, specialTerms } from "./support/beam-terms.js";
import { termArb } from "./support/compare-terms.js";
import { etfBytes, fixture, hamtKeyAtoms, inferAtomIndices, type FixtureConstructed } from "./support/terms-fixture.js";

const SEED = Number(process.env.BEAMLAB_SEED ?? 20250301);

/**
 * Fixture entries our term model cannot reproduce, with the reason. Each is still run, as a
 * test expected to fail (it.fails), so that it shows up the day the model can express it.
 */
const KNOWN_GAPS: ReadonlyMap<string, string> = new Map([
  ["shared_bignum_4", "a bignum is a JS bigint primitive without identity: sharedSize counts it at every occurrence"],
]);

describe("sizes of the recorded terms (fixture terms.json)", () => {
  it("every term: flatSize and sharedSize of the decoded term equal flat_size and size", () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const rec of fixture.terms) {
      const t = decodeEtf(etfBytes(rec));
      if (hamtKeyAtoms(t).length > 0) continue; // layout depends on atom indices: next test
      checked++;
      const [f, s] = [flatSize(t), sharedSize(t)];
      if (f !== rec.flat_size || s !== rec.size) mismatches.push(`${rec.id}: flat ${f} (BEAM ${rec.flat_size}), size ${s} (BEAM ${rec.size})`);
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(400);
  });

  it("every HAMT with atom keys, laid out by the atom indices its recorded bytes imply", () => {
    // See support/terms-fixture.ts: the recording does not store the BEAM's atom indices, so we
    // look for a numbering under which the encoding is byte-identical, and then require the
    // sizes to match under one such numbering.
    const entries = fixture.terms.filter((rec) => hamtKeyAtoms(decodeEtf(etfBytes(rec))).length > 0);
    expect(entries.map((e) => e.id).sort()).toEqual(["hamt_atom_keys_40", "hamt_nested_hamt_value"]);
    for (const rec of entries) {
      const t = decodeEtf(etfBytes(rec));
      const candidates = inferAtomIndices(t, etfBytes(rec));
      expect(candidates.length, `${rec.id}: no atom numbering reproduces the recorded bytes`).toBeGreaterThan(0);
      const sizes = candidates.map((idx) => [flatSize(t) + hamtWordsDelta(t, idx, false), sharedSize(t) + hamtWordsDelta(t, idx, true)]);
      expect(sizes, rec.id).toContainEqual([rec.flat_size, rec.size]);
    }
  });

  it("hamt_int_keys: maps:from_list([{I, I} || I <- 1..N]) for every recorded N", () => {
    const mismatches: string[] = [];
    for (const [n, expected] of fixture.hamt_int_keys) {
      const m = mapFromEntries(Array.from({ length: n }, (_, i) => [i + 1, i + 1] as const));
      const f = flatSize(m);
      if (f !== expected) mismatches.push(`N=${n}: ${f} (BEAM ${expected})`);
    }
    expect(mismatches).toEqual([]);
    expect(fixture.hamt_int_keys.length).toBeGreaterThan(1000);
  });
});

describe("sizes of terms built with sharing (fixture shared)", () => {
  const build = (bindings: readonly [string, string][], body: string): Term => {
    const env = new Map<string, Term>();
    for (const [name, text] of bindings) env.set(name, parseTerm(text, { bindings: env }));
    return parseTerm(body, { bindings: env });
  };
  for (const rec of fixture.shared) {
    const test = KNOWN_GAPS.has(rec.id) ? it.fails : it;
    test(`${rec.id}: ${rec.body}${KNOWN_GAPS.has(rec.id) ? ` (known gap: ${KNOWN_GAPS.get(rec.id)})` : ""}`, () => {
      const t = build(rec.bindings, rec.body);
      expect([flatSize(t), sharedSize(t)]).toEqual([rec.flat_size, rec.size]);
    });
  }
});

describe("sub-binaries made by binary operations (fixture constructed)", () => {
  const parents: Record<string, () => Uint8Array> = {
    p1000: () => new Uint8Array(1000),
    p60: () => Uint8Array.from({ length: 60 }, (_, i) => i + 1),
  };
  const key = (rec: FixtureConstructed): string => /_(p\d+)(_|$)/.exec(rec.id)?.[1] ?? "";

  /** What the operation leaves, as a window on the parent: [bit offset, bit size]. */
  function window(rec: FixtureConstructed, parentBytes: number): [number, number] {
    const [a = 0, b = 0] = rec.args;
    switch (rec.op) {
      case "binary_part":
      case "match_binary":
      case "binary_copy":
        return [8 * a, 8 * b];
      case "match_rest":
        return [8 * a, 8 * (parentBytes - a)];
      case "split_binary":
        return b === 1 ? [0, 8 * a] : [8 * a, 8 * (parentBytes - a)];
      case "match_bits":
        return [a, b];
      case "binary_split": {
        const bytes = parents[key(rec)]?.() ?? new Uint8Array();
        const at = bytes.indexOf(a);
        return b === 1 ? [0, 8 * at] : [8 * (at + 1), 8 * (parentBytes - at - 1)];
      }
      default:
        throw new Error(`unknown op ${rec.op}`);
    }
  }

  for (const rec of fixture.constructed) {
    it(`${rec.id}: ${rec.op}(${rec.args.join(", ")}) → ${rec.term_type}`, () => {
      const bytes = parents[key(rec)]?.();
      expect(bytes, `parent of ${rec.id}`).toBeDefined();
      if (bytes === undefined) return;
      let t: Term;
      if (rec.op === "append_byte") {
        // <<P/binary, N>> repeated: a sub-binary over a *writable* refc binary whose capacity
        // exceeds its size; the capacity does not change any size, only that it is refc.
        const n = rec.args[0] ?? 0;
        const capacity = new Uint8Array(Math.max(256, 2 * (bytes.length + n)));
        t = new SubBinary(new Binary(capacity), 0, 8 * (bytes.length + n));
      } else {
        const [off, size] = window(rec, bytes.length);
        const sub = new SubBinary(new Binary(bytes), off, size);
        // The BEAM copied the bytes into a new binary (heap or refc): compare with such a copy.
        // (The window may start at any bit; a copy is a whole number of bytes.)
        t = rec.term_type === "sub_binary" ? sub : new Binary(copyBits(bytes, off, size));
        if (rec.term_type !== "sub_binary") expect(size % 8, "a copied binary is whole bytes").toBe(0);
      }
      expect([flatSize(t), sharedSize(t)]).toEqual([rec.flat_size, rec.size]);
    });
  }
});

describe.skipIf(!hasErl)("sizes against the live BEAM", () => {
  it("flat_size and size of random and corner-case terms equal flatSize and sharedSize", () => {
    const terms = [...specialTerms(), ...randomTerms(400, SEED)];
    const beam = askBeam(terms);
    const mismatches: string[] = [];
    terms.forEach((_, i) => {
      const a = beam.terms[i];
      if (a === undefined) throw new Error("missing answer");
      // What the BEAM measured is the term *it decoded*: compare with our decoding of its bytes.
      const t = decodeEtf(a.etf);
      const f = flatSize(t) + hamtWordsDelta(t, beam.atomIndex, false);
      const s = sharedSize(t) + hamtWordsDelta(t, beam.atomIndex, true);
      if (f !== a.flatSize || (a.size >= 0 && s !== a.size)) mismatches.push(`#${i}: flat ${f}/${a.flatSize} size ${s}/${a.size}`);
    });
    expect(mismatches).toEqual([]);
  }, 120_000);
});

it("has a live BEAM wherever one is required (CI), so the live comparisons above ran", () => {
  expect(hasErl || !erlRequired).toBe(true);
});

describe("properties", () => {
  it("sharedSize ≤ flatSize", () => {
    fc.assert(
      fc.property(termArb, (t) => {
        expect(sharedSize(t)).toBeLessThanOrEqual(flatSize(t));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("sharing an object twice adds its size to flatSize only", () => {
    fc.assert(
      fc.property(termArb, (t) => {
        const pair = new Tuple([t, t]);
        const header = flatSize(new Tuple([0, 0]));
        expect(flatSize(pair)).toBe(header + 2 * flatSize(t));
        if (typeof t === "object") expect(sharedSize(pair)).toBe(header + sharedSize(t));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("stack safety and speed", () => {
  it("a 10,000,000-element list", () => {
    let l: Term = nil;
    for (let i = 0; i < 10_000_000; i++) l = new Cons(i & 0xff, l);
    expect(flatSize(l)).toBe(10_000_000 * flatSize(new Cons(0, nil)));
    expect(sharedSize(l)).toBe(flatSize(l));
  }, 120_000);

  it("100,000-deep nested tuples and lists", () => {
    let tup: Term = nil;
    let lst: Term = nil;
    for (let i = 0; i < 100_000; i++) {
      tup = new Tuple([tup]);
      lst = new Cons(lst, nil);
    }
    expect(flatSize(tup)).toBe(sharedSize(tup));
    expect(flatSize(lst)).toBe(sharedSize(lst));
    expect(flatSize(new Tuple([tup, lst]))).toBe(flatSize(new Tuple([0, 0])) + flatSize(tup) + flatSize(lst));
  });

  // Its speed is measured by bench/list-of-tuples.ts next to the BEAM, not asserted here.
  it("sizes a 1,000,000-element list of 2-tuples as 2 words per cell plus 3 per tuple, twice alike", () => {
    let l: Term = nil;
    for (let i = 999_999; i >= 0; i--) l = new Cons(new Tuple([i, i + 1]), l);
    expect(flatSize(l)).toBe(1_000_000 * (ownWords(new Cons(0, nil)) + ownWords(new Tuple([0, 1]))));
    expect(sharedSize(l)).toBe(flatSize(l));
  }, 60_000);
});
