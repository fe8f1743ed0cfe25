/**
 * Term sizes in heap words, as OTP 25 on a 64-bit machine counts them.
 *
 * Owns: {@link flatSize} (`erts_debug:flat_size/1`, `size_object` in copy.c: the words a copy
 * of the term needs, sharing lost) and {@link sharedSize} (`erts_debug:size/1`, `size_shared`:
 * every shared sub-term counted once), for terms in canonical layout (types.ts).
 *
 * | term                         | words of the object itself                                  |
 * |------------------------------|-------------------------------------------------------------|
 * | small integer (−2^59…2^59−1), atom, `[]`, local pid, local port | 0                        |
 * | bignum                       | 1 + ⌈bits/64⌉                                               |
 * | float                        | 2                                                           |
 * | cons cell                    | 2                                                           |
 * | tuple of n                   | 1 + n; `{}` 0 (a global literal)                            |
 * | binary of b ≤ 64 bytes       | 2 + ⌈b/8⌉ (heap binary); > 64 bytes: 6 (ProcBin)            |
 * | sub-binary                   | as its copy: 5 more when it is not byte aligned, plus the  |
 * |                              | binary it would copy to: ProcBin 6 if over a refc binary,   |
 * |                              | else a heap binary of its bytes + 1 or 2 spill bytes         |
 * | flatmap of n ≤ 32 keys       | 3 + n + keys tuple (1 + n); `#{}` 3                          |
 * | HAMT (> 32 keys)             | nodes + a 2-word cons per key (hamt.ts)                      |
 * | local ref                    | 3; pid-ref (`alias()`) 4; magic ref 3                        |
 * | external pid / port          | 4                                                           |
 * | external ref of k id words   | 4 + ⌊k/2⌋                                                   |
 * | local fun                    | 5 + number of free variables                                |
 * | external fun `fun M:F/A`     | 5                                                           |
 *
 * Every row was checked against a live OTP 25 node (fixture tooling/beam-oracle terms.json).
 * "Local" means node *and* creation equal the local node's (node.ts), as on the BEAM.
 *
 * Invariants: iterative; {@link flatSize} allocates nothing per term (a reused stack).
 * Sharing is object identity (types.ts); a flatmap's keys tuple is its `keys` array, so maps
 * that share that array share their keys tuple, as maps updated with `:=` do on the BEAM.
 */
import { MAX_SMALL, MIN_SMALL } from "./hash.js";
import { hamtNodeWords } from "./hamt.js";
import { localCreationNumber, localNode } from "./node.js";
import { Tag } from "./tag.js";
import { MAP_SMALL_MAP_LIMIT, ON_HEAP_BINARY_LIMIT, type Atom, type Binary, type Cons, type ErlMap, type Ref, type SubBinary, type Term } from "./types.js";

/** Bytes per heap word on the simulated 64-bit BEAM. */
export const WORD_SIZE = 8;

/** Bytes of `words` heap words. */
export function byteSize(words: number): number {
  return words * WORD_SIZE;
}

/** Words of a heap binary of `bytes` bytes (`heap_bin_size`: thing word, size, data). */
function heapBinWords(bytes: number): number {
  return 2 + Math.ceil(bytes / 8);
}

/** Words of a ProcBin, the on-heap handle of a refc binary. */
export const PROC_BIN_WORDS = 6;
/** Words of a sub-binary (`ERL_SUB_BIN_SIZE`). */
export const SUB_BIN_WORDS = 5;
/** Words of a local fun without free variables, and of an external fun. */
export const FUN_WORDS = 5;
/** Words of an external pid or port. */
export const EXTERNAL_ID_WORDS = 4;

/** Words of a bignum, 0 when `n` is a small integer on the BEAM. */
export function bignumWords(n: bigint): number {
  if (n >= MIN_SMALL && n <= MAX_SMALL) return 0;
  const hexDigits = (n < 0n ? -n : n).toString(16).length;
  return 1 + Math.ceil(hexDigits / 16);
}

/** Words of a binary (heap binary or ProcBin). */
export function binaryWords(b: Binary): number {
  const n = b.byteSize;
  return n > ON_HEAP_BINARY_LIMIT ? PROC_BIN_WORDS : heapBinWords(n);
}

/** Words a copy of a sub-binary needs (`size_object`, SUB_BINARY_SUBTAG). */
export function subBinaryWords(s: SubBinary): number {
  const spill = (s.bitOffset % 8) + (s.bitSize % 8);
  const extra = spill > 8 ? 2 : spill > 0 ? 1 : 0;
  const copy = s.orig.byteSize > ON_HEAP_BINARY_LIMIT ? PROC_BIN_WORDS : heapBinWords(Math.floor(s.bitSize / 8) + extra);
  return (extra > 0 ? SUB_BIN_WORDS : 0) + copy;
}

function isLocalId(node: Atom, creation: number): boolean {
  return node === localNode() && creation === localCreationNumber();
}

/** Words of a reference. */
export function refWords(r: Ref): number {
  if (isLocalId(r.node, r.creation)) return r.kind === "pid" ? 4 : 3;
  return 4 + Math.floor(r.ids.length / 2);
}

/** Words of a map's own structure (without its keys' and values' sizes). */
export function mapWords(m: ErlMap): number {
  const n = m.keys.length;
  if (n === 0) return 3;
  if (n <= MAP_SMALL_MAP_LIMIT) return 2 * n + 4;
  return hamtNodeWords(m);
}

/**
 * Words of the boxed object `t` itself, excluding its sub-terms (0 for immediates).
 * For a flatmap this includes its keys tuple.
 */
export function ownWords(t: Term): number {
  if (typeof t === "number") return 0;
  if (typeof t === "bigint") return bignumWords(t);
  switch (t.tag) {
    case Tag.Atom:
    case Tag.Nil:
      return 0;
    case Tag.Float:
    case Tag.Cons:
      return 2;
    case Tag.Tuple:
      return t.elements.length === 0 ? 0 : 1 + t.elements.length;
    case Tag.Binary:
      return binaryWords(t);
    case Tag.SubBinary:
      return subBinaryWords(t);
    case Tag.Map:
      return mapWords(t);
    case Tag.Pid:
    case Tag.Port:
      return isLocalId(t.node, t.creation) ? 0 : EXTERNAL_ID_WORDS;
    case Tag.Ref:
      return refWords(t);
    case Tag.Fun:
      return t.external ? FUN_WORDS : FUN_WORDS + (t).free.length;
  }
}

/** Reused work stack of {@link flatSize} (cleared as it is popped, so it keeps nothing alive). */
const STACK: Term[] = [];

/**
 * `erts_debug:flat_size(Term)`: the heap words a copy of `term` needs (sharing not preserved,
 * sub-binaries sized as their copy).
 *
 * **When to use**: the cost of sending, spawning with, or storing `term` (all copy it flat).
 * **Cost**: O(size of the term), no allocation per term; a HAMT's layout is computed once per
 * map and cached.
 */
export function flatSize(term: Term): number {
  const st = STACK;
  let sp = 0;
  let sum = 0;
  let t: Term = term;
  for (;;) {
    if (typeof t === "object") {
      switch (t.tag) {
        case Tag.Cons: {
          // Walk the spine here; push only heads that are boxed.
          let c: Cons = t;
          for (;;) {
            sum += 2;
            const h = c.head;
            if (typeof h === "object") {
              if (h.tag === Tag.Tuple) {
                // Inline the common list-of-tuples case: no push/pop for the tuple itself.
                const el = h.elements;
                const n = el.length;
                if (n > 0) sum += 1 + n;
                for (let i = 0; i < n; i++) {
                  const e = el[i] as Term;
                  if (typeof e === "object") {
                    if (e.tag !== Tag.Atom && e.tag !== Tag.Nil) st[sp++] = e;
                  } else if (typeof e === "bigint") {
                    sum += bignumWords(e);
                  }
                }
              } else if (h.tag !== Tag.Atom && h.tag !== Tag.Nil) st[sp++] = h;
            } else if (typeof h === "bigint") {
              sum += bignumWords(h);
            }
            const tail: Term = c.tail;
            if (typeof tail === "object" && tail.tag === Tag.Cons) {
              c = tail;
              continue;
            }
            if (typeof tail === "bigint") sum += bignumWords(tail);
            else if (typeof tail === "object" && tail.tag !== Tag.Nil && tail.tag !== Tag.Atom) st[sp++] = tail;
            break;
          }
          break;
        }
        case Tag.Tuple: {
          const el = t.elements;
          const n = el.length;
          if (n > 0) sum += 1 + n;
          for (let i = 0; i < n; i++) {
            const e = el[i] as Term;
            if (typeof e === "object") {
              if (e.tag !== Tag.Atom && e.tag !== Tag.Nil) st[sp++] = e;
            } else if (typeof e === "bigint") {
              sum += bignumWords(e);
            }
          }
          break;
        }
        case Tag.Map: {
          sum += mapWords(t);
          sp = pushAll(st, sp, t.keys);
          sp = pushAll(st, sp, t.values);
          break;
        }
        case Tag.Fun:
          if (t.external) sum += FUN_WORDS;
          else {
            const free = t.free;
            sum += FUN_WORDS + free.length;
            sp = pushAll(st, sp, free);
          }
          break;
        case Tag.Atom:
        case Tag.Nil:
        case Tag.Float:
        case Tag.Binary:
        case Tag.SubBinary:
        case Tag.Pid:
        case Tag.Port:
        case Tag.Ref:
          sum += ownWords(t);
      }
    } else if (typeof t === "bigint") {
      sum += bignumWords(t);
    }
    if (sp === 0) return sum;
    t = st[--sp] as Term;
    st[sp] = 0; // drop the reference
  }
}

function pushAll(st: Term[], sp: number, items: readonly Term[]): number {
  for (const e of items) {
    if (typeof e === "object") {
      if (e.tag !== Tag.Atom && e.tag !== Tag.Nil) st[sp++] = e;
    } else if (typeof e === "bigint") {
      st[sp++] = e;
    }
  }
  return sp;
}

/**
 * `erts_debug:size(Term)`: like {@link flatSize}, but a sub-term reachable more than once (the
 * same JS object) is counted once.
 *
 * **When to use**: the words `term` occupies on a heap where it was built with sharing.
 * **Cost**: O(size of the term) plus a Set entry per boxed object.
 * **Gotchas**: bignums are JS primitives without identity, so a shared bignum counts at each
 * occurrence; a sub-binary counts as its copy and does not share with its binary (as on the
 * BEAM, where `size_shared` does not look through a sub-binary either).
 */
export function sharedSize(term: Term): number {
  const seen = new Set<object>();
  const stack: Term[] = [term];
  let sum = 0;
  for (;;) {
    const t = stack.pop();
    if (t === undefined) return sum;
    if (typeof t === "number") continue;
    if (typeof t === "bigint") {
      sum += bignumWords(t);
      continue;
    }
    if (t.tag === Tag.Atom || t.tag === Tag.Nil) continue;
    if (seen.has(t)) continue;
    seen.add(t);
    switch (t.tag) {
      case Tag.Cons:
        sum += 2;
        stack.push(t.tail, t.head);
        break;
      case Tag.Tuple:
        if (t.elements.length > 0) sum += 1 + t.elements.length;
        for (let i = t.elements.length - 1; i >= 0; i--) stack.push(t.elements[i] as Term);
        break;
      case Tag.Map: {
        const n = t.keys.length;
        if (n > MAP_SMALL_MAP_LIMIT) {
          sum += hamtNodeWords(t);
        } else {
          sum += 3 + n; // header, size, keys pointer, values
          // the keys tuple, once per keys array
          if (n > 0 && !seen.has(t.keys)) {
            seen.add(t.keys);
            sum += 1 + n;
            for (const k of t.keys) stack.push(k);
          }
          for (const v of t.values) stack.push(v);
          break;
        }
        for (const k of t.keys) stack.push(k);
        for (const v of t.values) stack.push(v);
        break;
      }
      case Tag.Fun:
        sum += ownWords(t);
        if (!t.external) for (const v of t.free) stack.push(v);
        break;
      case Tag.Float:
      case Tag.Binary:
      case Tag.SubBinary:
      case Tag.Pid:
      case Tag.Port:
      case Tag.Ref:
        sum += ownWords(t);
    }
  }
}
