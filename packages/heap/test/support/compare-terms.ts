/**
 * Test support for term order: fast-check arbitraries that produce terms rich in near-ties
 * (1 vs 1.0, 2^53 vs 2^53+1, <<1:3>> vs <<1>>, maps that differ in one key or value, maps of
 * more than 32 keys) and a printer to Erlang expression syntax, so the real BEAM can rebuild the
 * same terms (`erl_eval`) and be asked for their order.
 */
import fc from "fast-check";
import {
  Binary,
  Cons,
  ErlFloat,
  ErlMap,
  ExternalFun,
  LocalFun,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tag,
  Tuple,
  atom,
  binary,
  bitstring,
  float,
  int,
  list,
  mapFromEntries,
  nil,
  tuple,
  type Atom,
  type Term,
} from "../../src/index.js";

export const ATOM_NAMES = ["a", "b", "aa", "ab", "ok", "", "z", "A", "ÿ", "Ā", "\u{E000}", "\u{FFFD}", "\u{10000}", "\u{1F600}x", "a b", "'", "\\"];
const atoms = ATOM_NAMES.map((n) => atom(n));

const smallInt = fc.integer({ min: -3, max: 3 });
const TWO53 = 2n ** 53n;
const edgeInts = [TWO53 - 1n, TWO53, TWO53 + 1n, TWO53 + 2n, -TWO53 - 1n, 2n ** 59n - 1n, 2n ** 59n, 2n ** 59n + 1n, 2n ** 64n, 2n ** 64n + 1n, 2n ** 1024n, -(2n ** 64n)];
const edgeFloats = [2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 59, 2 ** 60, 2 ** 64, 1e300, -1e300, 0.5, -0.5, -0, 0, 1.7976931348623157e308, 5e-324];

export const intArb: fc.Arbitrary<Term> = fc.oneof(
  smallInt,
  fc.integer(),
  fc.bigInt({ min: -(2n ** 140n), max: 2n ** 140n }).map(int),
  fc.constantFrom(...edgeInts).map(int),
);

export const floatArb: fc.Arbitrary<Term> = fc.oneof(
  smallInt.map((v) => float(v)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(float),
  fc.constantFrom(...edgeFloats).map(float),
  fc.constantFrom(...edgeInts.filter((v) => Number.isFinite(Number(v)))).map((v) => float(Number(v))),
);

export const atomArb: fc.Arbitrary<Term> = fc.constantFrom(...atoms);

export const bitsArb: fc.Arbitrary<Term> = fc.oneof(
  fc.uint8Array({ maxLength: 4 }).map((b) => binary(b)),
  fc.constantFrom(0, 1, 32, 255).chain((v) => fc.integer({ min: 0, max: 16 }).map((n) => bitstring([v, v], n))),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 7 })).map(([b, r]) => bitstring(b, (b.length - 1) * 8 + r)),
  fc.integer({ min: 60, max: 70 }).map((n) => binary(new Uint8Array(n).fill(7))),
);

const leafArb: fc.Arbitrary<Term> = fc.oneof(intArb, floatArb, atomArb, bitsArb, fc.constant(nil));

const keyArb: fc.Arbitrary<Term> = fc.oneof(smallInt, smallInt.map((v) => float(v)), atomArb, fc.integer({ min: 0, max: 60 }));

/** Random terms, nested a few levels. */
export const termArb: fc.Arbitrary<Term> = fc.letrec<{ term: Term }>((tie) => ({
  term: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    leafArb,
    fc.array(tie("term"), { maxLength: 4 }).map((es) => tuple(...es)),
    fc.array(tie("term"), { maxLength: 5 }).map((es) => list(es)),
    fc.tuple(fc.array(tie("term"), { minLength: 1, maxLength: 3 }), leafArb).map(([es, t]) => list(es, t)),
    fc.array(fc.tuple(fc.oneof(keyArb, tie("term")), tie("term")), { maxLength: 5 }).map((es) => mapFromEntries(es)),
    fc.array(fc.tuple(keyArb, fc.oneof(smallInt, atomArb)), { minLength: 30, maxLength: 45 }).map((es) => mapFromEntries(es)),
  ),
})).term;

/** Entry lists for `maps:from_list/1`: duplicate keys (incl. 1 vs 1.0 and 0.0 vs -0.0) are likely. */
export const entriesArb: fc.Arbitrary<[Term, Term][]> = fc.oneof(
  fc.array(fc.tuple(fc.oneof(keyArb, fc.constantFrom(0, -0).map(float), termArb), termArb), { maxLength: 12 }),
  fc.array(fc.tuple(fc.oneof(keyArb, fc.constantFrom(0, -0).map(float)), fc.integer({ min: 0, max: 9 })), { minLength: 25, maxLength: 50 }),
);

// --- printing as an Erlang expression -----------------------------------------------------------

function printFloat(v: number): string {
  if (Object.is(v, -0)) return "-0.0";
  let s = String(v);
  if (!/[.e]/.test(s)) return `${s}.0`;
  const e = s.indexOf("e");
  if (e >= 0) {
    let mant = s.slice(0, e);
    if (!mant.includes(".")) mant += ".0";
    s = `${mant}e${s.slice(e + 1).replace("+", "")}`;
  }
  return s;
}

function printAtom(a: Atom): string {
  let out = "'";
  for (const ch of a.name) {
    const c = ch.codePointAt(0)!;
    if (ch === "'" || ch === "\\") out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += `\\x{${c.toString(16)}}`;
  }
  return `${out}'`;
}

function bitsOf(t: Binary | SubBinary): { bytes: number[]; rest: number; restBits: number } {
  const src = t.tag === Tag.Binary ? t.bytes : t.orig.bytes;
  const off = t.tag === Tag.Binary ? 0 : t.bitOffset;
  const size = t.tag === Tag.Binary ? t.bytes.length * 8 : t.bitSize;
  const bit = (i: number): number => (((src[(off + i) >>> 3]!) >>> (7 - ((off + i) & 7))) & 1);
  const bytes: number[] = [];
  let i = 0;
  for (; i + 8 <= size; i += 8) {
    let v = 0;
    for (let k = 0; k < 8; k++) v = (v << 1) | bit(i + k);
    bytes.push(v);
  }
  let rest = 0;
  const restBits = size - i;
  for (let k = 0; k < restBits; k++) rest = (rest << 1) | bit(i + k);
  return { bytes, rest, restBits };
}

function etfAtom(a: Atom): string {
  const utf8 = [...new TextEncoder().encode(a.name)];
  return `119, ${utf8.length}, ${utf8.join(", ") || ""}`.replace(/, $/, "");
}

/**
 * The term as an Erlang expression that `erl_eval` turns back into the same term (maps through
 * `maps:from_list/1`, identifiers through `binary_to_term/1`). Iterative.
 */
export function printErlang(root: Term): string {
  const out: string[] = [];
  const stack: (Term | { s: string })[] = [root];
  while (stack.length > 0) {
    const t = stack.pop() as Term | { s: string };
    if (typeof t === "number" || typeof t === "bigint") {
      out.push(String(t));
      continue;
    }
    if ("s" in t) {
      out.push(t.s);
      continue;
    }
    const push = (...items: (Term | { s: string })[]): void => {
      for (let i = items.length - 1; i >= 0; i--) stack.push(items[i] as Term | { s: string });
    };
    const sep = (items: readonly Term[]): (Term | { s: string })[] => items.flatMap((x, i) => (i === 0 ? [x] : [{ s: "," }, x]));
    if (t instanceof ErlFloat) out.push(printFloat(t.value));
    else if (t.tag === Tag.Atom) out.push(printAtom(t));
    else if (t === nil) out.push("[]");
    else if (t instanceof Tuple) push({ s: "{" }, ...sep(t.elements), { s: "}" });
    else if (t instanceof Cons) {
      const items: Term[] = [];
      let c: Term = t;
      while (c instanceof Cons) {
        items.push(c.head);
        c = c.tail;
      }
      push({ s: "[" }, ...sep(items), ...(c === nil ? [] : [{ s: "|" }, c]), { s: "]" });
    } else if (t instanceof Binary || t instanceof SubBinary) {
      const { bytes, rest, restBits } = bitsOf(t);
      const parts = bytes.map(String);
      if (restBits > 0) parts.push(`${rest}:${restBits}`);
      out.push(`<<${parts.join(",")}>>`);
    } else if (t instanceof ErlMap) {
      const items: Term[] = t.keys.map((k, i) => tuple(k, t.values[i]!));
      push({ s: "maps:from_list([" }, ...sep(items), { s: "])" });
    } else if (t instanceof Pid) {
      out.push(`binary_to_term(<<131, 88, ${etfAtom(t.node)}, ${t.id}:32, ${t.serial}:32, ${t.creation}:32>>)`);
    } else if (t instanceof Port) {
      out.push(`binary_to_term(<<131, 120, ${etfAtom(t.node)}, ${t.id}:64, ${t.creation}:32>>)`);
    } else if (t instanceof Ref) {
      out.push(`binary_to_term(<<131, 90, ${t.ids.length}:16, ${etfAtom(t.node)}, ${t.creation}:32${t.ids.map((i) => `, ${i}:32`).join("")}>>)`);
    } else if (t instanceof ExternalFun) {
      out.push(`fun ${printAtom(t.module)}:${printAtom(t.name)}/${t.arity}`);
    } else if (t instanceof LocalFun) {
      throw new Error("local funs cannot be printed as an expression");
    }
  }
  return out.join("");
}

/** Identifiers (pids, ports, refs) on the local node and others, within the local node's limits. */
export function identifierTerms(): Term[] {
  const local = atom("nonode@nohost");
  const nodes: [Atom, number][] = [
    [local, 0],
    [local, 3],
    [atom("a@b"), 0],
    [atom("a@b"), 1],
    [atom("z@b"), 1],
  ];
  const out: Term[] = [];
  for (const [node, cr] of nodes) {
    const isLocal = node === local && cr === 0;
    for (const [id, serial] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [32767, 1],
      [5, 8191],
      [32768, 0],
      [0, 8192],
      [2 ** 32 - 1, 2 ** 32 - 1],
    ] as const) {
      if (isLocal && (id > 32767 || serial > 8191)) continue;
      out.push(new Pid(node, id, serial, cr));
    }
    for (const id of isLocal ? [0n, 1n, 2n ** 27n] : [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 40n]) out.push(new Port(node, id, cr));
    for (const ids of isLocal ? [[1, 0, 0], [0, 1, 0], [0, 0, 1], [5, 6, 7]] : [[1], [1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [2, 0, 0, 0, 0], [1, 0, 0, 0, 1]]) {
      out.push(new Ref(node, ids, cr));
    }
  }
  for (const [m, f, a] of [
    ["lists", "map", 2],
    ["lists", "map", 3],
    ["lists", "foldl", 3],
    ["erlang", "self", 0],
    ["a", "b", 0],
  ] as const) {
    out.push(new ExternalFun(atom(m), atom(f), a));
  }
  return out;
}

/** Hand-picked near-ties whose order the BEAM decides (no expected values here). */
export function edgeTerms(): Term[] {
  const out: Term[] = [];
  for (const v of edgeInts) {
    out.push(int(v));
    if (Number.isFinite(Number(v))) out.push(float(Number(v)));
  }
  for (const v of edgeFloats) out.push(float(v));
  out.push(int(9007199254740993n), float(9007199254740992), int(9007199254740992n), float(9007199254740994));
  for (let n = 0; n <= 9; n++) out.push(bitstring([0x20, 0x80], n), bitstring([0xff, 0xff], n));
  out.push(bitstring([1 << 5], 3), binary([1]), binary([]), binary([0]), binary([1, 0]));
  // Maps: the same keys as flatmap / HAMT, one key or one value changed, 1 vs 1.0 keys.
  for (const n of [31, 32, 33, 34, 40]) {
    const base: [Term, Term][] = [];
    for (let i = 0; i < n; i++) base.push([i, atom(i % 2 === 0 ? "a" : "b")]);
    out.push(mapFromEntries(base));
    for (const at of [0, 7, n - 1]) {
      out.push(mapFromEntries(base.map(([k, v], i): [Term, Term] => (i === at ? [float(k as number), v] : [k, v]))));
      out.push(mapFromEntries(base.map(([k, v], i): [Term, Term] => (i === at ? [k, float(0)] : [k, v]))));
      out.push(mapFromEntries(base.map(([k, v], i): [Term, Term] => (i === at ? [k, 0] : [k, v]))));
      out.push(mapFromEntries(base.map(([k, v], i): [Term, Term] => (i === at ? [(k as number) + 1000, v] : [k, v]))));
    }
    out.push(mapFromEntries([...base.slice(0, n - 2), [atom("a"), 1], [atom("b"), 2]]));
    out.push(mapFromEntries([...base.slice(0, n - 2), [atom("a"), 2], [atom("b"), 1]]));
  }
  out.push(mapFromEntries([[1, atom("a")]]), mapFromEntries([[float(1), atom("a")]]), mapFromEntries([[1, float(1)]]), mapFromEntries([[1, 1]]));
  out.push(list([1, 2]), list([1], 2), list([1], atom("a")), list([1]), list([float(1), 2]), list([1, 2], nil));
  out.push(tuple(1, atom("b")), tuple(float(1), atom("a")), tuple(), tuple(float(2)));
  return out;
}
