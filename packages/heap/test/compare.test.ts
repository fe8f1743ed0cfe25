/**
 * Properties of term order, `=:=` and map-key order that hold whatever the BEAM's verdict on a
 * given pair (which compare.beam.test.ts and compare.fixture.test.ts check): order laws,
 * agreement with independent reference computations (exact rational comparison of numbers,
 * UTF-8 byte order of atoms, bit-string order of bitstrings), and depth/length limits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Cons,
  ErlMap,
  SubBinary,
  Tuple,
  atom,
  binary,
  compare,
  compareAtoms,
  compareExact,
  equals,
  float,
  int,
  list,
  mapFromEntries,
  nil,
  tuple,
  type Term,
} from "../src/index.js";
import { ATOM_NAMES, bitsArb, floatArb, intArb, termArb } from "./support/compare-terms.js";

/** A structural copy with fresh objects everywhere (small terms only). */
function clone(t: Term): Term {
  if (typeof t !== "object") return t;
  if (t instanceof Tuple) return new Tuple(t.elements.map(clone));
  if (t instanceof Cons) return new Cons(clone(t.head), clone(t.tail));
  if (t instanceof ErlMap) return new ErlMap(t.keys.map(clone), t.values.map(clone));
  if (t instanceof SubBinary) return new SubBinary(binary(t.orig.bytes), t.bitOffset, t.bitSize);
  if (t.tag === float(0).tag) return float((t).value);
  return t;
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe("order laws", () => {
  it("compare and compareExact are antisymmetric; equal terms compare equal", () => {
    fc.assert(
      fc.property(termArb, termArb, (a, b) => {
        expect(compare(a, b)).toBe(-compare(b, a) || 0);
        expect(compareExact(a, b)).toBe(-compareExact(b, a) || 0);
        expect(compare(a, a)).toBe(0);
        const c = clone(a);
        expect(compare(a, c)).toBe(0);
        expect(equals(a, c)).toBe(true);
        expect(compareExact(a, c)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("=:= is compareExact() === 0, and implies ==", () => {
    fc.assert(
      fc.property(termArb, termArb, (a, b) => {
        const eq = equals(a, b);
        expect(compareExact(a, b) === 0).toBe(eq);
        if (eq) expect(compare(a, b)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("both orders are transitive (a sorted sample is sorted pairwise)", () => {
    fc.assert(
      fc.property(fc.array(termArb, { minLength: 3, maxLength: 40 }), (ts) => {
        for (const order of [compare, compareExact]) {
          const sorted = [...ts].sort(order);
          for (let i = 0; i < sorted.length; i++) {
            for (let j = i + 1; j < sorted.length; j++) expect(order(sorted[i]!, sorted[j]!)).toBeLessThanOrEqual(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("compareExact refines compare: it only splits numbers of different types", () => {
    fc.assert(
      fc.property(termArb, termArb, (a, b) => {
        if (compareExact(a, b) === 0) expect(compare(a, b)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("a difference inside a container decides like the difference itself", () => {
    fc.assert(
      fc.property(fc.array(termArb, { maxLength: 4 }), termArb, termArb, (prefix, a, b) => {
        const c = compare(a, b);
        expect(compare(tuple(...prefix, a), tuple(...prefix, b))).toBe(c);
        expect(compare(list([...prefix, a]), list([...prefix, b]))).toBe(c);
        expect(compare(list(prefix, a), list(prefix, b))).toBe(c);
        expect(compareExact(tuple(...prefix, a), tuple(...prefix, b))).toBe(compareExact(a, b));
        // Map values are compared in the current mode; map keys always exactly.
        expect(compare(mapFromEntries([[atom("k"), a]]), mapFromEntries([[atom("k"), b]]))).toBe(c);
        expect(compare(mapFromEntries([[a, 0]]), mapFromEntries([[b, 0]]))).toBe(compareExact(a, b));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("against independent reference computations", () => {
  it("integers against floats: exact, whatever the magnitude", () => {
    const value = (t: Term): { n: bigint; frac: number } => {
      // Exact value as integer part (bigint) + whether a fractional part follows.
      if (typeof t === "number") return { n: BigInt(t), frac: 0 };
      if (typeof t === "bigint") return { n: t, frac: 0 };
      const v = (t as ReturnType<typeof float>).value;
      const f = Math.floor(v);
      return { n: BigInt(f), frac: v > f ? 1 : 0 };
    };
    fc.assert(
      fc.property(fc.oneof(intArb, floatArb), fc.oneof(intArb, floatArb), (a, b) => {
        const x = value(a);
        const y = value(b);
        const bothFloats = typeof a === "object" && typeof b === "object";
        const [fa, fb] = [a, b].map((t) => (t as ReturnType<typeof float>).value) as [number, number];
        const ref = bothFloats ? sign(fa - fb) : x.n !== y.n ? (x.n < y.n ? -1 : 1) : sign(x.frac - y.frac);
        expect(compare(a, b)).toBe(ref);
      }),
      { numRuns: 5000 },
    );
  });

  it("atoms by the bytes of their UTF-8 text", () => {
    const enc = new TextEncoder();
    const names = fc.oneof(fc.constantFrom(...ATOM_NAMES), fc.string({ unit: "grapheme", maxLength: 6 }), fc.string({ unit: "binary", maxLength: 6 }));
    fc.assert(
      fc.property(names, names, (s, t) => {
        const ref = sign(Buffer.compare(Buffer.from(enc.encode(s)), Buffer.from(enc.encode(t))));
        expect(compareAtoms(atom(s), atom(t))).toBe(ref);
        expect(compare(atom(s), atom(t))).toBe(ref);
      }),
      { numRuns: 3000 },
    );
  });

  it("bitstrings as strings of bits (prefix first), wherever the window starts", () => {
    const window = fc
      .tuple(fc.uint8Array({ maxLength: 5 }), fc.nat(), fc.nat())
      .map(([bytes, o, s]) => {
        const total = bytes.length * 8;
        const off = total === 0 ? 0 : o % (total + 1);
        const size = total - off === 0 ? 0 : s % (total - off + 1);
        return new SubBinary(binary(bytes), off, size);
      });
    const bits = (t: Term): string => {
      const sb = t instanceof SubBinary ? t : new SubBinary(t as ReturnType<typeof binary>, 0, (t as ReturnType<typeof binary>).bitSize);
      let s = "";
      for (let i = 0; i < sb.bitSize; i++) s += String((sb.orig.bytes[(sb.bitOffset + i) >>> 3]! >>> (7 - ((sb.bitOffset + i) & 7))) & 1);
      return s;
    };
    fc.assert(
      fc.property(fc.oneof(window, bitsArb), fc.oneof(window, bitsArb), (a, b) => {
        const x = bits(a);
        const y = bits(b);
        expect(compare(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(equals(a, b)).toBe(x === y);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("depth and length", () => {
  const DEPTH = 100_000;
  const leaves: [Term, Term][] = [
    [1, 2],
    [1, float(1)],
    [atom("a"), atom("a")],
    [list([1]), list([1], 2)],
  ];
  const wrappers: ((t: Term) => Term)[] = [
    (t) => tuple(t),
    (t) => tuple(atom("x"), t, 1),
    (t) => new Cons(t, nil),
    (t) => new Cons(1, t),
    (t) => mapFromEntries([[atom("k"), t]]),
    (t) => mapFromEntries([[t, 0]]),
  ];
  for (const [w, wrap] of wrappers.entries()) {
    it(`nesting ${DEPTH} deep (wrapper ${w}) compares like the innermost terms`, () => {
      for (const [x, y] of leaves) {
        let a = x;
        let b = y;
        for (let i = 0; i < DEPTH; i++) {
          a = wrap(a);
          b = wrap(b);
        }
        const keysExact = w === 5;
        expect(compare(a, b)).toBe(keysExact ? compareExact(x, y) : compare(x, y));
        expect(compareExact(a, b)).toBe(compareExact(x, y));
        expect(equals(a, b)).toBe(equals(x, y));
      }
    });
  }

  it("two distinct 10,000,000-element lists that differ in the last element", () => {
    const N = 10_000_000;
    const build = (last: Term): Term => {
      let l: Term = new Cons(last, nil);
      for (let i = N - 2; i >= 0; i--) l = new Cons(i & 1023, l);
      return l;
    };
    const a = build(int(2n ** 70n));
    const b = build(float(2 ** 70));
    expect(compare(a, b)).toBe(compare(int(2n ** 70n), float(2 ** 70)));
    expect(equals(a, b)).toBe(false);
    expect(compareExact(a, b)).toBe(compareExact(int(2n ** 70n), float(2 ** 70)));
  });

  it("a 1,000,000-element tuple of tuples", () => {
    const ea: Term[] = [];
    const eb: Term[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      ea.push(tuple(i, atom("a")));
      eb.push(tuple(i, atom("a")));
    }
    eb[999_999] = tuple(999_999, atom("b"));
    expect(compare(new Tuple(ea), new Tuple(eb))).toBe(compare(atom("a"), atom("b")));
  });
});
