/**
 * Encoding terms in the external term format, byte for byte as OTP 25's `term_to_binary/1`
 * (no options) writes them.
 *
 * Owns: the choice of tag for each term, checked against a live node:
 * - integers: 0..255 `SMALL_INTEGER_EXT`, other 32-bit values `INTEGER_EXT`, the rest
 *   `SMALL_BIG_EXT` (≤ 255 digit bytes) or `LARGE_BIG_EXT`, digits little endian, no leading zeros;
 * - floats `NEW_FLOAT_EXT` (−0.0 keeps its sign bit);
 * - atoms: text that is all latin-1 → `ATOM_EXT` (latin-1 bytes); other text → UTF-8 in
 *   `SMALL_ATOM_UTF8_EXT` (< 256 bytes) or `ATOM_UTF8_EXT`;
 * - a proper list of 0..255 integers with at most 65535 elements → `STRING_EXT`; other lists
 *   `LIST_EXT` (element count, elements, tail);
 * - tuples `SMALL_TUPLE_EXT` (< 256 elements) or `LARGE_TUPLE_EXT`;
 * - maps `MAP_EXT`: a flatmap's pairs in key order; a HAMT's in its iteration order (hamt.ts);
 * - whole binaries `BINARY_EXT`; bitstrings `BIT_BINARY_EXT` with zeroed padding bits;
 * - pids `NEW_PID_EXT`; ports `NEW_PORT_EXT`, or `V4_PORT_EXT` when the id needs more than
 *   32 bits; references `NEWER_REFERENCE_EXT` (a local reference, pid-refs included, has 3
 *   id words);
 * - local funs `NEW_FUN_EXT` (creator `<0.0.0>` when the fun records none); external funs
 *   `EXPORT_EXT`.
 *
 * Invariants: iterative (explicit work stack), so any depth and length encode.
 */
import type { Atom } from "./atom.js";
import { EtfTag } from "./etf-format.js";
import { hamtLayout, HamtNode, pushHamtChildren } from "./hamt.js";
import { copyBits, type AtomIndexOf } from "./hash.js";
import { localCreationNumber, localNode } from "./node.js";
import { Tag } from "./tag.js";
import {
  MAP_SMALL_MAP_LIMIT,
  Pid,
  type Cons,
  type ErlMap,
  type LocalFun,
  type Port,
  type Ref,
  type SubBinary,
  type Term,
} from "./types.js";

/** Walks a list one cell per pop; one cursor per list. */
class ListCursor {
  constructor(public rest: Term) {}
}

/** Writes the `Size` field of a `NEW_FUN_EXT` once its free variables are written. */
class FunSizePatch {
  constructor(readonly at: number) {}
}

type Work = Term | ListCursor | FunSizePatch | HamtNode;

/** Growable output buffer. */
class Writer {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  pos = 0;
  ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
}

const utf8 = new TextEncoder();
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const MAX_STRING_EXT = 65535;

/** Options of {@link encodeEtf}. */
export interface EncodeEtfOptions {
  /**
   * Atom numbering used to lay out HAMT maps (whose pair order is their iteration order); by
   * default our atom table's. Tests pass a real node's indices to compare bytes with it.
   */
  atomIndex?: AtomIndexOf;
}

/**
 * `term_to_binary(Term)`: the external format of `term`, as OTP 25 writes it.
 *
 * **Cost**: O(size of the term); a HAMT map's layout is computed (and cached) on first use.
 */
export function encodeEtf(term: Term, options: EncodeEtfOptions = {}): Uint8Array {
  const atomIndex = options.atomIndex;
  const w = new Writer();
  w.u8(EtfTag.Version);
  const stack: Work[] = [term];
  for (;;) {
    const item = stack.pop();
    if (item === undefined) break;
    if (item instanceof ListCursor) {
      const rest = item.rest;
      if (typeof rest === "object" && rest.tag === Tag.Cons) {
        item.rest = rest.tail;
        stack.push(item);
        stack.push(rest.head);
      } else {
        stack.push(rest); // the tail
      }
      continue;
    }
    if (item instanceof FunSizePatch) {
      w.view.setUint32(item.at, w.pos - item.at);
      continue;
    }
    if (item instanceof HamtNode) {
      pushHamtChildren(stack, item);
      continue;
    }
    encodeOne(w, item, stack, atomIndex);
  }
  return w.bytes.slice(0, w.pos);
}

function encodeOne(w: Writer, t: Term, stack: Work[], atomIndex: AtomIndexOf | undefined): void {
  if (typeof t === "number" || typeof t === "bigint") {
    encodeInteger(w, t);
    return;
  }
  switch (t.tag) {
    case Tag.Atom:
      encodeAtom(w, t);
      return;
    case Tag.Nil:
      w.u8(EtfTag.Nil);
      return;
    case Tag.Float:
      w.u8(EtfTag.NewFloat);
      w.f64(t.value);
      return;
    case Tag.Cons:
      encodeList(w, t, stack);
      return;
    case Tag.Tuple: {
      const el = t.elements;
      if (el.length < 256) {
        w.u8(EtfTag.SmallTuple);
        w.u8(el.length);
      } else {
        w.u8(EtfTag.LargeTuple);
        w.u32(el.length);
      }
      for (let i = el.length - 1; i >= 0; i--) stack.push(el[i] as Term);
      return;
    }
    case Tag.Map:
      encodeMap(w, t, stack, atomIndex);
      return;
    case Tag.Binary:
      w.u8(EtfTag.Binary);
      w.u32(t.bytes.length);
      w.raw(t.bytes);
      return;
    case Tag.SubBinary:
      encodeSubBinary(w, t);
      return;
    case Tag.Pid:
      encodePid(w, t);
      return;
    case Tag.Port:
      encodePort(w, t);
      return;
    case Tag.Ref:
      encodeRef(w, t);
      return;
    case Tag.Fun:
      if (t.external) {
        w.u8(EtfTag.Export);
        encodeAtom(w, t.module);
        encodeAtom(w, t.name);
        encodeInteger(w, t.arity);
      } else {
        encodeLocalFun(w, t, stack);
      }
      return;
  }
}

function encodeInteger(w: Writer, n: number | bigint): void {
  if (typeof n === "number" || (n >= BigInt(INT32_MIN) && n <= BigInt(INT32_MAX))) {
    const v = Number(n);
    if (v >= 0 && v <= 255) {
      w.u8(EtfTag.SmallInteger);
      w.u8(v);
      return;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      w.u8(EtfTag.Integer);
      w.i32(v);
      return;
    }
  }
  const big = BigInt(n);
  const negative = big < 0n;
  let hex = (negative ? -big : big).toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  const len = hex.length / 2;
  if (len <= 255) {
    w.u8(EtfTag.SmallBig);
    w.u8(len);
  } else {
    w.u8(EtfTag.LargeBig);
    w.u32(len);
  }
  w.u8(negative ? 1 : 0);
  w.ensure(len);
  for (let i = 0; i < len; i++) {
    // little endian: the last hex pair is the least significant byte
    const j = hex.length - 2 * (i + 1);
    w.bytes[w.pos++] = parseInt(hex.slice(j, j + 2), 16);
  }
}

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

function encodeAtom(w: Writer, a: Atom): void {
  const name = a.name;
  if (isLatin1(name)) {
    w.u8(EtfTag.Atom);
    w.u16(name.length);
    w.ensure(name.length);
    for (let i = 0; i < name.length; i++) w.bytes[w.pos++] = name.charCodeAt(i);
    return;
  }
  const bytes = utf8.encode(name);
  if (bytes.length < 256) {
    w.u8(EtfTag.SmallAtomUtf8);
    w.u8(bytes.length);
  } else {
    w.u8(EtfTag.AtomUtf8);
    w.u16(bytes.length);
  }
  w.raw(bytes);
}

function encodeList(w: Writer, list: Cons, stack: Work[]): void {
  // Count the elements and see whether it is a short proper list of bytes (`is_external_string`).
  let n = 0;
  let isString = true;
  let t: Term = list;
  while (typeof t === "object" && t.tag === Tag.Cons) {
    const h = t.head;
    if (isString && (typeof h !== "number" || h < 0 || h > 255)) isString = false;
    n++;
    t = t.tail;
  }
  if (isString && typeof t === "object" && t.tag === Tag.Nil && n <= MAX_STRING_EXT) {
    w.u8(EtfTag.String);
    w.u16(n);
    w.ensure(n);
    for (let c: Term = list; typeof c === "object" && c.tag === Tag.Cons; c = c.tail) w.bytes[w.pos++] = c.head as number;
    return;
  }
  w.u8(EtfTag.List);
  w.u32(n);
  stack.push(new ListCursor(list));
}

function encodeMap(w: Writer, m: ErlMap, stack: Work[], atomIndex: AtomIndexOf | undefined): void {
  const n = m.keys.length;
  w.u8(EtfTag.Map);
  w.u32(n);
  if (n === 0) return;
  if (n <= MAP_SMALL_MAP_LIMIT) {
    for (let i = n - 1; i >= 0; i--) {
      stack.push(m.values[i] as Term);
      stack.push(m.keys[i] as Term);
    }
  } else {
    pushHamtChildren(stack, hamtLayout(m, atomIndex));
  }
}


function encodeSubBinary(w: Writer, s: SubBinary): void {
  const rest = s.bitSize % 8;
  const byteLength = Math.ceil(s.bitSize / 8);
  const bytes: Uint8Array =
    s.bitOffset % 8 === 0
      ? s.orig.bytes.subarray(s.bitOffset / 8, s.bitOffset / 8 + byteLength)
      : copyBits(s.orig.bytes, s.bitOffset, s.bitSize);
  if (rest === 0) {
    w.u8(EtfTag.Binary);
    w.u32(byteLength);
    w.raw(bytes);
    return;
  }
  w.u8(EtfTag.BitBinary);
  w.u32(byteLength);
  w.u8(rest);
  w.raw(bytes);
  const last = w.pos - 1;
  w.bytes[last] = (w.bytes[last] as number) & ((0xff << (8 - rest)) & 0xff);
}

function encodePid(w: Writer, p: Pid): void {
  w.u8(EtfTag.NewPid);
  encodeAtom(w, p.node);
  w.u32(p.id);
  w.u32(p.serial);
  w.u32(p.creation);
}

function encodePort(w: Writer, p: Port): void {
  if (p.id <= 0xffffffffn) {
    w.u8(EtfTag.NewPort);
    encodeAtom(w, p.node);
    w.u32(Number(p.id));
  } else {
    w.u8(EtfTag.V4Port);
    encodeAtom(w, p.node);
    w.u64(p.id);
  }
  w.u32(p.creation);
}

function encodeRef(w: Writer, r: Ref): void {
  const local = r.node === localNode() && r.creation === localCreationNumber();
  const n = local ? 3 : r.ids.length;
  w.u8(EtfTag.NewerReference);
  w.u16(n);
  encodeAtom(w, r.node);
  w.u32(r.creation);
  for (let i = 0; i < n; i++) w.u32(r.ids[i] ?? 0);
}

function encodeLocalFun(w: Writer, f: LocalFun, stack: Work[]): void {
  w.u8(EtfTag.NewFun);
  const sizeAt = w.pos;
  w.u32(0); // patched by FunSizePatch
  w.u8(f.arity);
  w.ensure(16);
  for (let i = 0; i < 16; i++) w.bytes[w.pos++] = f.md5.length === 32 ? parseInt(f.md5.slice(2 * i, 2 * i + 2), 16) : 0;
  w.u32(f.index);
  w.u32(f.free.length);
  encodeAtom(w, f.module);
  encodeInteger(w, f.oldIndex);
  encodeInteger(w, f.uniq);
  encodePid(w, f.pid ?? new Pid(localNode(), 0, 0, localCreationNumber()));
  stack.push(new FunSizePatch(sizeAt));
  for (let i = f.free.length - 1; i >= 0; i--) stack.push(f.free[i] as Term);
}

