/**
 * Erlang term order, as the BEAM (OTP 25, `erts_cmp_compound` in erts/emulator/beam/utils.c)
 * computes it.
 *
 * Owns: {@link compare} (`<`, `==`: `1 == 1.0`), {@link equals} (`=:=`) and
 * {@link compareExact}, the total order of map keys (`erts_cmp(A, B, 1, 0)`: as term order, but
 * numbers of different types are never equal and every integer sorts before every float).
 *
 * The order of types: number < atom < reference < fun < port < pid < tuple < map < [] < list <
 * bitstring. Within a type:
 * - numbers by value, exactly (a bignum beyond 2^53 against a float too); `-0.0` and `0.0` are
 *   equal, also under `=:=` (OTP 25; OTP 27 tells them apart);
 * - atoms by their text, code point by code point (the BEAM compares the UTF-8 bytes);
 * - tuples by arity, then element by element; lists element by element, the tail like any term;
 * - maps by size, then their keys in map-key order (compared exactly), then the values in that
 *   order; the same for flatmaps and HAMTs;
 * - bitstrings bit by bit over the common length, then by length;
 * - pids by serial, then number, then node name, then node creation; ports by node name, node
 *   creation, then number; references by node name, node creation, then id words from the most
 *   significant (missing high words count as 0, so `[1]` and `[1,0,0]` are equal);
 * - local funs by module, old index, old uniq, number of free variables, then the free variables
 *   (arity, MD5 and the creator pid are not compared); external
 *   funs (`fun M:F/A`) by module, name, arity, and every local fun sorts before every external one.
 *
 * Invariants: all traversals are iterative (explicit stack), so any depth and any length work;
 * a comparison allocates nothing in the steady state (one stack is reused across calls).
 *
 * Verified against the real BEAM: test/compare.beam.test.ts (live `erl`, random and edge terms,
 * closures) and test/compare.fixture.test.ts (the order table in beam-oracle's terms.json).
 */
import type { Atom } from "./atom.js";
import { Tag } from "./tag.js";
import type { Binary, Cons, ErlFloat, ErlMap, ExternalFun, LocalFun, Pid, Port, Ref, SubBinary, Term, Tuple } from "./types.js";

/** Result of a comparison: `-1` (a < b), `0` (equal), `1` (a > b). */
export type Order = -1 | 0 | 1;

/** Rank of each type in term order (integers, which have no tag, rank with floats: 0). */
const RANK_BY_TAG: Readonly<Record<Tag, number>> = {
  [Tag.Float]: 0,
  [Tag.Atom]: 1,
  [Tag.Ref]: 2,
  [Tag.Fun]: 3,
  [Tag.Port]: 4,
  [Tag.Pid]: 5,
  [Tag.Tuple]: 6,
  [Tag.Map]: 7,
  [Tag.Nil]: 8,
  [Tag.Cons]: 9,
  [Tag.Binary]: 10,
  [Tag.SubBinary]: 10,
};

function rankOf(t: Term): number {
  return typeof t === "object" ? RANK_BY_TAG[t.tag] : 0;
}

/**
 * Erlang's term order with `==` semantics: `compare(1, float(1.0))` is `0`.
 *
 * **When to use**: `<`, `>`, `==`, `lists:sort/1`, `erlang:max/2`.
 * **Cost**: O(size of the common prefix of the two terms), no allocation.
 */
export function compare(a: Term, b: Term): Order {
  return cmp(a, b, false);
}

/**
 * Exact equality `=:=`: like `compare(a, b) === 0` but `1 =/= 1.0`.
 * **Cost**: as {@link compare}.
 */
export function equals(a: Term, b: Term): boolean {
  return a === b || cmp(a, b, true) === 0;
}

/**
 * The total order the BEAM keeps map keys in (`erts_cmp(A, B, 1, 0)`, OTP 25): term order, but
 * integers and floats are never equal and every integer sorts before every float (so
 * `2 < 1.0`); `compareExact(a, b) === 0` exactly when `a =:= b`.
 *
 * **When to use**: sorting and searching map keys (`maps:to_list/1` order of a flatmap).
 * **Cost**: as {@link compare}.
 */
export function compareExact(a: Term, b: Term): Order {
  return cmp(a, b, true);
}

/** Alias of {@link compareExact}, the name types.ts refers to. */
export const compareKeys = compareExact;

// --- numbers ------------------------------------------------------------------------------------

/** Compares two numbers (a `number`/`bigint` integer or an {@link ErlFloat}). */
function cmpNumbers(a: number | bigint | ErlFloat, b: number | bigint | ErlFloat, exact: boolean): Order {
  let x: number | bigint;
  let y: number | bigint;
  if (typeof a === "object") {
    if (typeof b === "object") {
      x = a.value;
      y = b.value;
    } else {
      if (exact) return 1; // integers sort before floats in map-key order
      x = a.value;
      y = b;
    }
  } else if (typeof b === "object") {
    if (exact) return -1;
    x = a;
    y = b.value;
  } else {
    x = a;
    y = b;
  }
  // JS compares number/bigint mixes by mathematical value: exact for any bignum and float.
  return x < y ? -1 : x > y ? 1 : 0;
}

// --- atoms --------------------------------------------------------------------------------------

/**
 * Atoms by text in code point order (the order of their UTF-8 bytes, which the BEAM compares).
 * JS `<` compares UTF-16 code units, which differs only when one side is a surrogate and the
 * other is U+E000..U+FFFF; that case is remapped.
 */
export function compareAtoms(a: Atom, b: Atom): Order {
  if (a === b) return 0;
  const s = a.name;
  const t = b.name;
  const n = Math.min(s.length, t.length);
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    let d = t.charCodeAt(i);
    if (c !== d) {
      if (c >= 0xd800 && d >= 0xd800) {
        c = c >= 0xe000 ? c - 0x800 : c + 0x2000;
        d = d >= 0xe000 ? d - 0x800 : d + 0x2000;
      }
      return c < d ? -1 : 1;
    }
  }
  return s.length < t.length ? -1 : s.length > t.length ? 1 : 0;
}

// --- bitstrings ---------------------------------------------------------------------------------

function bitView(t: Binary | SubBinary): { bytes: Uint8Array; off: number; bits: number } {
  if (t.tag === Tag.Binary) return { bytes: t.bytes, off: 0, bits: t.byteSize * 8 };
  return { bytes: t.orig.bytes, off: t.bitOffset, bits: t.bitSize };
}

function bitAt(bytes: Uint8Array, bit: number): number {
  return ((bytes[bit >>> 3] as number) >>> (7 - (bit & 7))) & 1;
}

/** Byte `i` (counted from bit `off`) of a bit window; bits past the end read as 0. */
function byteAt(bytes: Uint8Array, off: number, i: number): number {
  const bit = off + i * 8;
  const q = bit >>> 3;
  const r = bit & 7;
  if (r === 0) return bytes[q] as number;
  return (((bytes[q] as number) << r) | ((bytes[q + 1] ?? 0) >>> (8 - r))) & 0xff;
}

/** Bitstrings bit by bit over the common length, then the shorter first. */
function cmpBits(a: Binary | SubBinary, b: Binary | SubBinary): Order {
  if (a.tag === Tag.Binary && b.tag === Tag.Binary) {
    const x = a.bytes;
    const y = b.bytes;
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = x[i] as number;
      const d = y[i] as number;
      if (c !== d) return c < d ? -1 : 1;
    }
    return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
  }
  const va = bitView(a);
  const vb = bitView(b);
  const min = Math.min(va.bits, vb.bits);
  const whole = min >>> 3;
  for (let i = 0; i < whole; i++) {
    const c = byteAt(va.bytes, va.off, i);
    const d = byteAt(vb.bytes, vb.off, i);
    if (c !== d) return c < d ? -1 : 1;
  }
  for (let k = whole * 8; k < min; k++) {
    const c = bitAt(va.bytes, va.off + k);
    const d = bitAt(vb.bytes, vb.off + k);
    if (c !== d) return c < d ? -1 : 1;
  }
  return va.bits < vb.bits ? -1 : va.bits > vb.bits ? 1 : 0;
}

// --- identifiers --------------------------------------------------------------------------------

function cmpNodes(an: Atom, ac: number, bn: Atom, bc: number): Order {
  if (an !== bn) return compareAtoms(an, bn);
  return ac < bc ? -1 : ac > bc ? 1 : 0;
}

/** Pids: serial, then number (the BEAM's pid data word), then node. */
function cmpPids(a: Pid, b: Pid): Order {
  if (a.serial !== b.serial) return a.serial < b.serial ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return cmpNodes(a.node, a.creation, b.node, b.creation);
}

/** Ports: node first, then the port number (unlike pids). */
function cmpPorts(a: Port, b: Port): Order {
  const c = cmpNodes(a.node, a.creation, b.node, b.creation);
  if (c !== 0) return c;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function cmpRefs(a: Ref, b: Ref): Order {
  const c = cmpNodes(a.node, a.creation, b.node, b.creation);
  if (c !== 0) return c;
  const x = a.ids;
  const y = b.ids;
  let n = x.length;
  let m = y.length;
  // Extra most-significant words count only when non-zero.
  while (n > m) {
    if (x[n - 1] !== 0) return 1;
    n--;
  }
  while (m > n) {
    if (y[m - 1] !== 0) return -1;
    m--;
  }
  for (let i = n - 1; i >= 0; i--) {
    const c2 = x[i] as number;
    const d2 = y[i] as number;
    if (c2 !== d2) return c2 < d2 ? -1 : 1;
  }
  return 0;
}

function sign(n: number): Order {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

// --- the traversal ------------------------------------------------------------------------------

/** Frame kinds. A pair frame compares `a` with `b`; an array frame walks two arrays in step. */
const OP_PAIR = 0;
const OP_ARRAY = 1;
/** Leave exact mode (entered to compare map keys under `==`). */
const OP_EXACT_OFF = 2;

/**
 * The explicit stack of pending comparisons, as parallel arrays (no object per frame). One
 * instance is reused by every call (the comparison calls out to nothing, so it cannot re-enter
 * while in use); a nested use gets a fresh one.
 */
class CmpStack {
  readonly ops: number[] = [];
  readonly as: unknown[] = [];
  readonly bs: unknown[] = [];
  readonly is: number[] = [];
  sp = 0;
  busy = false;

  push(op: number, a: unknown, b: unknown): void {
    const sp = this.sp++;
    this.ops[sp] = op;
    this.as[sp] = a;
    this.bs[sp] = b;
    this.is[sp] = 0;
  }

  /** Drops every frame and the references they hold. */
  clear(): void {
    for (let i = 0; i < this.sp; i++) {
      this.as[i] = undefined;
      this.bs[i] = undefined;
    }
    this.sp = 0;
    this.busy = false;
  }
}

const shared = new CmpStack();

/** `=:=`/map-key mode when `exact`, `==` order otherwise. */
function cmp(x: Term, y: Term, exact: boolean): Order {
  if (typeof x === "number" && typeof y === "number") return x < y ? -1 : x > y ? 1 : 0;
  if (x === y) return 0;
  const s = shared.busy ? new CmpStack() : shared;
  s.busy = true;
  try {
    return walk(x, y, exact, s);
  } finally {
    s.clear();
  }
}

/** Whether a term is compared without the stack (a number or an atom). */
function isFlat(t: Term): boolean {
  return typeof t !== "object" || t.tag === Tag.Atom || t.tag === Tag.Float;
}

/**
 * Walks both terms in step, as `erts_cmp_compound` does: the first difference decides. Flat
 * elements of tuples, lists and maps are compared in place; a compound pair is descended into,
 * leaving the rest of its container as a frame on `s`.
 */
function walk(x: Term, y: Term, exactIn: boolean, s: CmpStack): Order {
  let exact = exactIn;
  let a = x;
  let b = y;
  for (;;) {
    compareOne: {
      if (a === b) break compareOne;
      if (typeof a !== "object" || typeof b !== "object") {
        const c = cmpFlat(a, b, exact);
        if (c !== 0) return c;
        break compareOne;
      }
      const tag = a.tag;
      if (tag !== b.tag) {
        const ra = RANK_BY_TAG[tag];
        const rb = RANK_BY_TAG[b.tag];
        if (ra !== rb) return ra < rb ? -1 : 1;
        // The same type under two tags: a binary and a sub-binary.
        const c = cmpBits(a as Binary | SubBinary, b as Binary | SubBinary);
        if (c !== 0) return c;
        break compareOne;
      }
      switch (tag) {
        case Tag.Float: {
          const c = cmpNumbers(a, b as ErlFloat, exact);
          if (c !== 0) return c;
          break compareOne;
        }
        case Tag.Atom: {
          const c = compareAtoms(a, b as Atom);
          if (c !== 0) return c;
          break compareOne;
        }
        case Tag.Nil:
          break compareOne;
        case Tag.Cons: {
          // Walk the spine here; only a compound pair of heads goes through the stack.
          let p = a;
          let q = b as Cons;
          for (;;) {
            const h = p.head;
            const k = q.head;
            if (h !== k) {
              if (isFlat(h) || isFlat(k)) {
                const c = cmpFlat(h, k, exact);
                if (c !== 0) return c;
              } else {
                s.push(OP_PAIR, p.tail, q.tail);
                a = h;
                b = k;
                break;
              }
            }
            const pt = p.tail;
            const qt = q.tail;
            if (pt !== qt && typeof pt === "object" && typeof qt === "object" && pt.tag === Tag.Cons && qt.tag === Tag.Cons) {
              p = pt;
              q = qt;
              continue;
            }
            a = pt;
            b = qt;
            break;
          }
          continue; // compare the new (a, b)
        }
        case Tag.Tuple: {
          const ea = (a).elements;
          const eb = (b as Tuple).elements;
          if (ea.length !== eb.length) return ea.length < eb.length ? -1 : 1;
          if (ea.length > 0) s.push(OP_ARRAY, ea, eb);
          break compareOne;
        }
        case Tag.Map: {
          // Size, then the keys (always exactly), then the values in key order (in this mode).
          const ma = a;
          const mb = b as ErlMap;
          const n = ma.keys.length;
          if (n !== mb.keys.length) return n < mb.keys.length ? -1 : 1;
          if (n === 0) break compareOne;
          s.push(OP_ARRAY, ma.values, mb.values);
          if (!exact) {
            s.push(OP_EXACT_OFF, undefined, undefined);
            exact = true;
          }
          s.push(OP_ARRAY, ma.keys, mb.keys);
          break compareOne;
        }
        case Tag.Binary:
        case Tag.SubBinary: {
          const c = cmpBits(a, b as Binary | SubBinary);
          if (c !== 0) return c;
          break compareOne;
        }
        case Tag.Pid: {
          const c = cmpPids(a, b as Pid);
          if (c !== 0) return c;
          break compareOne;
        }
        case Tag.Port: {
          const c = cmpPorts(a, b as Port);
          if (c !== 0) return c;
          break compareOne;
        }
        case Tag.Ref: {
          const c = cmpRefs(a, b as Ref);
          if (c !== 0) return c;
          break compareOne;
        }
        case Tag.Fun: {
          const fa = a;
          const fb = b as LocalFun | ExternalFun;
          if (fa.external !== fb.external) return fa.external ? 1 : -1; // local funs first
          if (fa.external) {
            const c = cmpExports(fa, fb as ExternalFun);
            if (c !== 0) return c;
            break compareOne;
          }
          const lb = fb as LocalFun;
          const c = cmpFunHeads(fa, lb);
          if (c !== 0) return c;
          if (fa.free.length > 0) s.push(OP_ARRAY, fa.free, lb.free);
          break compareOne;
        }
      }
    }

    // Next pair: pop frames until one yields a pair.
    for (;;) {
      const top = s.sp - 1;
      if (top < 0) return 0;
      const op = s.ops[top] as number;
      if (op === OP_PAIR) {
        a = s.as[top] as Term;
        b = s.bs[top] as Term;
        s.as[top] = s.bs[top] = undefined;
        s.sp = top;
        break;
      }
      if (op === OP_EXACT_OFF) {
        exact = false;
        s.sp = top;
        continue;
      }
      // OP_ARRAY: compare flat elements in place, stop at the first compound pair.
      const ea = s.as[top] as readonly Term[];
      const eb = s.bs[top] as readonly Term[];
      const n = ea.length;
      let i = s.is[top] as number;
      let descend = false;
      while (i < n) {
        const h = ea[i] as Term;
        const k = eb[i] as Term;
        i++;
        if (h === k) continue;
        if (isFlat(h) || isFlat(k)) {
          const c = cmpFlat(h, k, exact);
          if (c !== 0) return c;
          continue;
        }
        a = h;
        b = k;
        descend = true;
        break;
      }
      if (i >= n) {
        s.as[top] = s.bs[top] = undefined;
        s.sp = top;
      } else {
        s.is[top] = i;
      }
      if (descend) break;
    }
  }
}

/** Two terms at least one of which is a number or an atom: their order never needs the stack. */
function cmpFlat(a: Term, b: Term, exact: boolean): Order {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0) return cmpNumbers(a as number | bigint | ErlFloat, b as number | bigint | ErlFloat, exact);
  return compareAtoms(a as Atom, b as Atom);
}

/** External funs (`fun M:F/A`): module, then function name, then arity. */
function cmpExports(a: ExternalFun, b: ExternalFun): Order {
  return compareAtoms(a.module, b.module) || compareAtoms(a.name, b.name) || sign(a.arity - b.arity);
}

/**
 * Local funs before their free variables: module, old index, old uniq, number of free variables
 * (OTP 25 compares `fe->old_index` and `fe->old_uniq`; neither arity, MD5 nor creator pid).
 */
function cmpFunHeads(a: LocalFun, b: LocalFun): Order {
  return compareAtoms(a.module, b.module) || sign(a.oldIndex - b.oldIndex) || sign(a.uniq - b.uniq) || sign(a.free.length - b.free.length);
}
