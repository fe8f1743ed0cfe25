/**
 * Heap words of one heap object: the words the object itself occupies on a process heap, not
 * counting the boxed terms it points to (those are separate heap objects, counted once each).
 *
 * Owns: `nodeWords(obj)` and the child enumeration the collectors trace with.
 *
 * | object                 | words                                                          |
 * |------------------------|----------------------------------------------------------------|
 * | cons                   | 2                                                              |
 * | tuple                  | 1 + arity (`{}`: 0 — it is a global literal)                    |
 * | float                  | 2                                                              |
 * | heap binary (≤ 64 B)   | 2 + ⌈bytes/8⌉                                                  |
 * | refc binary            | 6 (the ProcBin; the bytes are off-heap, see `procBinVheapWords`)|
 * | sub-binary             | 5 (+ its `orig`, a separate object)                             |
 * | flatmap                | 3 + n values + keys tuple 1 + n (`#{}`: 3; a literal keys      |
 * |                        | tuple: 0, term/map.ts markKeysLiteral)                          |
 * | HAMT (> 32 keys)       | head node 2 + used slots (+ its inner nodes and leaf conses,   |
 * |                        | separate objects: process/hamt-nodes.ts)                        |
 * | ref                    | local 3 (alias 4); external 3 + ⌈ids/2⌉                         |
 * | external pid / port    | 4                                                              |
 * | local fun              | 5 + free variables; external fun 5                              |
 *
 * Bignums are JS `bigint` primitives without identity, so a bignum's words (1 + ⌈bits/64⌉, 0 in the
 * small range ±2^59) are counted with the object that holds it: a tuple holding a bignum is
 * `1 + n + bignum words`. A bignum held directly as a root, outside any object, costs 0 (gap).
 *
 * Invariants: every function here is O(1) in the object's arity (maps: O(n) once, then cached),
 * and nothing recurses on term depth.
 */
import { Tag } from "../term/tag.js";
import {
  MAP_SMALL_MAP_LIMIT,
  type Binary,
  type ErlMap,
  type SubBinary,
  type Cons,
  type ErlFloat,
  type ExternalFun,
  type LocalFun,
  type Pid,
  type Port,
  type Ref,
  type Term,
  type Tuple,
} from "../term/types.js";
import { hamtHeadChildren, hamtHeadWords } from "./hamt-nodes.js";
import { flatmapWords, hasLiteralKeys } from "../term/map.js";
import { isLocalNode } from "../term/node.js";
import { BLOB_TAG, type Blob } from "./blob.js";

// Tags as module-local constants: V8's optimizing compiler folds them into the code, while each
// `Tag.X` (a property of an imported binding) stays a memory load in the hot paths below.
const T_FLOAT = Tag.Float;
const T_ATOM = Tag.Atom;
const T_NIL = Tag.Nil;
const T_CONS = Tag.Cons;
const T_TUPLE = Tag.Tuple;
const T_BINARY = Tag.Binary;
const T_SUB_BINARY = Tag.SubBinary;
const T_MAP = Tag.Map;
const T_PID = Tag.Pid;
const T_PORT = Tag.Port;
const T_REF = Tag.Ref;
const T_FUN = Tag.Fun;

/** A boxed term object: what a process heap holds and stamps. */
export type HeapObject = Cons | Tuple | ErlFloat | Binary | SubBinary | ErlMap | Pid | Port | Ref | LocalFun | ExternalFun;

const SMALL_LIMIT = 1n << 59n;

/** Words of an integer on the heap: 0 for a small (±2^59), else 1 + ⌈bits/64⌉. */
export function integerWords(v: number | bigint): number {
  if (typeof v === "number") return 0;
  const a = v < 0n ? -v : v;
  if (a < SMALL_LIMIT && v >= -SMALL_LIMIT) return 0;
  return 1 + Math.ceil(a.toString(2).length / 64);
}

/** `heap_bin_size(n)`: words of a heap binary of `n` bytes. */
export function heapBinWords(bytes: number): number {
  return 2 + Math.ceil(bytes / 8);
}

/** Size of a ProcBin on the heap. */
export const PROC_BIN_WORDS = 6;
/** Size of a sub-binary on the heap. */
export const SUB_BIN_WORDS = 5;

/**
 * Whether `t` is a heap object (boxed), i.e. has a `gcStamp`. Immediates (small integers, atoms,
 * `[]`), bignums (no identity) and local pids/ports are not.
 */
export function isHeapObject(t: Term): t is HeapObject {
  if (typeof t !== "object") return false;
  switch (t.tag) {
    case T_ATOM:
    case T_NIL:
      return false;
    case T_PID:
    case T_PORT:
      return !isLocalNode(t.node);
    case T_FLOAT:
    case T_CONS:
    case T_TUPLE:
    case T_BINARY:
    case T_SUB_BINARY:
    case T_MAP:
    case T_REF:
    case T_FUN:
      return true;
  }
}

/** Words the BEAM's copy of `map`'s own structure takes (without keys' and values' own objects). */
export type MapWordsFn = (map: ErlMap) => number;

const mapWordsCache = new WeakMap<ErlMap, number>();

/**
 * Default flatmap sizing: header, size, keys-tuple pointer, n values, plus the keys tuple
 * (1 + n) — the model does not know when the keys tuple is a shared literal, as in the BEAM's
 * `#{a => X}` expressions (a documented gap); `#{}` is 3. (A HAMT is its head node here; its
 * other nodes are heap objects of their own: hamt-nodes.ts.)
 */
function defaultMapWords(m: ErlMap): number {
  const n = m.keys.length;
  if (n === 0) return 3;
  return hasLiteralKeys(m) ? 3 + n : flatmapWords(n);
}

let mapWords: MapWordsFn = defaultMapWords;

/** Replaces the flatmap sizing (maps of at most 32 keys). Results are cached per map. */
export function setMapWords(fn: MapWordsFn): void {
  mapWords = fn;
}

function cachedMapWords(m: ErlMap): number {
  let w = mapWordsCache.get(m);
  if (w === undefined) {
    w = mapWords(m);
    mapWordsCache.set(m, w);
  }
  return w;
}

function bignumsIn(items: readonly Term[]): number {
  let w = 0;
  for (const x of items) if (typeof x === "bigint") w += integerWords(x);
  return w;
}

/**
 * The object's own heap words (plus the words of bignums it holds directly).
 * `asCopiedByGc`: a sub-binary the GC would turn into a heap binary (byte-aligned, ≤ 24 bytes:
 * erl_gc.c `erts_sub_binary_to_heap_binary`) is counted as that heap binary.
 */
export function nodeWords(o: HeapObject, asCopiedByGc = false): number {
  if ((o.tag as number) === BLOB_TAG) return (o as unknown as Blob).words;
  switch (o.tag) {
    case T_CONS: {
      const c = o;
      let w = 2;
      if (typeof c.head === "bigint") w += integerWords(c.head);
      if (typeof c.tail === "bigint") w += integerWords(c.tail);
      return w;
    }
    case T_TUPLE: {
      const e = (o).elements;
      return e.length === 0 ? 0 : 1 + e.length + bignumsIn(e);
    }
    case T_FLOAT:
      return 2;
    case T_BINARY: {
      const b = o;
      return b.isRefc ? PROC_BIN_WORDS : heapBinWords(b.byteSize);
    }
    case T_SUB_BINARY: {
      const s = o;
      if (asCopiedByGc && subBinaryBecomesHeapBinary(s)) return heapBinWords(s.bitSize / 8);
      return SUB_BIN_WORDS;
    }
    case T_MAP: {
      const m = o;
      // a HAMT's bignums sit with its leaf conses
      if (m.keys.length > MAP_SMALL_MAP_LIMIT) return hamtHeadWords(m);
      return cachedMapWords(m) + bignumsIn(m.keys) + bignumsIn(m.values);
    }
    case T_REF: {
      const r = o;
      if (!isLocalNode(r.node)) return 3 + Math.ceil(r.ids.length / 2);
      return r.kind === "pid" ? 4 : 3;
    }
    case T_PID:
    case T_PORT:
      return isLocalNode((o).node) ? 0 : 4;
    case T_FUN: {
      if ((o).external) return 5;
      const f = o;
      return 5 + f.free.length + bignumsIn(f.free);
    }
    default:
      return 0;
  }
}

/** `erts_sub_binary_to_heap_binary` applies: byte-aligned, not writable, at most 24 bytes (ERL_SUB_BIN_SIZE words). */
export function subBinaryBecomesHeapBinary(s: SubBinary): boolean {
  return s.bitOffset % 8 === 0 && s.bitSize % 8 === 0 && s.bitSize / 8 <= 24;
}

/** Binary virtual heap words of a refc binary's ProcBin: `byte_size / 8` (0 for a heap binary). */
export function procBinVheapWords(o: HeapObject): number {
  if (o.tag !== T_BINARY) return 0;
  const b = o;
  return b.isRefc ? Math.floor(b.byteSize / 8) : 0;
}

/**
 * Pushes the terms `o` points to onto `out` (only terms that may be heap objects; immediates
 * are skipped). `asCopiedByGc`: a sub-binary that the GC turns into a heap binary no longer
 * points at its original.
 */
export function pushChildren(o: HeapObject, out: Term[], asCopiedByGc = false): void {
  if ((o.tag as number) === BLOB_TAG) {
    pushObjects((o as unknown as Blob).children as readonly Term[], out);
    return;
  }
  switch (o.tag) {
    case T_CONS: {
      const c = o;
      if (typeof c.tail === "object") out.push(c.tail);
      if (typeof c.head === "object") out.push(c.head);
      return;
    }
    case T_TUPLE:
      pushObjects((o).elements, out);
      return;
    case T_SUB_BINARY: {
      const s = o;
      if (!(asCopiedByGc && subBinaryBecomesHeapBinary(s))) out.push(s.orig);
      return;
    }
    case T_MAP:
      if (o.keys.length > MAP_SMALL_MAP_LIMIT) {
        pushObjects(hamtHeadChildren(o) as readonly Term[], out);
        return;
      }
      pushObjects((o).keys, out);
      pushObjects((o).values, out);
      return;
    case T_FUN:
      if (!o.external) pushObjects(o.free, out);
      return;

    case T_FLOAT:
    case T_BINARY:
    case T_PID:
    case T_PORT:
    case T_REF:
      return;
  }
}

/**
 * The objects a map points to on the heap: a flatmap's keys and values; a HAMT's head node's
 * children (inner nodes as blobs, leaves as cons cells: hamt-nodes.ts).
 */
export function mapChildren(m: ErlMap): readonly Term[] {
  if (m.keys.length > MAP_SMALL_MAP_LIMIT) return hamtHeadChildren(m) as readonly Term[];
  return [...m.keys, ...m.values];
}

/** Pushes the items that may be heap objects onto `out`, last first (so the first is popped first). */
export function pushObjects(items: readonly Term[], out: Term[]): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const x = items[i] as Term;
    if (typeof x === "object") out.push(x);
  }
}

