/**
 * Decoding the external term format into the canonical layout (what OTP 25's
 * `binary_to_term/1` builds).
 *
 * Owns: the rules that decide the *shape* of a decoded term, each checked on a live node:
 * - `BINARY_EXT` → a {@link Binary} (heap binary ≤ 64 bytes, refc above: the class decides).
 * - `BIT_BINARY_EXT` → a {@link SubBinary} over a fresh binary of ⌈bits/8⌉ bytes, padding bits
 *   zeroed; a whole number of bytes (`Bits` = 8, or no bytes) → a Binary. `Bits` must be 1..8
 *   (0 with no bytes).
 * - pids, ports and references whose node is the local node and whose creation is the local
 *   creation *or 0* become local: the pid/port/ref gets the local creation (`dec_get_node`).
 *   A local pid must have id < 2^15 and serial < 2^13, a local port id < 2^28, a local ref 1..3
 *   id words (padded with zeros to 3) with `ids[0]` < 2^18; otherwise `badarg`.
 * - a bignum's sign byte is "negative" when it is not 0; an export's arity is any non-negative
 *   integer.
 * - a local reference's kind comes from its marker bits in `ids[1]`: bit 17 → magic (ETS
 *   tables, atomics …), bit 16 → an alias, neither → ordinary. The format carries 3 id words
 *   for every local ref, aliases included. The BEAM decodes an alias as a pid-ref (4 words,
 *   hashed with its owner pid) only while the alias is active, and as an ordinary ref (3 words)
 *   otherwise; we know which only through {@link DecodeEtfOptions.aliasOwner}, and without it
 *   decode every alias as an inactive one. A magic ref stays "magic" (3 words either way).
 * - an external ref has 0..5 id words; `REFERENCE_EXT` and `NEW_REFERENCE_EXT` decode too.
 * - `MAP_EXT` with two equal keys is rejected; `LIST_EXT` of 0 elements is its tail.
 * - integers become `number` when safe, else `bigint` (normalised, whatever the encoding).
 * - trailing bytes after the term are ignored, as `binary_to_term/1` does ({@link decodeEtfUsed}
 *   says how many bytes the term used).
 *
 * Invariants: iterative (explicit stack of open containers), so any depth and length decode;
 * every error is an {@link EtfDecodeError} with the offending byte offset.
 */
import { inflateSync } from "node:zlib";
import { atom, type Atom } from "./atom.js";
import { int } from "./build.js";
import { EtfDecodeError, EtfTag } from "./etf-format.js";
import { termWord } from "./hash.js";
import { mapFromEntries } from "./map.js";
import { localCreationNumber, localNode } from "./node.js";
import { Tag } from "./tag.js";
import {
  Binary,
  Cons,
  ErlFloat,
  ErlMap,
  ExternalFun,
  LocalFun,
  nil,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tuple,
  type Term,
} from "./types.js";

/** Largest id / serial of a local pid, id of a local port, first id word of a local ref (OTP 25). */
const MAX_PID_ID = 0x7fff;
const MAX_PID_SERIAL = 0x1fff;
const MAX_PORT_ID = 0xfffffff;
const MAX_REF_ID0 = 0x3ffff;
/** Marker bits in the second id word of a local reference. */
const REF_PID_MARKER = 0x10000;
const REF_MAGIC_MARKER = 0x20000;

/**
 * `binary_to_term/1`: the term encoded in `bytes` (which start with the version byte 131),
 * in canonical layout (see the module header).
 *
 * **Cost**: O(bytes); a compressed term is inflated first.
 * **Errors**: {@link EtfDecodeError} where the BEAM raises `badarg`.
 */
export function decodeEtf(bytes: Uint8Array, options: DecodeEtfOptions = {}): Term {
  return decodeEtfUsed(bytes, options).term;
}

/** Options of {@link decodeEtf}. */
export interface DecodeEtfOptions {
  /**
   * The owner of the *active* alias with these 3 id words, or `undefined` when it is not active
   * (the BEAM looks the alias up in its table). An active alias decodes as a pid-ref whose
   * `ids[3..4]` are the owner's term word (low, high 32 bits), so it hashes as on the BEAM.
   */
  aliasOwner?: (ids: readonly number[]) => Pid | undefined;
}

/** `binary_to_term(Bytes, [used])`: the term and how many bytes of `bytes` it used. */
export function decodeEtfUsed(bytes: Uint8Array, options: DecodeEtfOptions = {}): { term: Term; used: number } {
  const r = new Reader(bytes, 0, "", options);
  const version = r.u8();
  if (version !== EtfTag.Version) throw new EtfDecodeError("bad_version", 0, `version byte ${version}, expected 131`);
  if (r.peek() === EtfTag.Compressed) {
    r.pos++;
    const size = r.u32();
    const start = r.pos;
    let inflated: Buffer;
    try {
      inflated = inflateSync(bytes.subarray(start));
    } catch (cause) {
      throw new EtfDecodeError("bad_compressed", start, "compressed data does not inflate", { cause });
    }
    if (inflated.length < size) {
      throw new EtfDecodeError("bad_compressed", start, `compressed term inflates to ${inflated.length} bytes, header says ${size}`);
    }
    const inner = new Reader(new Uint8Array(inflated.buffer, inflated.byteOffset, size), 0, " (in the decompressed data)", options);
    const term = decodeTerm(inner);
    // The BEAM requires the inflated term to use exactly the announced size.
    if (inner.pos !== size) throw new EtfDecodeError("bad_compressed", inner.pos, `compressed term used ${inner.pos} of ${size} bytes (in the decompressed data)`);
    return { term, used: bytes.length };
  }
  const term = decodeTerm(r);
  return { term, used: r.pos };
}

/** Byte reader with bounds checks that report offsets. */
class Reader {
  pos: number;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    /** Appended to error messages (" (in the decompressed data)"). */
    readonly where: string,
    readonly options: DecodeEtfOptions,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(code: ConstructorParameters<typeof EtfDecodeError>[0], at: number, detail: string, cause?: unknown): never {
    throw new EtfDecodeError(code, at, detail + this.where, cause === undefined ? undefined : { cause });
  }
  need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      this.fail("truncated", this.pos, `needs ${n} more byte${n === 1 ? "" : "s"}, ${this.bytes.length - this.pos} left`);
    }
  }
  peek(): number | undefined {
    return this.bytes[this.pos];
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** An open container waiting for its sub-terms. */
type Frame =
  | { kind: "tuple"; items: Term[]; left: number }
  | { kind: "list"; first: Cons | undefined; last: Cons | undefined; left: number }
  | { kind: "map"; items: Term[]; left: number; at: number }
  | { kind: "fun"; head: FunHead; items: Term[]; left: number; at: number }
  | { kind: "export"; items: Term[]; left: number; at: number };

interface FunHead {
  arity: number;
  md5: string;
  index: number;
  numFree: number;
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeTerm(r: Reader): Term {
  const stack: Frame[] = [];
  for (;;) {
    const read = readOne(r, stack);
    if (read === undefined) continue; // a container was opened; read its first sub-term
    let value: Term = read;
    // Deliver `value` to the open containers, closing every one it completes.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return value;
      if (top.kind === "list") {
        if (top.left > 0) {
          const cell = new Cons(value, nil);
          if (top.last === undefined) top.first = cell;
          else top.last.tail = cell;
          top.last = cell;
          top.left--;
          break;
        }
        // `value` is the tail.
        stack.pop();
        const { first, last } = top;
        if (first === undefined || last === undefined) continue; // 0 elements: the list is its tail
        last.tail = value;
        value = first;
        continue;
      }
      top.items.push(value);
      top.left--;
      if (top.left > 0) break;
      stack.pop();
      value = closeFrame(r, top);
    }
  }
}

/** Builds the term of a container whose sub-terms have all been read. */
function closeFrame(r: Reader, f: Exclude<Frame, { kind: "list" }>): Term {
  switch (f.kind) {
    case "tuple":
      return new Tuple(f.items);
    case "map": {
      const n = f.items.length / 2;
      const entries = new Array<readonly [Term, Term]>(n);
      for (let i = 0; i < n; i++) entries[i] = [f.items[2 * i] as Term, f.items[2 * i + 1] as Term];
      const m = mapFromEntries(entries);
      if (m.keys.length !== n) r.fail("duplicate_key", f.at, `map of ${n} pairs has ${n - m.keys.length} duplicate key(s)`);
      return m;
    }
    case "fun": {
      const [module, oldIndex, oldUniq, pid, ...free] = f.items;
      if (!isAtom(module)) r.fail("bad_value", f.at, "fun module is not an atom");
      if (typeof oldIndex !== "number" || typeof oldUniq !== "number") r.fail("bad_value", f.at, "fun OldIndex/OldUniq are not small integers");
      if (!(pid instanceof Pid)) r.fail("bad_value", f.at, "fun creator is not a pid");
      return new LocalFun(module, f.head.index, oldUniq, f.head.arity, free, f.head.md5, oldIndex, pid);
    }
    case "export": {
      const [module, name, arity] = f.items;
      if (!isAtom(module) || !isAtom(name)) r.fail("bad_value", f.at, "export module/function is not an atom");
      // The BEAM takes any non-negative small integer here (and writes it back as such).
      if (typeof arity !== "number" || arity < 0) r.fail("bad_value", f.at, "export arity is not a non-negative integer");
      return new ExternalFun(module, name, arity);
    }
  }
}

function isAtom(t: Term | undefined): t is Atom {
  return typeof t === "object" && t.tag === Tag.Atom;
}

/**
 * Reads one term at `r.pos`. Returns it, or `undefined` after pushing a frame for a non-empty
 * container (its sub-terms follow).
 */
function readOne(r: Reader, stack: Frame[]): Term | undefined {
  const at = r.pos;
  const tag = r.u8();
  switch (tag) {
    case EtfTag.SmallInteger:
      return r.u8();
    case EtfTag.Integer:
      return r.i32();
    case EtfTag.SmallBig:
    case EtfTag.LargeBig: {
      const n = tag === EtfTag.SmallBig ? r.u8() : r.u32();
      const sign = r.u8(); // any non-zero sign byte means negative, as on the BEAM
      const digits = r.take(n);
      let hex = "";
      for (let i = n - 1; i >= 0; i--) hex += (digits[i] as number).toString(16).padStart(2, "0");
      const magnitude = hex === "" ? 0n : BigInt("0x" + hex);
      return int(sign !== 0 ? -magnitude : magnitude);
    }
    case EtfTag.NewFloat:
      return makeFloat(r, at, r.f64());
    case EtfTag.Float: {
      const text = latin1.decode(r.take(31)).replace(/\0.*$/s, "");
      const v = Number(text.trim());
      if (text.trim() === "" || Number.isNaN(v)) r.fail("bad_value", at, `FLOAT_EXT text ${JSON.stringify(text)}`);
      return makeFloat(r, at, v);
    }
    case EtfTag.Atom:
    case EtfTag.SmallAtom:
    case EtfTag.AtomUtf8:
    case EtfTag.SmallAtomUtf8:
      r.pos = at;
      return readAtom(r);
    case EtfTag.Nil:
      return nil;
    case EtfTag.String: {
      const bytes = r.take(r.u16());
      let list: Term = nil;
      for (let i = bytes.length - 1; i >= 0; i--) list = new Cons(bytes[i] as number, list);
      return list;
    }
    case EtfTag.List: {
      const n = r.u32();
      stack.push({ kind: "list", first: undefined, last: undefined, left: n });
      return undefined;
    }
    case EtfTag.SmallTuple:
    case EtfTag.LargeTuple: {
      const n = tag === EtfTag.SmallTuple ? r.u8() : r.u32();
      if (n === 0) return new Tuple([]);
      stack.push({ kind: "tuple", items: [], left: n });
      return undefined;
    }
    case EtfTag.Map: {
      const n = r.u32();
      // A fresh #{} each time (3 words each on the BEAM), not map.ts's shared empty map.
      if (n === 0) return new ErlMap([], []);
      stack.push({ kind: "map", items: [], left: 2 * n, at });
      return undefined;
    }
    case EtfTag.Binary:
      return new Binary(r.take(r.u32()));
    case EtfTag.BitBinary: {
      const n = r.u32();
      const bits = r.u8();
      if (bits === 0 !== (n === 0) || bits > 8) r.fail("bad_value", at + 5, `BIT_BINARY_EXT of ${n} bytes with ${bits} bits in the last byte`);
      const bytes = r.take(n);
      if (bits === 8 || n === 0) return new Binary(bytes);
      bytes[n - 1] = (bytes[n - 1] as number) & ((0xff << (8 - bits)) & 0xff);
      return new SubBinary(new Binary(bytes), 0, (n - 1) * 8 + bits);
    }
    case EtfTag.NewPid:
    case EtfTag.Pid: {
      const node = readAtom(r);
      const id = r.u32();
      const serial = r.u32();
      const creation = tag === EtfTag.NewPid ? r.u32() : r.u8();
      if (isLocalId(node, creation)) {
        if (id > MAX_PID_ID || serial > MAX_PID_SERIAL) r.fail("bad_value", at, `local pid <0.${id}.${serial}> out of range`);
        return new Pid(node, id, serial, localCreationNumber());
      }
      return new Pid(node, id, serial, creation);
    }
    case EtfTag.NewPort:
    case EtfTag.Port:
    case EtfTag.V4Port: {
      const node = readAtom(r);
      const id = tag === EtfTag.V4Port ? r.u64() : BigInt(r.u32());
      const creation = tag === EtfTag.Port ? r.u8() : r.u32();
      if (isLocalId(node, creation)) {
        if (id > BigInt(MAX_PORT_ID)) r.fail("bad_value", at, `local port #Port<0.${id}> out of range`);
        return new Port(node, id, localCreationNumber());
      }
      return new Port(node, id, creation);
    }
    case EtfTag.NewerReference:
    case EtfTag.NewReference:
    case EtfTag.Reference: {
      const len = tag === EtfTag.Reference ? 1 : r.u16();
      const node = readAtom(r);
      let creation = 0;
      if (tag === EtfTag.NewerReference) creation = r.u32();
      const ids: number[] = [];
      if (tag === EtfTag.Reference) {
        ids.push(r.u32());
        creation = r.u8();
      } else {
        if (tag === EtfTag.NewReference) creation = r.u8();
        for (let i = 0; i < len; i++) ids.push(r.u32());
      }
      if (isLocalId(node, creation)) {
        // (0 words: the BEAM reads uninitialised id words and usually, not always, says badarg.)
        if (len < 1 || len > 3) r.fail("bad_value", at, `local reference with ${len} id words (1..3 allowed)`);
        while (ids.length < 3) ids.push(0);
        if ((ids[0] as number) > MAX_REF_ID0) r.fail("bad_value", at, `local reference first id word ${ids[0]} ≥ 2^18`);
        const w1 = ids[1] as number;
        if (w1 & REF_MAGIC_MARKER) return new Ref(node, ids, localCreationNumber(), "magic");
        if (w1 & REF_PID_MARKER) {
          const owner = r.options.aliasOwner?.(ids);
          const word = owner === undefined ? undefined : termWord(owner);
          if (word !== undefined) return new Ref(node, [...ids, ...word], localCreationNumber(), "pid");
        }
        return new Ref(node, ids, localCreationNumber(), "ordinary");
      }
      if (len > 5) r.fail("bad_value", at, `reference with ${len} id words (at most 5)`);
      return new Ref(node, ids, creation);
    }
    case EtfTag.NewFun: {
      r.u32(); // Size: not checked, as binary_to_term does not check it either
      const arity = r.u8();
      const uniq = r.take(16);
      const index = r.u32();
      const numFree = r.u32();
      let md5 = "";
      for (const b of uniq) md5 += b.toString(16).padStart(2, "0");
      stack.push({ kind: "fun", head: { arity, md5, index, numFree }, items: [], left: 4 + numFree, at });
      return undefined;
    }
    case EtfTag.Export:
      stack.push({ kind: "export", items: [], left: 3, at });
      return undefined;
    case EtfTag.Compressed:
      return r.fail("bad_tag", at, "a compressed term may only follow the version byte");
    case EtfTag.AtomCacheRef:
      return r.fail("bad_tag", at, "ATOM_CACHE_REF is only valid in distribution messages");
    default:
      return r.fail("bad_tag", at, `unknown tag ${tag}`);
  }
}

function makeFloat(r: Reader, at: number, v: number): ErlFloat {
  if (!Number.isFinite(v)) r.fail("bad_value", at, `float ${v} (the BEAM has no NaN or infinity)`);
  return new ErlFloat(v);
}

/** Reads an atom (any of the four atom tags) at `r.pos`. */
function readAtom(r: Reader): Atom {
  const at = r.pos;
  const tag = r.u8();
  let bytes: Uint8Array;
  let text: string;
  switch (tag) {
    case EtfTag.Atom:
    case EtfTag.SmallAtom:
      bytes = r.take(tag === EtfTag.Atom ? r.u16() : r.u8());
      text = latin1.decode(bytes);
      break;
    case EtfTag.AtomUtf8:
    case EtfTag.SmallAtomUtf8:
      bytes = r.take(tag === EtfTag.AtomUtf8 ? r.u16() : r.u8());
      try {
        text = utf8.decode(bytes);
      } catch (cause) {
        return r.fail("bad_atom", at, "atom text is not valid UTF-8", cause);
      }
      break;
    default:
      return r.fail("bad_tag", at, `expected an atom, found tag ${tag}`);
  }
  try {
    return atom(text);
  } catch (cause) {
    return r.fail("bad_atom", at, cause instanceof Error ? cause.message : "invalid atom", cause);
  }
}

/** Whether a (node, creation) pair read from the format names the local node (`dec_get_node`). */
function isLocalId(node: Atom, creation: number): boolean {
  return node === localNode() && (creation === localCreationNumber() || creation === 0);
}
