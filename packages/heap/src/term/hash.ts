/**
 * The BEAM's internal term hash: OTP 25's `make_internal_hash(Term, Salt)` (erts/emulator/beam/
 * utils.c), the hash a HAMT map (more than 32 keys) uses to place its keys (`hashmap_make_hash`,
 * `hashmap_shift_hash` in erl_map.h; see hamt.ts).
 *
 * Owns: {@link internalHash}, {@link mapHash} (the per-level hash of a HAMT key) and the *term
 * word* of each immediate (the 64-bit word the BEAM hashes for a small integer, atom, `[]`,
 * local pid or local port):
 *
 * | term        | 64-bit term word                                                              |
 * |-------------|-------------------------------------------------------------------------------|
 * | small int I | `(I << 4) \| 0xF` (two's complement, I in −2^59 … 2^59−1)                     |
 * | atom        | `(index << 6) \| 0xB`, `index` = {@link Atom.index} (our atom table's order)   |
 * | `[]`        | `0x3B`                                                                        |
 * | local pid   | high 32 bits: process-table slot of `data`; low 32: `(data << 4) \| 0x3`,     |
 * |             | `data = serial << 15 \| id` (id < 2^15, serial < 2^13)                        |
 * | local port  | high 32 bits: port-table slot of `id`; low 32: `(id << 4) \| 0x7` (id < 2^28)  |
 *
 * The table slot is `erts_ptab_data2pix` of the default tables (262144 processes, 65536 ports):
 * `((data & (size/8 − 1)) << 3) | ((data >> log2(size/8)) & 7)`. All of these were checked
 * against a live OTP 25 node (`erts_debug:get_internal_state({internal_hash, T})`).
 *
 * The algorithm (ported from the erts source of the OTP 25/26 era, then corrected where a live
 * OTP 25.2.3 node disagreed: the `[]` word, pid-refs, the rehash seed; every step uses 32-bit
 * wrap-around arithmetic):
 * Bob Jenkins' 96-bit `MIX` over pairs of 32-bit words, starting from `salt ^ 3432918353`;
 * tuples, lists, maps and funs are walked depth first, children in order; strings (runs of
 * integers 0..255 in a list) are packed four bytes per mix; binaries go through `block_hash`;
 * a flatmap hashes its size then key, value, key, value … in key order; a HAMT hashes its size
 * and then its nodes in the BEAM's iteration order (last slot first, see hamt.ts).
 *
 * **Not reproducible** (documented substitutes, so the hash stays deterministic): the BEAM hashes
 * external pids, ports and references and `fun M:F/A` by the *address* of a VM structure (the
 * node entry, the export entry). Here the address is replaced by the node's atom word and
 * creation (external identifiers) or by the module, name and arity (external funs). A local
 * reference hashes its three id words, whatever its kind (an alias's owner is not hashed on
 * OTP 25: measured).
 *
 * Invariants: iterative (explicit stack): any depth and length; the hash of an immediate
 * allocates nothing. Atom keys hash by atom index, so a HAMT with atom keys is laid out as on a
 * BEAM whose atom table has the same indices (ours differ from a real node's).
 *
 * Module cycle: hashing a HAMT needs its layout (hamt.ts), and the layout needs this hash. Both
 * sides use what they import only when called, never while the modules load.
 */
import type { Atom } from "./atom.js";
import { hamtLayout, HamtNode, pushHamtChildren } from "./hamt.js";
import { localCreationNumber, localNode } from "./node.js";
import { Tag } from "./tag.js";
import {
  MAP_SMALL_MAP_LIMIT,
  type Binary,
  type Cons,
  type ErlMap,
  type ExternalFun,
  type Pid,
  type Port,
  type Ref,
  type SubBinary,
  type Term,
} from "./types.js";

/** `INTERNAL_HASH_SALT`: xor-ed into the salt so the hash differs from `erlang:phash2/1`. */
const INTERNAL_HASH_SALT = 3432918353;
/** `HCONST`, the golden ratio, and `HCONST_n = HCONST * n mod 2^32`. */
const HCONST = 0x9e3779b9;
const HCONST_4 = 0x78dde6e4;
const HCONST_5 = 0x1715609d;
const HCONST_6 = 0xb54cda56;
const HCONST_7 = 0x5384540f;
const HCONST_8 = 0xf1bbcdc8;
const HCONST_9 = 0x8ff34781;
const HCONST_10 = 0x2e2ac13a;
const HCONST_11 = 0xcc623af3;
const HCONST_12 = 0x6a99b4ac;
const HCONST_13 = 0x08d12e65;
const HCONST_14 = 0xa708a81e;
const HCONST_15 = 0x454021d7;
const HCONST_16 = 0xe3779b90;
const HCONST_17 = 0x81af1549;
const HCONST_18 = 0x1fe68f02;
const HCONST_20 = 0x5c558274;
const HCONST_21 = 0xfa8cfc2d;
const HCONST_22 = 0x98c475e6;

/** Smallest and largest small integer (`MIN_SMALL`, `MAX_SMALL` on 64-bit). */
export const MIN_SMALL = -(2n ** 59n);
export const MAX_SMALL = 2n ** 59n - 1n;

/** Term word tags (erl_term.h, 64-bit). */
const TAG_SMALL = 0xf;
const TAG_ATOM = 0xb;
const TAG_PID = 0x3;
const TAG_PORT = 0x7;
/** `NIL` on OTP 25 (measured: `[]` hashes as the word 0x3B). */
const NIL_WORD = 0x3b;

/** Process and port table sizes of a default node (`+P 262144`, `+Q 65536`): see the header. */
const PROC_CL_BITS = 15; // log2(262144 / 8)
const PORT_CL_BITS = 13; // log2(65536 / 8)

/** Largest id and serial of a local pid, and largest id of a local port (OTP 25, 64-bit). */
export const MAX_LOCAL_PID_ID = 0x7fff;
export const MAX_LOCAL_PID_SERIAL = 0x1fff;
export const MAX_LOCAL_PORT_ID = 0xfffffff;

/**
 * Bob Jenkins' `MIX(a, b, c)`; returns the new `c` (the only one the callers keep).
 * All operands are int32; the result is an int32 (callers use `>>> 0` to read it unsigned).
 */
function mix(a: number, b: number, c: number): number {
  a = (a - b - c) | 0;
  a ^= c >>> 13;
  b = (b - c - a) | 0;
  b ^= a << 8;
  c = (c - a - b) | 0;
  c ^= b >>> 13;
  a = (a - b - c) | 0;
  a ^= c >>> 12;
  b = (b - c - a) | 0;
  b ^= a << 16;
  c = (c - a - b) | 0;
  c ^= b >>> 5;
  a = (a - b - c) | 0;
  a ^= c >>> 3;
  b = (b - c - a) | 0;
  b ^= a << 10;
  c = (c - a - b) | 0;
  c ^= b >>> 15;
  return c;
}

/** `UINT32_HASH_2(x, y, k)` applied to `hash`: returns the new hash. */
function hash2(hash: number, x: number, y: number, k: number): number {
  return mix((k + x) | 0, (k + y) | 0, hash);
}

/** `CONST_HASH(k)`: light mixing of a type constant. */
function constHash(hash: number, k: number): number {
  hash ^= k;
  return (hash << 17) ^ (hash >>> 15);
}

/** Bob Jenkins' `block_hash(bytes, len, initval)` over `bytes[start, start + len)`. */
function blockHash(bytes: Uint8Array, start: number, len: number, initval: number): number {
  let a = HCONST | 0;
  let b = HCONST | 0;
  let c = initval | 0;
  let k = start;
  let left = len;
  while (left >= 12) {
    a = (a + ((bytes[k] as number) | ((bytes[k + 1] as number) << 8) | ((bytes[k + 2] as number) << 16) | ((bytes[k + 3] as number) << 24))) | 0;
    b = (b + ((bytes[k + 4] as number) | ((bytes[k + 5] as number) << 8) | ((bytes[k + 6] as number) << 16) | ((bytes[k + 7] as number) << 24))) | 0;
    c = (c + ((bytes[k + 8] as number) | ((bytes[k + 9] as number) << 8) | ((bytes[k + 10] as number) << 16) | ((bytes[k + 11] as number) << 24))) | 0;
    // mix all three: inline the full MIX since a and b are carried too
    a = (a - b - c) | 0; a ^= c >>> 13;
    b = (b - c - a) | 0; b ^= a << 8;
    c = (c - a - b) | 0; c ^= b >>> 13;
    a = (a - b - c) | 0; a ^= c >>> 12;
    b = (b - c - a) | 0; b ^= a << 16;
    c = (c - a - b) | 0; c ^= b >>> 5;
    a = (a - b - c) | 0; a ^= c >>> 3;
    b = (b - c - a) | 0; b ^= a << 10;
    c = (c - a - b) | 0; c ^= b >>> 15;
    k += 12;
    left -= 12;
  }
  c = (c + len) | 0;
  // The tail bytes, as the C switch with fall-through (the first byte of c is the length).
  if (left >= 11) c = (c + ((bytes[k + 10] as number) << 24)) | 0;
  if (left >= 10) c = (c + ((bytes[k + 9] as number) << 16)) | 0;
  if (left >= 9) c = (c + ((bytes[k + 8] as number) << 8)) | 0;
  if (left >= 8) b = (b + ((bytes[k + 7] as number) << 24)) | 0;
  if (left >= 7) b = (b + ((bytes[k + 6] as number) << 16)) | 0;
  if (left >= 6) b = (b + ((bytes[k + 5] as number) << 8)) | 0;
  if (left >= 5) b = (b + (bytes[k + 4] as number)) | 0;
  if (left >= 4) a = (a + ((bytes[k + 3] as number) << 24)) | 0;
  if (left >= 3) a = (a + ((bytes[k + 2] as number) << 16)) | 0;
  if (left >= 2) a = (a + ((bytes[k + 1] as number) << 8)) | 0;
  if (left >= 1) a = (a + (bytes[k] as number)) | 0;
  return mix(a, b, c);
}

/** How an atom is turned into its atom-table index (tests map our atoms to a real node's). */
export type AtomIndexOf = (a: Atom) => number;
const ownIndex: AtomIndexOf = (a) => a.index;

/** Whether an identifier with this node and creation is local to the simulated node. */
function isLocal(node: Atom, creation: number): boolean {
  return node === localNode() && creation === localCreationNumber();
}

/** Low and high 32 bits of an immediate's term word, written into `WORD` (no allocation). */
const WORD = new Int32Array(2);

/** Sets WORD to the term word of `t` and returns true when `t` is an immediate on the BEAM. */
function immediateWord(t: Term, atomIndex: AtomIndexOf): boolean {
  if (typeof t === "number") {
    const hi = Math.floor(t / 268435456); // t >> 28, exact for safe integers
    WORD[0] = ((t - hi * 268435456) << 4) | TAG_SMALL;
    WORD[1] = hi | 0;
    return true;
  }
  if (typeof t === "bigint") {
    if (t < MIN_SMALL || t > MAX_SMALL) return false;
    WORD[0] = Number(BigInt.asIntN(32, (t << 4n) | 0xfn));
    WORD[1] = Number(BigInt.asIntN(32, t >> 28n));
    return true;
  }
  switch (t.tag) {
    case Tag.Atom: {
      const index = atomIndex(t);
      WORD[0] = (index << 6) | TAG_ATOM;
      WORD[1] = Math.floor(index / 67108864) | 0; // index >> 26
      return true;
    }
    case Tag.Nil:
      WORD[0] = NIL_WORD;
      WORD[1] = 0;
      return true;
    case Tag.Pid:
      if (!isLocal(t.node, t.creation)) return false;
      localPidWord(t);
      return true;
    case Tag.Port:
      if (!isLocal(t.node, t.creation)) return false;
      localPortWord(t);
      return true;
    case Tag.Float:
    case Tag.Cons:
    case Tag.Tuple:
    case Tag.Binary:
    case Tag.SubBinary:
    case Tag.Map:
    case Tag.Ref:
    case Tag.Fun:
      return false;
  }
}

function localPidWord(p: Pid): void {
  if (p.id > MAX_LOCAL_PID_ID || p.serial > MAX_LOCAL_PID_SERIAL || p.id < 0 || p.serial < 0) {
    throw new RangeError(`local pid <0.${p.id}.${p.serial}> out of range (id < 2^15, serial < 2^13 on OTP 25)`);
  }
  const data = (p.serial << 15) | p.id;
  WORD[0] = (data << 4) | TAG_PID;
  WORD[1] = ((data & ((1 << PROC_CL_BITS) - 1)) << 3) | ((data >>> PROC_CL_BITS) & 7);
}

function localPortWord(p: Port): void {
  if (p.id > BigInt(MAX_LOCAL_PORT_ID) || p.id < 0n) {
    throw new RangeError(`local port #Port<0.${p.id}> out of range (id < 2^28 on OTP 25)`);
  }
  const data = Number(p.id);
  WORD[0] = (data << 4) | TAG_PORT;
  WORD[1] = ((data & ((1 << PORT_CL_BITS) - 1)) << 3) | ((data >>> PORT_CL_BITS) & 7);
}

/**
 * The 64-bit term word of an immediate term as `[low32, high32]` (unsigned), or `undefined`
 * when the BEAM boxes `t` (bignum, float, tuple, external pid …). See the module header.
 */
export function termWord(t: Term): [number, number] | undefined {
  return immediateWord(t, ownIndex) ? [(WORD[0] as number) >>> 0, (WORD[1] as number) >>> 0] : undefined;
}

/** Marks "mix in the end-of-list constant now" on the work stack (`HASH_CDR` in utils.c). */
class CdrMarker {
  readonly marker = "cdr";
}
const HASH_CDR = new CdrMarker();

type Work = Term | HamtNode | CdrMarker;

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * OTP 25's `make_internal_hash(term, salt)` as an unsigned 32-bit integer.
 *
 * **When to use**: anywhere the simulator must bucket or order terms exactly as the BEAM's maps
 * do; with salt 0 it is the hash that places a key in the first 8 levels of a HAMT. The hash
 * starts from `salt ^ 3432918353`; only salt 0 is checked against a node (OTP 25 exposes no
 * other), and the HAMT's rehash below depth 8 is *not* salt 1: see {@link mapHash}.
 *
 * **Cost**: O(size of the term); immediates allocate nothing.
 *
 * **Gotchas**: atoms hash by index in our atom table; external pids, ports, refs and
 * `fun M:F/A` use documented substitutes (see the module header).
 */
export function internalHash(term: Term, salt = 0): number {
  return internalHashWith(term, salt, ownIndex);
}

/**
 * {@link internalHash} with another atom numbering, e.g. a real node's atom indices (tests use
 * this to compare with `erts_debug:get_internal_state({internal_hash, T})`).
 */
export function internalHashWith(term: Term, salt: number, atomIndex: AtomIndexOf): number {
  return hashFrom(term, salt ^ INTERNAL_HASH_SALT, atomIndex);
}

/**
 * Initial hash value of each rehash level of a HAMT key (`make_map_hash(Key, Level)`, OTP 25):
 * level 0 is `make_internal_hash(Key, 0)`; level 1 (depths 8..15, only for keys whose first 32
 * hash bits are equal) starts from 0x4B90C3CB instead. That value was *measured* on OTP 25.2.3:
 * it is the only 32-bit start value that reproduces where the BEAM puts 1082 pairs of colliding
 * integer keys (checked in hash.test.ts); we found no formula for it. Level 2 would need two keys
 * equal in 64 hash bits, which no one has produced; it falls back to `Level ^ 3432918353`.
 */
const LEVEL_SEEDS: readonly number[] = [INTERNAL_HASH_SALT, 0x4b90c3cb];

/**
 * The hash a HAMT uses for `key` at rehash level `level` (depth / 8): `make_map_hash(Key,
 * Level)`. Level 0 is {@link internalHash}`(key, 0)`.
 *
 * **Cost**: O(size of the key).
 */
export function mapHash(key: Term, level: number, atomIndex: AtomIndexOf = ownIndex): number {
  return hashFrom(key, LEVEL_SEEDS[level] ?? level ^ INTERNAL_HASH_SALT, atomIndex);
}

/** The hash loop of `make_internal_hash`, from the initial value `init`. */
function hashFrom(term: Term, init: number, atomIndex: AtomIndexOf): number {
  let hash = init | 0;
  if (immediateWord(term, atomIndex)) {
    return hash2(hash, WORD[0] as number, WORD[1] as number, HCONST) >>> 0;
  }
  const stack: Work[] = [];
  let t: Work = term;
  for (;;) {
    // One iteration hashes `t` (or starts on it and continues with a child), then pops.
    let next: Work | undefined;
    if (t instanceof HamtNode) {
      pushHamtChildren(stack, t);
    } else if (t instanceof CdrMarker) {
      hash = constHash(hash, HCONST_18);
    } else if (immediateWord(t, atomIndex)) {
      hash = hash2(hash, WORD[0] as number, WORD[1] as number, HCONST);
    } else if (typeof t === "bigint") {
      hash = hashBignum(hash, t);
    } else if (typeof t === "object") {
      switch (t.tag) {
        case Tag.Cons: {
          // The string fast path: bytes four at a time, then the first non-byte element.
          let cell: Cons = t;
          let c = 0;
          let sh = 0;
          let rest: Term = cell;
          for (;;) {
            const head = cell.head;
            if (typeof head !== "number" || head < 0 || head > 255) break;
            sh = ((sh << 8) + head) | 0;
            if (c === 3) {
              hash = hash2(hash, sh, 0, HCONST_4);
              c = sh = 0;
            } else {
              c++;
            }
            rest = cell.tail;
            if (typeof rest !== "object" || rest.tag !== Tag.Cons) break;
            cell = rest;
          }
          if (c > 0) hash = hash2(hash, sh, c, HCONST_22);
          if (typeof rest === "object" && rest.tag === Tag.Cons) {
            // `cell` (= rest) has a non-byte head.
            const tail = cell.tail;
            hash = constHash(hash, HCONST_17);
            stack.push(tail);
            if (typeof tail !== "object" || tail.tag !== Tag.Cons) stack.push(HASH_CDR);
            next = cell.head;
          } else {
            next = rest; // the tail ([] or an improper tail) is hashed directly
          }
          break;
        }
        case Tag.Tuple: {
          const el = (t).elements;
          const n = el.length;
          hash = hash2(hash, n, 0, HCONST_9);
          if (n > 0) {
            for (let i = n - 1; i >= 1; i--) stack.push(el[i] as Term);
            next = el[0];
          }
          break;
        }
        case Tag.Map:
          hash = hashMap(hash, stack, t, atomIndex);
          break;
        case Tag.Binary:
        case Tag.SubBinary:
          hash = hashBits(hash, t);
          break;
        case Tag.Float: {
          F64[0] = t.value === 0 ? 0 : t.value; // -0.0 hashes as 0.0
          const lo = LITTLE_ENDIAN ? (F64_WORDS[0] as number) : (F64_WORDS[1] as number);
          const hi = LITTLE_ENDIAN ? (F64_WORDS[1] as number) : (F64_WORDS[0] as number);
          hash = hash2(hash, lo, hi, HCONST_12);
          break;
        }
        case Tag.Ref:
          hash = hashRef(hash, t, atomIndex);
          break;
        case Tag.Pid:
          hash = hashExternalPid(hash, t, atomIndex);
          break;
        case Tag.Port:
          hash = hashExternalPort(hash, t, atomIndex);
          break;
        case Tag.Fun:
          if (t.external) {
            hash = hashExternalFun(hash, t, atomIndex);
          } else {
            const free = (t).free;
            hash = hash2(hash, free.length, atomWordLow(t.module, atomIndex), HCONST_20);
            hash = hash2(hash, t.index, t.uniq, HCONST_21);
            if (free.length > 0) {
              for (let i = free.length - 1; i >= 1; i--) stack.push(free[i] as Term);
              next = free[0];
            }
          }
          break;
        case Tag.Atom:
        case Tag.Nil:
          break; // immediates, handled above
      }
    }
    if (next !== undefined) {
      t = next;
      continue;
    }
    const popped = stack.pop();
    if (popped === undefined) return hash >>> 0;
    t = popped;
  }
}

/** The low 32 bits of an atom's term word (what `(Uint32) fe->module` keeps). */
function atomWordLow(a: Atom, atomIndex: AtomIndexOf): number {
  return (atomIndex(a) << 6) | TAG_ATOM;
}

/** Bignum: its 64-bit digits, least significant first, as (low32, high32) pairs. */
function hashBignum(hash: number, n: bigint): number {
  const con = n < 0n ? HCONST_10 : HCONST_11;
  let m = n < 0n ? -n : n;
  do {
    const x = Number(m & 0xffffffffn);
    const y = Number((m >> 32n) & 0xffffffffn);
    hash = hash2(hash, x, y, con);
    m >>= 64n;
  } while (m > 0n);
  return hash;
}

/** Binaries and bitstrings: `block_hash` of the whole bytes, then the trailing bits. */
function hashBits(hash: number, t: Binary | SubBinary): number {
  let bytes: Uint8Array;
  let start: number;
  let size: number;
  let bits: number;
  if (t.tag === Tag.Binary) {
    bytes = t.bytes;
    start = 0;
    size = bytes.length;
    bits = 0;
  } else {
    size = Math.floor(t.bitSize / 8);
    bits = t.bitSize % 8;
    if (t.bitOffset % 8 === 0) {
      bytes = t.orig.bytes;
      start = t.bitOffset / 8;
    } else {
      bytes = copyBits(t.orig.bytes, t.bitOffset, t.bitSize);
      start = 0;
    }
  }
  const con = (HCONST_13 + hash) | 0;
  if (size === 0 && bits === 0) return con;
  hash = blockHash(bytes, start, size, con);
  if (bits > 0) hash = hash2(hash, bits, (bytes[start + size] as number) >>> (8 - bits), HCONST_15);
  return hash;
}

/** The bits `[bitOffset, bitOffset + bitSize)` of `src`, left-aligned in fresh bytes. */
export function copyBits(src: Uint8Array, bitOffset: number, bitSize: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bitSize / 8));
  const byte0 = bitOffset >>> 3;
  const shift = bitOffset & 7;
  for (let i = 0; i < out.length; i++) {
    const hi = (src[byte0 + i] ?? 0) << shift;
    const lo = shift === 0 ? 0 : (src[byte0 + i + 1] ?? 0) >>> (8 - shift);
    out[i] = (hi | lo) & 0xff;
  }
  const rest = bitSize & 7;
  if (rest !== 0) out[out.length - 1] = (out[out.length - 1] as number) & ((0xff << (8 - rest)) & 0xff);
  return out;
}

/**
 * Maps. A flatmap hashes its size, then key and value of each entry in key order; a HAMT its
 * size, then its nodes in iteration order (pushed here, hashed as they are popped).
 */
function hashMap(hash: number, stack: Work[], m: ErlMap, atomIndex: AtomIndexOf): number {
  const n = m.keys.length;
  hash = hash2(hash, n, 0, HCONST_16);
  if (n === 0) return hash;
  if (n <= MAP_SMALL_MAP_LIMIT) {
    for (let i = n - 1; i >= 0; i--) {
      stack.push(m.values[i] as Term);
      stack.push(m.keys[i] as Term);
    }
  } else {
    pushHamtChildren(stack, hamtLayout(m, atomIndex === ownIndex ? undefined : atomIndex));
  }
  return hash;
}


function hashRef(hash: number, r: Ref, atomIndex: AtomIndexOf): number {
  const ids = r.ids;
  const id = (i: number): number => ids[i] ?? 0;
  if (isLocal(r.node, r.creation)) {
    hash = hash2(hash, id(0), 0, HCONST_7);
    // OTP 25 hashes a pid-ref (alias) by these three words too, not by its owner (measured;
    // newer releases mix the owner in).
    return hash2(hash, id(1), id(2), HCONST_8);
  }
  // External: as the BEAM, with the node entry's address replaced by (node atom, creation).
  const n = ids.length;
  if (n >= 4) hash = hash2(hash, id(3), n >= 5 ? id(4) : 0, HCONST_9);
  if (n >= 2) hash = hash2(hash, id(1), n >= 3 ? id(2) : 0, HCONST_8);
  hash = hash2(hash, atomWordLow(r.node, atomIndex), r.creation, HCONST_7);
  if (n >= 1) hash = hash2(hash, id(0), 0, HCONST_7);
  return hash;
}

function hashExternalPid(hash: number, p: Pid, atomIndex: AtomIndexOf): number {
  hash = hash2(hash, atomWordLow(p.node, atomIndex), p.creation, HCONST_5);
  return hash2(hash, p.id, p.serial, HCONST_5);
}

function hashExternalPort(hash: number, p: Port, atomIndex: AtomIndexOf): number {
  hash = hash2(hash, atomWordLow(p.node, atomIndex), p.creation, HCONST_6);
  return hash2(hash, Number(p.id & 0xffffffffn), Number((p.id >> 32n) & 0xffffffffn), HCONST_6);
}

function hashExternalFun(hash: number, f: ExternalFun, atomIndex: AtomIndexOf): number {
  hash = hash2(hash, atomWordLow(f.module, atomIndex), atomWordLow(f.name, atomIndex), HCONST_14);
  return hash2(hash, f.arity, 0, HCONST_14);
}
