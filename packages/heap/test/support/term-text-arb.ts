/**
 * Test support for the term parser/printer: fast-check arbitraries producing terms of every type
 * with the values that stress literal syntax — atoms that need quotes and escapes (reserved words,
 * Latin-1 and astral characters, control characters), floats of every magnitude, bignums,
 * bitstrings at non-zero bit offsets, maps large enough to be HAMTs, and identifiers (local and
 * external pids, ports, references of every kind, local funs with free variables and fields).
 */
import fc from "fast-check";
import {
  Binary,
  ExternalFun,
  LocalFun,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tuple,
  atom,
  float,
  int,
  list,
  localCreationNumber,
  localNode,
  mapFromEntries,
  nil,
  type Atom,
  type Term,
} from "../../src/index.js";

/** Atom names that exercise `~w`'s quoting rules. */
export const TRICKY_ATOM_NAMES: readonly string[] = [
  "ok", "", "a b", "A", "Ab", "and", "case", "fun", "maybe", "else", "true", "nil", "é", "ÿ", "ß", "ßa", "÷", "a÷", "×", "a×",
  "aÀ", "À", "aÞ", "Ω", "\u{1F600}", "'", "\\", "\n", "\t", "\r", "\u0000", "\u0001", "\u001b", "\u007f", "\u0080", "\u009f",
  "\u00a0", "\u00ff", "\u0100", "\ufffd", "a@b", "_a", "a_", "9", "a9", "a.b", "[]", "{}", "\"", "a'b", "a\\b", "x".repeat(255),
];

const atomChar = fc.oneof(
  fc.constantFrom(...Array.from("abcxyzAZ019_@ '\\\"\n\t.-")),
  fc.integer({ min: 0, max: 255 }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0x100, max: 0xd7ff }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xe000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);

export const atomArb: fc.Arbitrary<Atom> = fc.oneof(
  fc.constantFrom(...TRICKY_ATOM_NAMES),
  fc.array(atomChar, { maxLength: 12 }).map((cs) => cs.join("")),
).map((name) => atom(name));

const TWO53 = 2n ** 53n;
export const intArb: fc.Arbitrary<Term> = fc.oneof(
  fc.integer({ min: -300, max: 300 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map(int),
  fc.constantFrom(TWO53 - 1n, TWO53, -TWO53, 2n ** 59n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 1000n)).map(int),
);

export const EDGE_FLOATS: readonly number[] = [
  0, -0, 1, -1, 0.1, 0.5, 100, 1000, 1e15, 1e16, 1e21, 1e22, 1e-4, 1e-5, 123.456, 5e-324, 2.2250738585072014e-308,
  1.7976931348623157e308, -1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 2 ** 60, Number("9007199254740993"), 0.30000000000000004,
  123456789012, 1234567890123456, 12345678901234568,
];
export const floatArb: fc.Arbitrary<Term> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...EDGE_FLOATS),
  fc.integer({ min: -1e6, max: 1e6 }).map((i) => i / 64),
  fc.tuple(fc.integer({ min: 1, max: 99999 }), fc.integer({ min: -30, max: 30 })).map(([m, e]) => Number(`${m}e${e}`)),
).map((x) => float(x));

/** Whole binaries and bitstrings, some as windows at odd bit offsets into a larger binary. */
export const bitsArb: fc.Arbitrary<Term> = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((b) => new Binary(b)),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.nat(), fc.nat())
    .map(([bytes, a, b]) => {
      const total = bytes.length * 8;
      const off = a % total;
      const size = b % (total - off + 1);
      return new SubBinary(new Binary(bytes), off, size);
    }),
);

const nodeArb: fc.Arbitrary<[Atom, number]> = fc.oneof(
  fc.constant<[Atom, number]>([localNode(), localCreationNumber()]),
  fc.tuple(
    fc.constantFrom("a@b", "node1@host.example", "Weird Node@x", "nonode@nohost", "é@ü").map((n) => atom(n)),
    fc.oneof(fc.constantFrom(0, 1, 3), fc.nat({ max: 0xffffffff })),
  ),
);
const u32 = fc.nat({ max: 0xffffffff });

export const pidArb: fc.Arbitrary<Pid> = fc.tuple(nodeArb, u32, u32).map(([[n, c], id, serial]) => new Pid(n, id, serial, c));
export const portArb: fc.Arbitrary<Term> = fc
  .tuple(nodeArb, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
  .map(([[n, c], id]) => new Port(n, id, c));
export const refArb: fc.Arbitrary<Term> = fc
  .tuple(nodeArb, fc.array(u32, { minLength: 1, maxLength: 5 }), fc.constantFrom("ordinary" as const, "pid" as const, "magic" as const))
  .map(([[n, c], ids, kind]) => new Ref(n, ids, c, kind));
export const extFunArb: fc.Arbitrary<Term> = fc
  .tuple(atomArb, atomArb, fc.nat({ max: 255 }))
  .map(([m, f, a]) => new ExternalFun(m, f, a));

/**
 * External funs whose module and function are plain lowercase atoms: `~w` prints funs with the
 * runtime's own atom quoting (quotes `@`, not reserved words; non-ASCII as UTF-8 bytes), which
 * agrees with io_lib's only for such names.
 */
export const plainExtFunArb: fc.Arbitrary<Term> = fc
  .tuple(fc.constantFrom("lists", "m", "a_b", "erlang"), fc.constantFrom("map", "f", "x1", "ok"), fc.nat({ max: 255 }))
  .map(([m, f, a]) => new ExternalFun(atom(m), atom(f), a));

/**
 * Terms that Erlang can write literally (no pids, ports, references or local funs). External
 * funs have plain names (`~w` writes others in a form erl_parse does not read back).
 */
export function erlangTermArb(maxDepth = 4): fc.Arbitrary<Term> {
  return termArbOf(maxDepth, fc.oneof(intArb, floatArb, atomArb, fc.constant(nil), bitsArb, plainExtFunArb), false);
}

/** Terms of every type. */
export function anyTermArb(maxDepth = 4): fc.Arbitrary<Term> {
  return termArbOf(maxDepth, fc.oneof(intArb, floatArb, atomArb, fc.constant(nil), bitsArb, extFunArb, pidArb, portArb, refArb), true);
}

function termArbOf(maxDepth: number, leaf: fc.Arbitrary<Term>, withLocalFuns: boolean): fc.Arbitrary<Term> {
  const { term } = fc.letrec<{ term: Term; tuple: Term; list: Term; map: Term; bigMap: Term; fun: Term }>((tie) => ({
    term: fc.oneof(
      { maxDepth, depthSize: "small" },
      { arbitrary: leaf, weight: 6 },
      { arbitrary: tie("tuple"), weight: 3 },
      { arbitrary: tie("list"), weight: 3 },
      { arbitrary: tie("map"), weight: 3 },
      { arbitrary: tie("bigMap"), weight: 1 },
      { arbitrary: withLocalFuns ? tie("fun") : leaf, weight: 2 },
    ),
    tuple: fc.array(tie("term"), { maxLength: 5 }).map((es) => new Tuple(es)),
    list: fc
      .tuple(fc.array(tie("term"), { maxLength: 6 }), fc.option(tie("term"), { freq: 4 }))
      .map(([items, tail]) => list(items, tail ?? nil)),
    map: fc.array(fc.tuple(tie("term"), tie("term")), { maxLength: 5 }).map((es) => mapFromEntries(es)),
    bigMap: fc
      .tuple(fc.integer({ min: 30, max: 40 }), tie("term"))
      .map(([n, v]) => mapFromEntries(Array.from({ length: n }, (_, i): [Term, Term] => [i * 7 - 50, v]))),
    fun: fc
      .record({
        module: atomArb,
        index: u32,
        uniq: u32,
        arity: fc.nat({ max: 255 }),
        free: fc.array(tie("term"), { maxLength: 3 }),
        md5: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { freq: 3 }),
        oldIndex: fc.option(u32, { freq: 3 }),
        pid: fc.option(pidArb, { freq: 3 }),
      })
      .map(
        (r) =>
          new LocalFun(
            r.module,
            r.index,
            r.uniq,
            r.arity,
            r.free,
            r.md5 === null ? "" : Array.from(r.md5, (b) => b.toString(16).padStart(2, "0")).join(""),
            r.oldIndex ?? r.index,
            r.pid ?? undefined,
          ),
      ),
  }));
  return term;
}
