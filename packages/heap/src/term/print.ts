/**
 * Writing terms as text (`printTerm`).
 *
 * Owns: the canonical text of a term — the shortest standard Erlang text that `parseTerm`
 * (parse.ts) reads back to an `=:=` term, following `io_lib:format("~w", [T])` (OTP 25) wherever
 * `~w` has a readable form:
 * - integers in decimal; floats as `~w` prints them (OTP 25's shortest round-trip format:
 *   `1.0`, `0.1`, `1.0e300`, `-0.0`, `5.0e-324`, `1.2345678901234568e17`, see {@link printFloat});
 * - atoms quoted exactly when `~w` quotes them, with `~w`'s escapes (Latin-1 characters as they
 *   are, others as `\x{HEX}`, control characters as `\n`-style or octal escapes);
 * - lists always as lists (`[104,105]`, never `"hi"`), `[1|2]`; tuples `{a,1}`;
 *   maps `#{a => 1,b => 2}` in map-key order; binaries `<<1,2,3>>`, bitstrings `<<1,2,3:4>>`.
 * - external funs `fun m:f/2`; pids, ports, references and local funs in the beamlab notation
 *   documented in parse.ts (local identifiers exactly as `~w` prints them).
 *
 * Where this text differs from `~w` (checked against the real BEAM in print.beam.test.ts and
 * print.test.ts; parseTerm reads both forms where `~w`'s is readable):
 * - maps of more than 32 keys: `~w` lists a HAMT in its internal hash order; here keys are always
 *   in map-key order;
 * - external funs: `~w` (i.e. `erlang:fun_to_list/1`, the runtime's C printer) quotes atoms by
 *   its own rule — it quotes names containing `@` (`fun 'a@b':f/0`), does not quote reserved
 *   words (`fun and:if/0`, which erl_parse rejects) and writes non-ASCII names as raw UTF-8 bytes;
 *   here the atoms are written as everywhere else (`fun a@b:f/0`, `fun 'and':'if'/0`);
 * - other nodes' pids/ports/refs and local funs: `~w` prints `<8752.84.0>` / `#Fun<m.0.123>`,
 *   which do not identify the term; here the beamlab notation.
 *
 * Invariants: iterative (explicit stack) and linear time in the output length; no recursion on
 * nesting depth.
 */
import { RESERVED_WORDS, isAtomStart, isNameChar } from "./parse.js";
import type { Atom } from "./atom.js";
import { localCreationNumber, localNode } from "./node.js";
import { Tag, nil, type Binary, type LocalFun, type Pid, type Port, type Ref, type SubBinary, type Term } from "./types.js";

/**
 * The output buffer: UTF-8 bytes, decoded once at the end (no string per element, so printing a
 * list of 10,000,000 integers allocates almost nothing per element).
 */
class TextOut {
  // small at first: most printed terms are pids, atoms and short tuples (the buffer doubles as needed)
  private buf = new Uint8Array(64);
  private n = 0;
  private static readonly encoder = new TextEncoder();
  private static readonly decoder = new TextDecoder();

  private room(k: number): Uint8Array {
    if (this.n + k > this.buf.length) {
      const b = new Uint8Array(Math.max(this.n + k, this.buf.length * 2));
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
    return this.buf;
  }

  byte(c: number): void {
    this.room(1)[this.n++] = c;
  }

  /** Any string (UTF-8 encoded). */
  text(s: string): void {
    const len = s.length;
    const b = this.room(len);
    let n = this.n;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.n = n;
        this.bytes(TextOut.encoder.encode(s.slice(i)));
        return;
      }
      b[n++] = c;
    }
    this.n = n;
  }

  bytes(u: Uint8Array): void {
    this.room(u.length).set(u, this.n);
    this.n += u.length;
  }

  /** A safe integer in decimal. */
  int(v: number): void {
    const b = this.room(17);
    if (v < 0) {
      b[this.n++] = 45;
      v = -v;
    }
    if (v < 10) {
      b[this.n++] = 48 + v;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    let i = this.n + digits;
    this.n = i;
    while (v >= 10) {
      const q = Math.floor(v / 10);
      b[--i] = 48 + (v - q * 10);
      v = q;
    }
    b[--i] = 48 + v;
  }

  done(): string {
    return TextOut.decoder.decode(this.buf.subarray(0, this.n));
  }
}

/** Remaining elements of a tuple, list of free variables or map being printed. */
class Seq {
  constructor(
    readonly items: readonly Term[],
    public i: number,
    /** The closing bracket's code. */
    readonly close: number,
    /** Map values (items are then the keys). */
    readonly values: readonly Term[] | undefined,
  ) {}
}
/** The rest of a list being printed, after at least one element. */
class ListRest {
  constructor(public rest: Term) {}
}
/** Text to emit when popped. */
class Lit {
  constructor(readonly text: string) {}
}
type Work = Term | Seq | ListRest | Lit;
const CLOSE_BRACKET = new Lit("]");

/**
 * The canonical text of `term` (see the module header). Cost: linear in the output length;
 * iterative, so any depth and length work.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

export function printTerm(term: Term): string {
  // Fast paths (same text): a local pid's or an atom's text is what `leaf` writes, when its
  // UTF-8 round trip is the identity (no lone surrogates).
  if (typeof term === "object") {
    if (term.tag === Tag.Pid) {
      const s = printPid(term);
      if (!SURROGATE.test(s)) return s;
    } else if (term.tag === Tag.Atom) {
      const s = printAtom(term);
      if (!SURROGATE.test(s)) return s;
    }
  }
  const o = new TextOut();
  const stack: Work[] = [];
  let w: Work | undefined = term;
  while (w !== undefined) {
    if (typeof w === "number") o.int(w);
    else if (typeof w === "bigint") o.text(w.toString());
    else if (w instanceof Seq) seq(w, o, stack);
    else if (w instanceof ListRest) listFrom(w.rest, false, w, o, stack);
    else if (w instanceof Lit) o.text(w.text);
    else {
      switch (w.tag) {
        case Tag.Cons:
          o.byte(91);
          listFrom(w, true, undefined, o, stack);
          break;
        case Tag.Tuple:
          o.byte(123);
          seq(new Seq(w.elements, 0, 125, undefined), o, stack);
          break;
        case Tag.Map:
          o.byte(35);
          o.byte(123);
          seq(new Seq(w.keys, 0, 125, w.values), o, stack);
          break;
        case Tag.Fun:
          if (w.external) leaf(w, o);
          else printLocalFunHead(w, o, stack);
          break;
        case Tag.Float:
        case Tag.Atom:
        case Tag.Nil:
        case Tag.Binary:
        case Tag.SubBinary:
        case Tag.Pid:
        case Tag.Port:
        case Tag.Ref:
          leaf(w, o);
          break;
      }
    }
    w = stack.pop();
  }
  return o.done();
}

/** Writes a term without sub-terms (anything but cons, tuple, map and local fun). */
function leaf(t: Term, o: TextOut): void {
  if (typeof t === "number") {
    o.int(t);
    return;
  }
  if (typeof t === "bigint") {
    o.text(t.toString());
    return;
  }
  switch (t.tag) {
    case Tag.Atom:
      o.bytes(atomBytes(t));
      break;
    case Tag.Float:
      o.text(printFloat(t.value));
      break;
    case Tag.Nil:
      o.byte(91);
      o.byte(93);
      break;
    case Tag.Binary:
    case Tag.SubBinary:
      writeBitstring(t, o);
      break;
    case Tag.Pid:
      o.text(printPid(t));
      break;
    case Tag.Port:
      o.text(printPort(t));
      break;
    case Tag.Ref:
      o.text(printRef(t));
      break;
    case Tag.Fun:
      if (t.external) o.text(`fun ${printAtom(t.module)}:${printAtom(t.name)}/${t.arity}`);
      break;
    case Tag.Cons:
    case Tag.Tuple:
    case Tag.Map:
      throw new Error("not a leaf");
  }
}

/** Whether `t` is written by {@link leaf} (no sub-terms). */
function isLeaf(t: Term): boolean {
  if (typeof t !== "object") return true;
  const tag = t.tag;
  return tag !== Tag.Cons && tag !== Tag.Tuple && tag !== Tag.Map && !(tag === Tag.Fun && !t.external);
}

/** Writes list elements from `t` on, inline while they are leaves; defers at a compound one. */
function listFrom(t: Term, first: boolean, reuse: ListRest | undefined, o: TextOut, stack: Work[]): void {
  for (;;) {
    if (typeof t === "object" && t.tag === Tag.Cons) {
      if (!first) o.byte(44);
      first = false;
      const h = t.head;
      if (isLeaf(h)) {
        leaf(h, o);
        t = t.tail;
        continue;
      }
      if (reuse === undefined) reuse = new ListRest(t.tail);
      else reuse.rest = t.tail;
      stack.push(reuse, h);
      return;
    }
    if (typeof t === "object" && t.tag === Tag.Nil) {
      o.byte(93);
      return;
    }
    o.byte(124);
    stack.push(CLOSE_BRACKET, t);
    return;
  }
}

/** Writes sequence elements from `s.i` on, inline while they are leaves. */
function seq(s: Seq, o: TextOut, stack: Work[]): void {
  const { items, values } = s;
  for (let i = s.i; i < items.length; i++) {
    if (i > 0) o.byte(44);
    const k = items[i] ?? nil;
    if (values === undefined) {
      if (isLeaf(k)) {
        leaf(k, o);
        continue;
      }
      s.i = i + 1;
      stack.push(s, k);
      return;
    }
    const v = values[i] ?? nil;
    if (isLeaf(k) && isLeaf(v)) {
      leaf(k, o);
      o.text(" => ");
      leaf(v, o);
      continue;
    }
    s.i = i + 1;
    stack.push(s, v, MAP_ARROW, k);
    return;
  }
  o.byte(s.close);
}
const MAP_ARROW = new Lit(" => ");

function printLocalFunHead(f: LocalFun, o: TextOut, stack: Work[]): void {
  o.text(`#Fun<${printAtom(f.module)}.${f.oldIndex}.${f.uniq}/${f.arity}`);
  const fields: string[] = [];
  if (f.index !== f.oldIndex) fields.push(`index => ${f.index}`);
  if (f.md5 !== "") fields.push(`md5 => <<${hexBytes(f.md5)}>>`);
  if (f.pid !== undefined) fields.push(`pid => ${printPid(f.pid)}`);
  if (f.free.length === 0 && fields.length === 0) {
    o.byte(62);
    return;
  }
  o.text(" [");
  stack.push(new Lit(fields.length > 0 ? ` #{${fields.join(",")}}>` : ">"));
  seq(new Seq(f.free, 0, 93, undefined), o, stack);
}

function hexBytes(hex: string): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) parts.push(String(parseInt(hex.slice(i, i + 2), 16)));
  return parts.join(",");
}

// ---------------------------------------------------------------------------------------------
// Atoms.

const atomText = new Map<Atom, string>();
const atomUtf8 = new Map<Atom, Uint8Array>();

function atomBytes(a: Atom): Uint8Array {
  let u = atomUtf8.get(a);
  if (u === undefined) {
    u = new TextEncoder().encode(printAtom(a));
    atomUtf8.set(a, u);
  }
  return u;
}

/** Whether `~w` writes the atom with this text inside quotes. */
export function atomNeedsQuotes(name: string): boolean {
  if (name.length === 0 || RESERVED_WORDS.has(name)) return true;
  if (!isAtomStart(name.charCodeAt(0))) return true;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return true;
  return false;
}

/** An atom as `~w` writes it (cached per atom). */
export function printAtom(a: Atom): string {
  let s = atomText.get(a);
  if (s === undefined) {
    s = atomNeedsQuotes(a.name) ? quoteAtom(a.name) : a.name;
    atomText.set(a, s);
  }
  return s;
}

/** `io_lib:write_string_as_latin1(Name, $')`. */
function quoteAtom(name: string): string {
  let s = "'";
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 39) s += "\\'";
    else if (c === 92) s += "\\\\";
    else if ((c >= 32 && c <= 126) || (c >= 160 && c <= 255)) s += ch;
    else if (c > 255) s += `\\x{${c.toString(16).toUpperCase()}}`;
    else {
      switch (c) {
        case 10:
          s += "\\n";
          break;
        case 13:
          s += "\\r";
          break;
        case 9:
          s += "\\t";
          break;
        case 11:
          s += "\\v";
          break;
        case 8:
          s += "\\b";
          break;
        case 12:
          s += "\\f";
          break;
        case 27:
          s += "\\e";
          break;
        case 127:
          s += "\\d";
          break;
        default:
          s += `\\${(c >> 6).toString()}${((c >> 3) & 7).toString()}${(c & 7).toString()}`;
      }
    }
  }
  return `${s}'`;
}

// ---------------------------------------------------------------------------------------------
// Floats.

/**
 * A float as OTP 25's `io_lib:format("~w", [F])` (= `float_to_list(F, [short])`) writes it: the
 * shortest digits that read back exactly, in fixed notation (`123.456`, `100.0`, `0.0001`) or
 * scientific notation (`1.0e3`, `1.5e-5`), whichever OTP's Ryu-based formatter picks (the
 * shorter one, fixed on ties, and scientific for integral values ≥ 2^53).
 */
export function printFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // Shortest round-trip digits from JS (same digits as Ryu: closest to the value, ties to even).
  const js = String(Math.abs(x));
  let mant = js;
  let exp10 = 0;
  const e = js.indexOf("e");
  if (e >= 0) {
    mant = js.slice(0, e);
    exp10 = Number(js.slice(e + 1));
  }
  const dot = mant.indexOf(".");
  let digits = mant;
  if (dot >= 0) {
    digits = mant.slice(0, dot) + mant.slice(dot + 1);
    exp10 -= mant.length - dot - 1;
  }
  // Strip leading and trailing zeros: value = digits × 10^exp10.
  let lead = 0;
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 48) lead++;
  let end = digits.length;
  while (end > lead + 1 && digits.charCodeAt(end - 1) === 48) {
    end--;
    exp10++;
  }
  digits = digits.slice(lead, end);
  const olength = digits.length;
  const sciExp = exp10 + olength - 1;
  let lower: number;
  let upper: number;
  if (olength === 1) {
    lower = -4;
    upper = 2;
  } else if (sciExp >= 10) {
    lower = -(olength + 2);
    upper = 2;
  } else {
    lower = -(olength + 2);
    upper = 1;
  }
  let fixed = lower <= exp10 && exp10 <= upper;
  if (fixed) {
    const output = Number(digits); // ≤ 17 digits; compared against thresholds below 2^53 + 1
    if (
      (exp10 === 0 && output >= 2 ** 53) ||
      (exp10 === 1 && output > Math.floor(2 ** 52 / 5)) ||
      (exp10 === 2 && output > Math.floor(2 ** 51 / 25))
    ) {
      fixed = false;
    }
  }
  if (fixed) {
    if (exp10 >= 0) return `${sign}${digits}${"0".repeat(exp10)}.0`;
    const whole = olength + exp10;
    if (whole > 0) return `${sign}${digits.slice(0, whole)}.${digits.slice(whole)}`;
    return `${sign}0.${"0".repeat(-whole)}${digits}`;
  }
  return `${sign}${digits.charAt(0)}.${olength > 1 ? digits.slice(1) : "0"}e${sciExp}`;
}

// ---------------------------------------------------------------------------------------------
// Binaries and identifiers.

/** `<<1,2,3>>`, `<<1,2,3:4>>` (the last partial byte as `Value:Bits`), as `~w`. */
export function printBitstring(b: Binary | SubBinary): string {
  const o = new TextOut();
  writeBitstring(b, o);
  return o.done();
}

function writeBitstring(b: Binary | SubBinary, o: TextOut): void {
  const bytes = b.tag === Tag.Binary ? b.bytes : b.orig.bytes;
  const offset = b.tag === Tag.Binary ? 0 : b.bitOffset;
  const bitSize = b.bitSize;
  const whole = Math.floor(bitSize / 8);
  const rest = bitSize % 8;
  const sh = offset & 7;
  const base = offset >>> 3;
  o.byte(60);
  o.byte(60);
  for (let i = 0; i < whole; i++) {
    if (i > 0) o.byte(44);
    const v = sh === 0 ? (bytes[base + i] ?? 0) : ((((bytes[base + i] ?? 0) << 8) | (bytes[base + i + 1] ?? 0)) >>> (8 - sh)) & 0xff;
    o.int(v);
  }
  if (rest > 0) {
    if (whole > 0) o.byte(44);
    const bit = offset + whole * 8;
    const j = bit >>> 3;
    const s = bit & 7;
    const w = ((bytes[j] ?? 0) << 8) | (bytes[j + 1] ?? 0);
    o.int((w >>> (16 - s - rest)) & ((1 << rest) - 1));
    o.byte(58);
    o.int(rest);
  }
  o.byte(62);
  o.byte(62);
}

function isLocal(node: Atom, creation: number): boolean {
  return node === localNode() && creation === localCreationNumber();
}

function nodePart(node: Atom, creation: number): string {
  return isLocal(node, creation) ? "0" : `${printAtom(node)}/${creation}`;
}

/** `<0.84.0>` for a local pid (as `~w`), `<NODE/CREATION.84.0>` otherwise. */
export function printPid(p: Pid): string {
  return `<${nodePart(p.node, p.creation)}.${p.id}.${p.serial}>`;
}

/** `#Port<0.5>` for a local port (as `~w`), `#Port<NODE/CREATION.5>` otherwise. */
export function printPort(p: Port): string {
  return `#Port<${nodePart(p.node, p.creation)}.${p.id}>`;
}

/** `#Ref<0.W2.W1.W0>` (as `~w`: most significant word first), with `:magic`/`:pid` for other kinds. */
export function printRef(r: Ref): string {
  const words: string[] = [];
  for (let i = r.ids.length - 1; i >= 0; i--) words.push(String(r.ids[i]));
  return `#Ref<${nodePart(r.node, r.creation)}.${words.join(".")}${r.kind === "ordinary" ? "" : `:${r.kind}`}>`;
}
