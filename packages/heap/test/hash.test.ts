/**
 * The internal hash (`make_internal_hash`, OTP 25) and the HAMT layout it drives, against the
 * real BEAM. With a live `erl`: `erts_debug:get_internal_state({internal_hash, T})` for a few
 * hundred random and corner-case terms (hashed with the node's own atom indices), the layout of
 * maps whose keys collide in all 32 hash bits (the rehash below depth 8), and aliases. Without
 * it: the recorded HAMT sizes and encodings (size.test.ts, etf.test.ts) and the properties here.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Binary,
  Cons,
  Tuple,
  decodeEtf,
  encodeEtf,
  float,
  flatSize,
  internalHash,
  internalHashWith,
  mapFromEntries,
  mapHash,
  nil,
  termWord,
  type Pid,
  type Term,
} from "../src/index.js";
import { askBeam, erlRequired, hamtWordsDelta, hashReproducible, hasErl, randomTerms, specialTerms } from "./support/beam-terms.js";
import { termArb } from "./support/compare-terms.js";
import { fixture } from "./support/terms-fixture.js";

const SEED = Number(process.env.BEAMLAB_SEED ?? 20250303);

/** Pairs of distinct keys `key(i)`, i in [from, to), whose 32-bit hashes are equal. */
function collidingKeys<K extends Term>(key: (i: number) => K, from: number, to: number, max = Infinity): [K, K][] {
  const seen = new Map<number, K>();
  const pairs: [K, K][] = [];
  for (let i = from; i < to && pairs.length < max; i++) {
    const k = key(i);
    const h = internalHash(k);
    const other = seen.get(h);
    if (other === undefined) seen.set(h, k);
    else pairs.push([other, k]);
  }
  return pairs;
}
const collidingIntegers = (from: number, to: number): [number, number][] => collidingKeys((i) => i, from, to);

describe.skipIf(!hasErl)("against the live BEAM", () => {
  it("internalHash equals make_internal_hash for every term whose hash is reproducible", () => {
    const terms = [...specialTerms(), ...randomTerms(500, SEED)];
    const beam = askBeam(terms);
    const mismatches: string[] = [];
    let compared = 0;
    beam.terms.forEach((a, i) => {
      const t = decodeEtf(a.etf); // the term the BEAM hashed
      if (!hashReproducible(t)) return;
      compared++;
      const ours = internalHashWith(t, 0, beam.atomIndex);
      if (ours !== a.hash) mismatches.push(`#${i}: ${ours} vs ${a.hash}`);
    });
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(500);
  }, 120_000);

  it("keys equal in all 32 hash bits: rehashed below depth 8 exactly as the BEAM does", () => {
    const pairs = collidingIntegers(40, 900_000);
    expect(pairs.length).toBeGreaterThan(40);
    const small = Array.from({ length: 40 }, (_, i) => [i, i] as const);
    const maps: Term[] = pairs.map(([a, b]) => mapFromEntries([...small, [a, 1], [b, 2]]));
    maps.push(mapFromEntries([...small, ...pairs.flatMap(([a, b]) => [[a, a] as const, [b, b] as const])]));
    // Boxed keys (tuples, binaries) that collide: the same rehash.
    const tuplePairs = collidingKeys((i) => new Tuple([i, i]), 0, 2_000_000, 6);
    const binaryPairs = collidingKeys((i) => new Binary(Uint8Array.of(i >>> 16, i >>> 8, i)), 0, 2_000_000, 6);
    expect(tuplePairs.length + binaryPairs.length).toBeGreaterThan(0);
    for (const group of [tuplePairs, binaryPairs]) {
      maps.push(mapFromEntries([...small, ...group.flatMap(([x, y]) => [[x, 1] as const, [y, 2] as const])]));
    }
    const beam = askBeam(maps);
    maps.forEach((m, i) => {
      const a = beam.terms[i];
      expect(a, `answer ${i}`).toBeDefined();
      if (a === undefined) return;
      expect(Buffer.from(encodeEtf(m)).toString("hex"), `layout order of map ${i}`).toBe(Buffer.from(a.etf).toString("hex"));
      expect(flatSize(m) + hamtWordsDelta(m, beam.atomIndex, false), `flat_size of map ${i}`).toBe(a.flatSize);
      expect(internalHash(m), `hash of map ${i}`).toBe(a.hash);
    });
  }, 120_000);

  it("an active alias decodes as a pid-ref of its owner; it hashes by its 3 id words", () => {
    const script = `erts_debug:set_internal_state(available_internal_state, true),
      A = alias(),
      io:format("~s ~s ~b ~b ~b~n", [base64:encode(term_to_binary(A)), base64:encode(term_to_binary(self())),
        erts_debug:get_internal_state({internal_hash, A}), erts_debug:flat_size(A),
        erts_debug:flat_size(binary_to_term(term_to_binary(A)))]),
      halt().`;
    const r = spawnSync("erl", ["-noshell", "-eval", script], { encoding: "utf8", timeout: 60_000 });
    // the answer line by its shape (a loaded machine's erl may print other lines around it)
    const line = r.stdout.split("\n").find((l) => /^[A-Za-z0-9+/=]+ [A-Za-z0-9+/=]+ \d+ \d+ \d+$/.test(l.trim()))?.trim() ?? "";
    expect(line, `erl printed: ${r.stdout}${r.stderr}`).not.toBe("");
    const [aliasEtf = "", selfEtf = "", hash = "", size = "", sizeAfterRoundTrip = ""] = line.split(" ");
    const owner = decodeEtf(Buffer.from(selfEtf, "base64")) as Pid;
    const active = decodeEtf(Buffer.from(aliasEtf, "base64"), { aliasOwner: () => owner });
    const inactive = decodeEtf(Buffer.from(aliasEtf, "base64"));
    expect(flatSize(active)).toBe(Number(size));
    expect(flatSize(active)).toBe(Number(sizeAfterRoundTrip)); // still active: still a pid-ref
    expect(internalHash(active)).toBe(Number(hash));
    expect(internalHash(inactive)).toBe(Number(hash));
    expect(Buffer.from(encodeEtf(active)).toString("base64")).toBe(aliasEtf);
  }, 60_000);
});

it("has a live BEAM wherever one is required (CI), so the live comparisons above ran", () => {
  expect(hasErl || !erlRequired).toBe(true);
});

describe("without a live BEAM", () => {
  it("the recorded HAMT of 65536 integer keys has keys equal in all 32 hash bits (so the rehash is covered)", () => {
    const row = fixture.hamt_int_keys.find(([n]) => n === 65536);
    expect(row).toBeDefined();
    expect(collidingIntegers(1, 65537).length).toBeGreaterThan(0);
  });

  it("is an unsigned 32-bit integer, the same for equal terms built apart", () => {
    fc.assert(
      fc.property(termArb, fc.nat(3), (t, salt) => {
        const h = internalHash(t, salt);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
        expect(internalHash(decodeEtf(encodeEtf(t)), salt)).toBe(h);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("hashes -0.0 as 0.0 (the BEAM makes the zero positive first)", () => {
    expect(internalHash(float(-0))).toBe(internalHash(float(0)));
  });

  it("level 0 of the map hash is the internal hash with salt 0", () => {
    fc.assert(
      fc.property(termArb, (t) => {
        expect(mapHash(t, 0)).toBe(internalHash(t, 0));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("gives immediates a term word and boxed terms none", () => {
    expect(termWord(5)).toBeDefined();
    expect(termWord(nil)).toBeDefined();
    expect(termWord(2n ** 59n)).toBeUndefined();
    expect(termWord(new Tuple([]))).toBeUndefined();
  });

  it("100,000-deep nesting and a 1,000,000-element list", () => {
    let tup: Term = nil;
    let lst: Term = nil;
    for (let i = 0; i < 100_000; i++) {
      tup = new Tuple([tup, i]);
      lst = new Cons(lst, nil);
    }
    expect(internalHash(tup)).toBe(internalHash(decodeEtf(encodeEtf(tup))));
    expect(internalHash(lst)).toBe(internalHash(decodeEtf(encodeEtf(lst))));
    let long: Term = nil;
    for (let i = 0; i < 1_000_000; i++) long = new Cons(i % 300, long);
    expect(Number.isInteger(internalHash(long))).toBe(true);
  }, 60_000);
});
