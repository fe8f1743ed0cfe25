/**
 * Reading terms from Erlang literal syntax (`parseTerm`).
 *
 * Owns: the lexer and parser for the term subset of Erlang — what `erl_scan` + `erl_parse` +
 * `erl_eval` (OTP 25) accept and evaluate for a literal expression — plus the *beamlab notation*
 * for the terms that have no literal syntax. Everything {@link printTerm} (print.ts) writes is
 * read back to an equal term (`=:=`).
 *
 * Erlang syntax accepted (as erl_scan/erl_parse/erl_eval, OTP 25):
 * - integers `42`, `-7`, `1_000_000`, `16#ff`, `-2#101`, `36#zz`, any size; characters `$a`,
 *   `$\n`, `$\x{41}`, `$\x41`, `$\101`, `$\^A`, `$ `; floats `1.5`, `1.0e10`, `-2.5E-3`, `1_0.5`;
 *   `-` and `+` signs may precede a number (also with white space in between: `- 5`).
 * - atoms `ok`, `hello_World@x`, `'hello world'`, `'a\'b'`, `'\x{3A9}'` (at most 255 characters);
 *   reserved words (`and`, `case`, ...) are not bare atoms. `maybe` and `else` are atoms (the
 *   `maybe_expr` feature is off by default in OTP 25). Unquoted atoms use the Latin-1 letters
 *   only, exactly as erl_scan.
 * - strings `"..."` (lists of code points) with every Erlang escape; adjacent strings concatenate.
 * - tuples, proper and improper lists, maps `#{K => V}` (later duplicate keys win, like erl_eval).
 * - binaries with segments `Value[:Size][/Type-Specifiers]`: `integer` (default), `float`
 *   (16/32/64 bits), `binary`/`bytes`, `bitstring`/`bits`, `utf8`/`utf16`/`utf32`, `signed`,
 *   `unsigned`, `big`, `little`, `native` (= little, as on x86-64 and ARM64), `unit:1..256`;
 *   string segments (`<<"abc">>`, `<<"é"/utf8>>`) and nested binary literals. Evaluation follows
 *   erl_eval's bit syntax (integers truncated to their size, floats overflowing 32/16 bits
 *   become infinities, ...); what erl_eval rejects (`<<1.5>>`, `<<<<1:3>>/binary>>`, ...) is an
 *   error here too.
 * - external funs `fun m:f/2` (quoted atoms as needed; reserved words are also accepted
 *   unquoted, as `~w` prints them: `fun and:if/0`).
 * - white space (erl_scan's: codes 0–32 and 128–160), `%` comments, and one optional final `.`.
 * - variables (`X`, `Foo_1`, `_Y`) when bound by `options.bindings`: the bound term itself is
 *   used (shared, not copied).
 *
 * Deliberately more lenient than erl_scan (so that everything printTerm writes reads back):
 * U+FFFE and U+FFFF are accepted in quoted atoms, strings and characters (an atom may hold them
 * but erl_scan rejects them even as `\x{FFFE}`), and unquoted reserved words in `fun M:F/A`.
 *
 * Beamlab notation (identifiers and funs have no Erlang literal syntax; this extends what `~w`
 * prints so that the text reads back). `NODE` is an atom written like any atom (`a@b`,
 * `'a@b.c'`), `C` the node's creation; the leading `0` means "the local node with its creation"
 * (see node.ts), exactly as `~w` prints local identifiers:
 * - pid: `<0.ID.SERIAL>` (local, `~w`'s text) or `<NODE/C.ID.SERIAL>` (`<'a@b.c'/3.84.0>`);
 * - port: `#Port<0.ID>` or `#Port<NODE/C.ID>`;
 * - reference: `#Ref<0.W2.W1.W0>` or `#Ref<NODE/C.W2.W1.W0>`: the id words most significant
 *   first, as `~w` prints them (the reverse of the external term format's order), 1 to 5 words;
 *   a non-ordinary reference appends its kind: `#Ref<0.1.2.3:magic>`, `#Ref<0.1.2.3.4.5:pid>`;
 * - local fun (closure): `#Fun<MODULE.OLD_INDEX.OLD_UNIQ/ARITY>` (`~w`'s `#Fun<M.I.U>` plus the
 *   arity), followed, when it has free variables or non-default fields, by a space, the list of
 *   free variable values and optionally a map of the other fields (`index` when it differs from
 *   the old index, `md5`, the creator `pid`): `#Fun<m.0.79404126/1 [5,abc]>`,
 *   `#Fun<m.1.2/0 [] #{index => 3, md5 => <<...16 bytes...>>, pid => <0.84.0>}>`.
 *
 * Errors: a {@link TermParseError} with 1-based line and column (in code points), the offending
 * token text and what was expected.
 *
 * Invariants: iterative (explicit stack, no recursion on nesting depth); linear time in the text
 * length (except for huge non-power-of-two-based integer literals); a list literal builds its
 * cons cells front to back without an intermediate array.
 */
import { am, atom, type Atom } from "./atom.js";
import { bitstring, int } from "./build.js";
import { mapFromEntries } from "./map.js";
import { localCreationNumber, localNode } from "./node.js";
import { END_OF_INPUT, TermParseError } from "./parse-error.js";
import {
  Binary,
  Cons,
  ErlFloat,
  ExternalFun,
  LocalFun,
  nil,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tag,
  Tuple,
  type ErlMap,
  type RefKind,
  type Term,
} from "./types.js";

export { TermParseError } from "./parse-error.js";

/** Options of {@link parseTerm}. */
export interface ParseTermOptions {
  /**
   * Values of variables: a variable in term position (or as a binary segment value or size) is
   * replaced by the bound term object itself, so `{X, X}` with X bound shares X.
   */
  readonly bindings?: ReadonlyMap<string, Term>;
}

/**
 * Reads one term from Erlang literal syntax (plus beamlab notation, see the module header).
 * Throws {@link TermParseError} on any error. Cost: linear in the text length; iterative, so any
 * nesting depth works.
 */
export function parseTerm(text: string, options?: ParseTermOptions): Term {
  return new Reader(text, options?.bindings).parse();
}

/**
 * Reads one term per non-blank line (lines holding only white space or a `%` comment are
 * skipped). Errors report the line within the whole text.
 */
export function parseTermLines(text: string, options?: ParseTermOptions): Term[] {
  const out: Term[] = [];
  let lineStart = 0;
  let lineNo = 1;
  while (lineStart <= text.length) {
    let end = text.indexOf("\n", lineStart);
    if (end < 0) end = text.length;
    const line = text.slice(lineStart, end);
    if (!isBlankLine(line)) {
      try {
        out.push(parseTerm(line, options));
      } catch (e) {
        if (e instanceof TermParseError) throw new TermParseError(e.line + lineNo - 1, e.column, e.found, e.expected);
        throw e;
      }
    }
    lineStart = end + 1;
    lineNo++;
  }
  return out;
}

/** Whether a line holds only white space and possibly a comment. */
function isBlankLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 37) return true;
    if (!isWhite(c)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Character classes (erl_scan's, Latin-1 based).

/** The reserved words of Erlang (OTP 25, no features enabled): never bare atoms. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case", "catch",
  "cond", "div", "end", "fun", "if", "let", "not", "of", "or", "orelse", "receive", "rem", "try",
  "when", "xor",
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** First character of an unquoted atom. */
export function isAtomStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 223 && c <= 255 && c !== 247);
}
/** First character of a variable. */
function isVarStart(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 95 || (c >= 192 && c <= 222 && c !== 215);
}
/** A character allowed after the first one in an unquoted atom or a variable. */
export function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 64 ||
    (c >= 192 && c <= 255 && c !== 215 && c !== 247)
  );
}
function isWhite(c: number): boolean {
  return c <= 32 || (c >= 128 && c <= 160);
}
/**
 * A code point allowed in source text: any but surrogates. (erl_scan's ?UNICODE also rejects
 * U+FFFE and U+FFFF; they are accepted here so that every atom has a text that reads back.)
 */
function isScanChar(c: number): boolean {
  return (c >= 0 && c < 0xd800) || (c > 0xdfff && c <= 0x10ffff);
}
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
/** Value of a digit in bases up to 36, or 99. */
function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  if (c >= 97 && c <= 122) return c - 87;
  return 99;
}

// ---------------------------------------------------------------------------------------------
// Tokens.

const K_EOF = 0;
const K_INT = 1;
const K_FLOAT = 2;
const K_CHAR = 3;
const K_ATOM = 4;
const K_RESERVED = 5;
const K_VAR = 6;
const K_STRING = 7;
const K_LBRACE = 8;
const K_RBRACE = 9;
const K_LBRACK = 10;
const K_RBRACK = 11;
const K_BAR = 12;
const K_COMMA = 13;
const K_MAPOPEN = 14;
const K_ARROW = 15;
const K_BINOPEN = 16;
const K_BINCLOSE = 17;
const K_COLON = 18;
const K_SLASH = 19;
const K_MINUS = 20;
const K_PLUS = 21;
const K_DOT = 22;
const K_GT = 23;
/** A complete pid, port, reference or local fun without trailer: `value` holds it. */
const K_ID = 24;
/** `#Fun<M.I.U/A` followed by a trailer: `funHead` holds the header. */
const K_FUNOPEN = 25;
const K_OTHER = 26;

const MAX_U32 = 0xffffffff;

interface FunHead {
  readonly module: Atom;
  readonly index: number;
  readonly uniq: number;
  readonly arity: number;
}

// Frame kinds of the parser's explicit stack.
const F_LIST = 0;
const F_TUPLE = 1;
const F_MAP = 2;
const F_BIN = 3;
const F_FUN = 4;

class Frame {
  /** List: a dummy cell before the first one, and the last cell; `tail` true once `|` was read. */
  readonly first: Cons = new Cons(nil, nil);
  last: Cons = this.first;
  tail = false;
  /** Tuple elements, map keys and values alternately, fun trailer terms. */
  items: Term[] = [];
  /** Binary being built (binary frames only). */
  writer: BitWriter | undefined = undefined;
  /** Start offset of the current binary segment. */
  segStart = 0;
  head: FunHead | undefined = undefined;
  constructor(
    readonly kind: number,
    readonly start: number,
  ) {}
}

/** The unevaluated value of a binary segment that is a string literal. */
class StringSegment {
  constructor(readonly codes: number[]) {}
}

class Reader {
  private readonly len: number;
  private pos = 0;
  private pending = false;
  // Current token.
  private kind = K_EOF;
  private start = 0;
  private num: number | bigint = 0;
  private fnum = 0;
  private codes: number[] = [];
  private atomValue: Atom = am.ok;
  private name = "";
  private value: Term = nil;
  private funHead: FunHead | undefined = undefined;

  constructor(
    private readonly text: string,
    private readonly bindings: ReadonlyMap<string, Term> | undefined,
  ) {
    this.len = text.length;
  }

  // ----------------------------------------------------------------------------- errors

  private fail(offset: number, found: string, expected: string): never {
    const [line, column] = this.position(offset);
    throw new TermParseError(line, column, found, expected);
  }

  /** 1-based line and column (in code points) of a text offset. */
  private position(offset: number): [number, number] {
    let line = 1;
    let lineStart = 0;
    for (let i = this.text.indexOf("\n"); i >= 0 && i < offset; i = this.text.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    let column = 1;
    for (let i = lineStart; i < offset; i++) {
      const c = this.text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) {
        const d = this.text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      column++;
    }
    return [line, column];
  }

  /** Fails at the current token. */
  private failToken(expected: string): never {
    if (this.kind === K_EOF) this.fail(this.start, END_OF_INPUT, expected);
    this.fail(this.start, this.clip(this.text.slice(this.start, this.pos)), expected);
  }

  /** Fails at the character at `offset`. */
  private failChar(offset: number, expected: string): never {
    if (offset >= this.len) this.fail(offset, END_OF_INPUT, expected);
    this.fail(offset, String.fromCodePoint(this.text.codePointAt(offset) ?? 0), expected);
  }

  private clip(s: string): string {
    return s.length > 40 ? `${s.slice(0, 37)}...` : s;
  }

  // ----------------------------------------------------------------------------- lexer

  private at(i: number): number {
    return i < this.len ? this.text.charCodeAt(i) : -1;
  }

  private unread(): void {
    this.pending = true;
  }

  private next(): number {
    if (this.pending) {
      this.pending = false;
      return this.kind;
    }
    const text = this.text;
    const len = this.len;
    let p = this.pos;
    // White space and comments.
    for (;;) {
      if (p >= len) break;
      const c = text.charCodeAt(p);
      if (c <= 32 || (c >= 128 && c <= 160)) p++;
      else if (c === 37) {
        const nl = text.indexOf("\n", p);
        p = nl < 0 ? len : nl;
      } else break;
    }
    this.start = p;
    this.pos = p;
    if (p >= len) return (this.kind = K_EOF);
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) return this.lexNumber();
    if (isAtomStart(c)) {
      let q = p + 1;
      while (q < len && isNameChar(text.charCodeAt(q))) q++;
      const name = text.slice(p, q);
      this.pos = q;
      if (RESERVED_WORDS.has(name)) {
        this.name = name;
        return (this.kind = K_RESERVED);
      }
      if (q - p > 255) this.fail(p, this.clip(name), "an atom of at most 255 characters");
      this.atomValue = atom(name);
      return (this.kind = K_ATOM);
    }
    if (isVarStart(c)) {
      let q = p + 1;
      while (q < len && isNameChar(text.charCodeAt(q))) q++;
      this.name = text.slice(p, q);
      this.pos = q;
      return (this.kind = K_VAR);
    }
    const d = this.at(p + 1);
    switch (c) {
      case 36: // $
        return this.lexChar();
      case 39: // '
        this.atomValue = this.lexQuotedAtom(p);
        return (this.kind = K_ATOM);
      case 34: // "
        return this.lexString();
      case 123:
        return this.punct(1, K_LBRACE);
      case 125:
        return this.punct(1, K_RBRACE);
      case 91:
        return this.punct(1, K_LBRACK);
      case 93:
        return this.punct(1, K_RBRACK);
      case 124:
        return d === 124 ? this.punct(2, K_OTHER) : this.punct(1, K_BAR);
      case 44:
        return this.punct(1, K_COMMA);
      case 35: // #
        if (d === 123) return this.punct(2, K_MAPOPEN);
        if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122)) return this.lexHashIdent();
        return this.punct(1, K_OTHER);
      case 61: // =
        return d === 62 ? this.punct(2, K_ARROW) : this.punct(d === 61 || d === 60 ? 2 : 1, K_OTHER);
      case 60: // <
        if (d === 60) return this.punct(2, K_BINOPEN);
        if (isDigit(d) || isAtomStart(d) || d === 39) {
          this.pos = p + 1;
          this.value = this.lexPidBody();
          return (this.kind = K_ID);
        }
        return this.punct(d === 45 || d === 61 ? 2 : 1, K_OTHER);
      case 62: // >
        return d === 62 ? this.punct(2, K_BINCLOSE) : this.punct(1, K_GT);
      case 58: // :
        return d === 61 || d === 58 ? this.punct(2, K_OTHER) : this.punct(1, K_COLON);
      case 47:
        return this.punct(1, K_SLASH);
      case 45: // -
        return d === 45 || d === 62 ? this.punct(2, K_OTHER) : this.punct(1, K_MINUS);
      case 43: // +
        return d === 43 ? this.punct(2, K_OTHER) : this.punct(1, K_PLUS);
      case 46: // .
        if (d === -1 || d === 37 || isWhite(d)) return this.punct(1, K_DOT);
        return this.punct(1, K_OTHER);
      default: {
        const cp = text.codePointAt(p) ?? 0;
        return this.punct(cp > 0xffff ? 2 : 1, K_OTHER);
      }
    }
  }

  private punct(n: number, kind: number): number {
    this.pos = this.start + n;
    return (this.kind = kind);
  }

  /** Reads decimal digits with `_` separators between digits; returns the digit string. */
  private digitRun(p: number): [string, number] {
    const text = this.text;
    let q = p;
    let sep = false;
    while (q < this.len) {
      const c = text.charCodeAt(q);
      if (c >= 48 && c <= 57) q++;
      else if (c === 95 && isDigit(this.at(q + 1)) && isDigit(this.at(q - 1))) {
        sep = true;
        q++;
      } else break;
    }
    const s = text.slice(p, q);
    return [sep ? s.replaceAll("_", "") : s, q];
  }

  private lexNumber(): number {
    const p = this.start;
    const [digits, q0] = this.digitRun(p);
    let q = q0;
    const c = this.at(q);
    if (c === 35) {
      // Base#Digits
      const base = digits.length > 10 ? 999 : Number(digits);
      if (base < 2 || base > 36) this.fail(p, this.text.slice(p, q + 1), "a base from 2 to 36");
      q++;
      const dstart = q;
      let sep = false;
      while (q < this.len) {
        const e = this.text.charCodeAt(q);
        if (digitValue(e) < base) q++;
        else if (e === 95 && q > dstart && digitValue(this.at(q + 1)) < base && digitValue(this.at(q - 1)) < base) {
          sep = true;
          q++;
        } else break;
      }
      if (q === dstart) this.failChar(q, `a base-${base} digit`);
      if (isNameChar(this.at(q))) this.failChar(q, `a base-${base} digit`);
      let ds = this.text.slice(dstart, q);
      if (sep) ds = ds.replaceAll("_", "");
      this.num = parseBased(ds, base);
      this.pos = q;
      return (this.kind = K_INT);
    }
    if (c === 46 && isDigit(this.at(q + 1))) {
      const [frac, q1] = this.digitRun(q + 1);
      q = q1;
      let exp = "";
      const e = this.at(q);
      if (e === 101 || e === 69) {
        let r = q + 1;
        let sign = "";
        const s = this.at(r);
        if (s === 43 || s === 45) {
          sign = s === 45 ? "-" : "";
          r++;
        }
        if (!isDigit(this.at(r))) this.failChar(r, "the digits of the float's exponent");
        const [ed, q2] = this.digitRun(r);
        exp = `e${sign}${ed}`;
        q = q2;
      }
      const f = Number(`${digits}.${frac}${exp}`);
      if (!Number.isFinite(f)) this.fail(p, this.clip(this.text.slice(p, q)), "a float within range (at most about 1.8e308)");
      this.fnum = f;
      this.pos = q;
      return (this.kind = K_FLOAT);
    }
    this.num = digits.length <= 15 ? Number(digits) : int(BigInt(digits));
    this.pos = q;
    return (this.kind = K_INT);
  }

  private lexChar(): number {
    const p = this.start + 1;
    if (p >= this.len) this.failChar(p, "a character after '$'");
    const c = this.text.codePointAt(p) ?? 0;
    if (c === 92) {
      this.pos = p + 1;
      this.num = this.lexEscape();
    } else {
      if (!isScanChar(c)) this.failChar(p, "a valid Unicode character");
      this.num = c;
      this.pos = p + (c > 0xffff ? 2 : 1);
    }
    return (this.kind = K_CHAR);
  }

  /** Reads an escape sequence; `this.pos` is just after the backslash. Returns the code. */
  private lexEscape(): number {
    const text = this.text;
    const b = this.pos - 1;
    const p = this.pos;
    if (p >= this.len) this.failChar(p, "an escape sequence after '\\'");
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 55) {
      let v = c - 48;
      let q = p + 1;
      for (let k = 0; k < 2; k++) {
        const o = this.at(q);
        if (o < 48 || o > 55) break;
        v = v * 8 + (o - 48);
        q++;
      }
      this.pos = q;
      return v;
    }
    if (c === 120) {
      // \xHH or \x{H...}
      if (this.at(p + 1) === 123) {
        let q = p + 2;
        while (hexValue(this.at(q)) >= 0) q++;
        if (this.at(q) !== 125 || q === p + 2) this.failChar(q, q === p + 2 ? "a hexadecimal digit" : "a hexadecimal digit or '}'");
        const digits = text.slice(p + 2, q).replace(/^0+(?=.)/u, "");
        const v = digits.length > 6 ? Infinity : parseInt(digits, 16);
        if (!isScanChar(v)) this.fail(b, text.slice(b, q + 1), "a Unicode code point (at most 10FFFF, not a surrogate)");
        this.pos = q + 1;
        return v;
      }
      const h1 = hexValue(this.at(p + 1));
      const h2 = hexValue(this.at(p + 2));
      if (h1 < 0) this.failChar(p + 1, "'{' or two hexadecimal digits");
      if (h2 < 0) this.failChar(p + 2, "a second hexadecimal digit");
      this.pos = p + 3;
      return h1 * 16 + h2;
    }
    if (c === 94) {
      // \^X: control character (OTP 25: X band 31, any X)
      const q = p + 1;
      if (q >= this.len) this.failChar(q, "a character after '\\^'");
      const x = text.codePointAt(q) ?? 0;
      this.pos = q + (x > 0xffff ? 2 : 1);
      return x & 31;
    }
    const x = text.codePointAt(p) ?? 0;
    if (!isScanChar(x)) this.failChar(p, "a valid Unicode character");
    this.pos = p + (x > 0xffff ? 2 : 1);
    switch (x) {
      case 110:
        return 10;
      case 114:
        return 13;
      case 116:
        return 9;
      case 118:
        return 11;
      case 98:
        return 8;
      case 102:
        return 12;
      case 101:
        return 27;
      case 115:
        return 32;
      case 100:
        return 127;
      default:
        return x;
    }
  }

  /** Reads the characters of a quoted string or atom; `this.pos` is at the opening quote. */
  private lexQuoted(q: number, what: string): number[] {
    const text = this.text;
    const open = this.pos;
    let p = open + 1;
    const out: number[] = [];
    for (;;) {
      if (p >= this.len) {
        this.fail(p, END_OF_INPUT, `${q === 34 ? "'\"'" : '"\'"'} closing the ${what} that starts at ${this.lineCol(open)}`);
      }
      const c = text.charCodeAt(p);
      if (c === q) break;
      if (c === 92) {
        this.pos = p + 1;
        out.push(this.lexEscape());
        p = this.pos;
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const cp = text.codePointAt(p) ?? 0;
        if (cp <= 0xffff) this.failChar(p, "a valid Unicode character");
        out.push(cp);
        p += 2;
      } else {
        out.push(c);
        p++;
      }
    }
    this.pos = p + 1;
    return out;
  }

  private lineCol(offset: number): string {
    const [line, column] = this.position(offset);
    return `${line}:${column}`;
  }

  private lexQuotedAtom(p: number): Atom {
    this.pos = p;
    const codes = this.lexQuoted(39, "atom");
    if (codes.length > 255) this.fail(p, this.clip(this.text.slice(p, this.pos)), "an atom of at most 255 characters");
    return atom(String.fromCodePoint(...codes));
  }

  private lexString(): number {
    this.pos = this.start;
    this.codes = this.lexQuoted(34, "string");
    return (this.kind = K_STRING);
  }

  /** An atom inside beamlab notation (bare or quoted), starting at `this.pos`. */
  private lexInnerAtom(expected: string): Atom {
    const p = this.pos;
    const c = this.at(p);
    if (c === 39) return this.lexQuotedAtom(p);
    if (c < 0 || !isAtomStart(c)) this.failChar(p, expected);
    let q = p + 1;
    while (q < this.len && isNameChar(this.text.charCodeAt(q))) q++;
    this.pos = q;
    if (q - p > 255) this.fail(p, this.clip(this.text.slice(p, q)), "an atom of at most 255 characters");
    return atom(this.text.slice(p, q));
  }

  /** A decimal integer without separators inside beamlab notation. */
  private lexUint(expected: string, max: number): number {
    const p = this.pos;
    let q = p;
    while (isDigit(this.at(q))) q++;
    if (q === p) this.failChar(p, expected);
    const v = Number(this.text.slice(p, q));
    if (v > max) this.fail(p, this.text.slice(p, q), `${expected} (at most ${max})`);
    this.pos = q;
    return v;
  }

  private expectChar(c: number, expected: string): void {
    if (this.at(this.pos) !== c) this.failChar(this.pos, expected);
    this.pos++;
  }

  /** `0` (local node) or `NODE/CREATION`. */
  private lexNodePart(): [Atom, number] {
    if (isDigit(this.at(this.pos))) {
      const p = this.pos;
      const n = this.lexUint("a node", MAX_U32);
      if (n !== 0) this.fail(p, String(n), "0 (the local node) or a node name");
      return [localNode(), localCreationNumber()];
    }
    const node = this.lexInnerAtom("0 (the local node) or a node name");
    this.expectChar(47, "'/' and the node's creation");
    return [node, this.lexUint("the node's creation", MAX_U32)];
  }

  /** After `<`: `0.ID.SERIAL>` or `NODE/C.ID.SERIAL>`. */
  private lexPidBody(): Pid {
    const [node, creation] = this.lexNodePart();
    this.expectChar(46, "'.'");
    const id = this.lexUint("the pid's id", MAX_U32);
    this.expectChar(46, "'.'");
    const serial = this.lexUint("the pid's serial", MAX_U32);
    this.expectChar(62, "'>'");
    return new Pid(node, id, serial, creation);
  }

  /** `#Port<...>`, `#Ref<...>` or `#Fun<...`. */
  private lexHashIdent(): number {
    const p = this.start + 1;
    let q = p;
    while ((this.at(q) >= 65 && this.at(q) <= 90) || (this.at(q) >= 97 && this.at(q) <= 122)) q++;
    const word = this.text.slice(p, q);
    if ((word !== "Port" && word !== "Ref" && word !== "Fun") || this.at(q) !== 60) {
      this.fail(this.start, this.clip(this.text.slice(this.start, q + 1)), "'#{', '#Port<', '#Ref<' or '#Fun<'");
    }
    this.pos = q + 1;
    if (word === "Port") {
      const [node, creation] = this.lexNodePart();
      this.expectChar(46, "'.'");
      const s = this.pos;
      while (isDigit(this.at(this.pos))) this.pos++;
      if (this.pos === s) this.failChar(s, "the port's id");
      const id = BigInt(this.text.slice(s, this.pos));
      if (id > 0xffffffffffffffffn) this.fail(s, this.text.slice(s, this.pos), "a port id below 2^64");
      this.expectChar(62, "'>'");
      this.value = new Port(node, id, creation);
      return (this.kind = K_ID);
    }
    if (word === "Ref") {
      const [node, creation] = this.lexNodePart();
      const words: number[] = [];
      do {
        this.expectChar(46, "'.'");
        words.push(this.lexUint("a reference id word", MAX_U32));
      } while (this.at(this.pos) === 46);
      if (words.length > 5) this.fail(this.start, this.clip(this.text.slice(this.start, this.pos)), "at most 5 reference id words");
      let kind: RefKind = "ordinary";
      if (this.at(this.pos) === 58) {
        this.pos++;
        const k = this.lexInnerAtom("a reference kind (magic or pid)");
        if (k.name !== "magic" && k.name !== "pid") this.fail(this.pos - k.name.length, k.name, "a reference kind (magic or pid)");
        kind = k.name;
      }
      this.expectChar(62, "'>'");
      this.value = new Ref(node, words.reverse(), creation, kind);
      return (this.kind = K_ID);
    }
    const module = this.lexInnerAtom("the fun's module");
    this.expectChar(46, "'.'");
    const index = this.lexUint("the fun's index", MAX_U32);
    this.expectChar(46, "'.'");
    const uniq = this.lexUint("the fun's uniq", MAX_U32);
    this.expectChar(47, "'/' and the fun's arity");
    const arity = this.lexUint("the fun's arity", 255);
    const head: FunHead = { module, index, uniq, arity };
    if (this.at(this.pos) === 62) {
      this.pos++;
      this.value = new LocalFun(module, index, uniq, arity, []);
      return (this.kind = K_ID);
    }
    this.funHead = head;
    return (this.kind = K_FUNOPEN);
  }

  // ----------------------------------------------------------------------------- parser

  parse(): Term {
    const stack: Frame[] = [];
    let top: Frame | undefined;
    let value: Term | StringSegment = nil;
    for (;;) {
      // ---- a value is expected
      let k = this.next();
      const inBin = top?.kind === F_BIN;
      if (top !== undefined && inBin) top.segStart = this.start;
      if (k === K_MINUS || k === K_PLUS) {
        let negative = k === K_MINUS;
        k = this.next();
        while (k === K_MINUS || k === K_PLUS) {
          if (k === K_MINUS) negative = !negative;
          k = this.next();
        }
        if (k === K_INT || k === K_CHAR) {
          const n = this.num;
          value = negative ? (typeof n === "number" ? (n === 0 ? 0 : -n) : int(-n)) : n;
        } else if (k === K_FLOAT) {
          value = new ErlFloat(negative ? -this.fnum : this.fnum);
        } else this.failToken("a number after the sign");
      } else if (k === K_INT || k === K_CHAR) {
        value = this.num;
      } else if (k === K_FLOAT) {
        value = new ErlFloat(this.fnum);
      } else if (k === K_STRING) {
        let codes = this.codes;
        while (this.next() === K_STRING) codes = codes.concat(this.codes);
        this.unread();
        if (inBin) value = new StringSegment(codes);
        else {
          let list: Term = nil;
          for (let i = codes.length - 1; i >= 0; i--) list = new Cons(codes[i] ?? 0, list);
          value = list;
        }
      } else if (k === K_BINOPEN) {
        const start = this.start;
        if (this.next() === K_BINCLOSE) value = new Binary(new Uint8Array(0));
        else {
          this.unread();
          const f = new Frame(F_BIN, start);
          f.writer = new BitWriter();
          if (top !== undefined) stack.push(top);
          top = f;
          continue;
        }
      } else if (k === K_VAR) {
        const bound = this.bindings?.get(this.name);
        if (bound === undefined) this.failToken(`a term (variable '${this.name}' is unbound)`);
        value = bound;
      } else if (inBin) {
        this.failToken("a binary segment value (integer, float, character, string or binary)");
      } else if (k === K_ATOM) {
        value = this.atomValue;
      } else if (k === K_LBRACK || k === K_LBRACE || k === K_MAPOPEN) {
        const close = k === K_LBRACK ? K_RBRACK : K_RBRACE;
        const start = this.start;
        if (this.next() === close) {
          value = k === K_LBRACK ? nil : k === K_LBRACE ? new Tuple([]) : mapFromEntries([]);
        } else {
          this.unread();
          if (top !== undefined) stack.push(top);
          top = new Frame(k === K_LBRACK ? F_LIST : k === K_LBRACE ? F_TUPLE : F_MAP, start);
          continue;
        }
      } else if (k === K_ID) {
        value = this.value;
      } else if (k === K_FUNOPEN) {
        const f = new Frame(F_FUN, this.start);
        f.head = this.funHead;
        if (top !== undefined) stack.push(top);
        top = f;
        continue;
      } else if (k === K_RESERVED && this.name === "fun") {
        value = this.parseExternalFun();
      } else {
        this.failToken("a term");
      }

      // ---- a value is complete: give it to the enclosing frames, closing those that end
      for (;;) {
        if (top === undefined) {
          k = this.next();
          if (k === K_DOT) k = this.next();
          if (k !== K_EOF) this.failToken("end of input");
          return value as Term;
        }
        const f: Frame = top;
        if (f.kind === F_LIST) {
          if (f.tail) {
            if (this.next() !== K_RBRACK) this.failToken("']'");
            f.last.tail = value as Term;
            value = f.first.tail;
            top = stack.pop();
            continue;
          }
          const cell = new Cons(value as Term, nil);
          f.last.tail = cell;
          f.last = cell;
          k = this.next();
          if (k === K_COMMA) break;
          if (k === K_BAR) {
            f.tail = true;
            break;
          }
          if (k !== K_RBRACK) this.failToken("',', '|' or ']'");
          value = f.first.tail;
          top = stack.pop();
          continue;
        }
        if (f.kind === F_TUPLE) {
          f.items.push(value as Term);
          k = this.next();
          if (k === K_COMMA) break;
          if (k !== K_RBRACE) this.failToken("',' or '}'");
          value = new Tuple(f.items);
          top = stack.pop();
          continue;
        }
        if (f.kind === F_MAP) {
          f.items.push(value as Term);
          k = this.next();
          if ((f.items.length & 1) === 1) {
            if (k !== K_ARROW) this.failToken("'=>'");
            break;
          }
          if (k === K_COMMA) break;
          if (k !== K_RBRACE) this.failToken("',' or '}'");
          const entries: [Term, Term][] = [];
          for (let i = 0; i < f.items.length; i += 2) entries.push([f.items[i] ?? nil, f.items[i + 1] ?? nil]);
          value = mapFromEntries(entries);
          top = stack.pop();
          continue;
        }
        if (f.kind === F_BIN) {
          this.segment(f, value);
          k = this.next();
          if (k === K_COMMA) break;
          if (k !== K_BINCLOSE) this.failToken("',' or '>>'");
          const w = (f.writer ??= new BitWriter());
          value = w.finish();
          top = stack.pop();
          continue;
        }
        // F_FUN trailer: [Free...] then optionally #{options}, then '>'.
        f.items.push(value as Term);
        k = this.next();
        if (f.items.length === 1 && k !== K_GT) {
          this.unread();
          break;
        }
        if (k !== K_GT) this.failToken(f.items.length === 1 ? "'>' or a map of fun fields" : "'>'");
        value = this.buildFun(f);
        top = stack.pop();
      }
    }
  }

  private parseExternalFun(): ExternalFun {
    const name = (): Atom => {
      const k = this.next();
      if (k === K_ATOM) return this.atomValue;
      if (k === K_RESERVED) return atom(this.name);
      this.failToken("an atom");
    };
    const module = name();
    if (this.next() !== K_COLON) this.failToken("':'");
    const fn = name();
    if (this.next() !== K_SLASH) this.failToken("'/'");
    if (this.next() !== K_INT || typeof this.num !== "number" || this.num > 255) this.failToken("an arity (0 to 255)");
    return new ExternalFun(module, fn, this.num);
  }

  private buildFun(f: Frame): LocalFun {
    const head = f.head;
    if (head === undefined) throw new Error("fun frame without a header");
    const free: Term[] = [];
    let l: Term = f.items[0] ?? nil;
    while (typeof l === "object" && l.tag === Tag.Cons) {
      free.push(l.head);
      l = l.tail;
    }
    if (l !== nil) this.fail(f.start, this.clip(this.text.slice(f.start, this.pos)), "a proper list of free variables in the fun");
    let md5 = "";
    // The header holds the old index (what `~w` prints); the index defaults to it.
    let index = head.index;
    let pid: Pid | undefined;
    const opts = f.items[1];
    if (opts !== undefined) {
      const bad: () => never = () =>
        this.fail(f.start, this.clip(this.text.slice(f.start, this.pos)), "fun fields #{index => N, md5 => <<16 bytes>>, pid => Pid}");
      if (typeof opts !== "object" || opts.tag !== Tag.Map) bad();
      const m: ErlMap = opts;
      for (let i = 0; i < m.keys.length; i++) {
        const key = m.keys[i];
        const v = m.values[i] ?? nil;
        if (key === atom("md5") && typeof v === "object" && v.tag === Tag.Binary && v.bytes.length === 16) {
          md5 = Array.from(v.bytes, (b) => b.toString(16).padStart(2, "0")).join("");
        } else if (key === atom("index") && typeof v === "number" && v >= 0 && v <= MAX_U32) {
          index = v;
        } else if (key === atom("pid") && typeof v === "object" && v.tag === Tag.Pid) {
          pid = v;
        } else bad();
      }
    }
    return new LocalFun(head.module, index, head.uniq, head.arity, free, md5, head.index, pid);
  }

  // ----------------------------------------------------------------------------- bit syntax

  /** Reads `[:Size][/Specs]` after a segment value and appends the segment to the frame. */
  private segment(f: Frame, value: Term | StringSegment): void {
    const segStart = f.segStart;
    let size: number | undefined;
    let type: string | undefined;
    let unit: number | undefined;
    let signed: boolean | undefined;
    let endian: string | undefined;
    let k = this.next();
    if (k === K_COLON) {
      k = this.next();
      if (k === K_INT && typeof this.num === "number") size = this.num;
      else if (k === K_VAR && typeof this.bindings?.get(this.name) === "number") size = this.bindings.get(this.name) as number;
      else this.failToken("a segment size (a non-negative integer)");
      k = this.next();
    }
    if (k === K_SLASH) {
      for (;;) {
        k = this.next();
        const specStart = this.start;
        const specText = this.text.slice(this.start, this.pos);
        if (k !== K_ATOM) this.failToken("a type specifier");
        const spec = this.atomValue.name;
        const mismatch: () => never = () => this.fail(specStart, specText, "a type specifier that does not contradict the previous ones");
        const setType = (t: string, u?: number): void => {
          if (type !== undefined && type !== t) mismatch();
          type = t;
          if (u !== undefined) {
            if (unit !== undefined && unit !== u) mismatch();
            unit = u;
          }
        };
        switch (spec) {
          case "integer":
          case "float":
          case "binary":
          case "utf8":
          case "utf16":
          case "utf32":
            setType(spec);
            break;
          case "bytes":
            setType("binary", 8);
            break;
          case "bits":
          case "bitstring":
            setType("binary", 1);
            break;
          case "signed":
          case "unsigned":
            if (signed !== undefined && signed !== (spec === "signed")) mismatch();
            signed = spec === "signed";
            break;
          case "big":
          case "little":
          case "native":
            if (endian !== undefined && endian !== spec) mismatch();
            endian = spec;
            break;
          case "unit": {
            if (this.next() !== K_COLON) this.failToken("':' and the unit");
            if (this.next() !== K_INT || typeof this.num !== "number" || this.num < 1 || this.num > 256) this.failToken("a unit from 1 to 256");
            if (unit !== undefined && unit !== this.num) mismatch();
            unit = this.num;
            break;
          }
          default:
            this.failToken("a type specifier (integer, float, binary, bytes, bitstring, bits, utf8, utf16, utf32, signed, unsigned, big, little, native or unit:N)");
        }
        k = this.next();
        if (k !== K_MINUS) break;
      }
    }
    this.unread();
    const w = (f.writer ??= new BitWriter());
    const t = type ?? "integer";
    const little = endian === "little" || endian === "native";
    const segFail: (expected: string) => never = (expected) =>
      this.fail(segStart, this.clip(this.text.slice(segStart, this.start).trimEnd()), expected);
    if (t === "utf8" || t === "utf16" || t === "utf32") {
      if (size !== undefined || unit !== undefined) segFail(`a ${t} segment without size or unit`);
      const codes = value instanceof StringSegment ? value.codes : [value];
      for (const c of codes) {
        if (typeof c !== "number" || c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) segFail(`a Unicode code point for a ${t} segment`);
        w.utf(c, t, little);
      }
      return;
    }
    if (t === "binary") {
      if (typeof value !== "object" || value instanceof StringSegment || (value.tag !== Tag.Binary && value.tag !== Tag.SubBinary)) {
        segFail("a binary or bitstring value for a binary segment");
      }
      const b: Binary | SubBinary = value;
      const u = unit ?? 8;
      const bits = b.bitSize;
      let n = bits;
      if (size !== undefined) {
        n = size * u;
        if (n > bits) segFail(`a binary of at least ${n} bits`);
      } else if (bits % u !== 0) segFail(`a binary whose size is a multiple of ${u} bits`);
      if (b.tag === Tag.Binary) w.bitsFrom(b.bytes, 0, n);
      else w.bitsFrom(b.orig.bytes, b.bitOffset, n);
      return;
    }
    if (size === undefined && unit !== undefined) segFail(`a size for a segment with a unit`);
    const codes: (Term | number)[] = value instanceof StringSegment ? value.codes : [value];
    if (t === "float") {
      const bits = (size ?? 64) * (unit ?? 1);
      if (bits !== 64 && bits !== 32 && bits !== 16) segFail("a float segment of 16, 32 or 64 bits");
      for (const c of codes) {
        let x: number;
        if (typeof c === "number") x = c;
        else if (typeof c === "bigint") x = Number(c);
        else if (c.tag === Tag.Float) x = c.value;
        else segFail("an integer or float value for a float segment");
        if (!Number.isFinite(x)) segFail("a value that fits a float");
        w.float(x, bits, little);
      }
      return;
    }
    const bits = (size ?? 8) * (unit ?? 1);
    for (const c of codes) {
      if (typeof c !== "number" && typeof c !== "bigint") segFail("an integer value for an integer segment");
      w.integer(c, bits, little);
    }
  }
}

/** Parses digits (no separators) in base 2..36 to an integer in canonical form. */
function parseBased(ds: string, base: number): number | bigint {
  if (base === 10) return ds.length <= 15 ? Number(ds) : int(BigInt(ds));
  const bitsPerDigit = Math.log2(base);
  if (ds.length * bitsPerDigit < 53) return parseInt(ds, base);
  if (base === 16) return int(BigInt(`0x${ds}`));
  if (base === 2) return int(BigInt(`0b${ds}`));
  if (base === 8) return int(BigInt(`0o${ds}`));
  // Chunks of up to 10 digits (36^10 < 2^53).
  const b = BigInt(base);
  let v = 0n;
  for (let i = 0; i < ds.length; i += 10) {
    const chunk = ds.slice(i, i + 10);
    v = v * b ** BigInt(chunk.length) + BigInt(parseInt(chunk, base));
  }
  return int(v);
}

// ---------------------------------------------------------------------------------------------
// Bit writer for binary literals.

const scratch = new DataView(new ArrayBuffer(8));

class BitWriter {
  private bytes = new Uint8Array(16);
  private bits = 0;

  private grow(extra: number): void {
    const need = (this.bits + extra + 7) >>> 3;
    if (need > this.bytes.length) {
      const n = new Uint8Array(Math.max(need, this.bytes.length * 2));
      n.set(this.bytes);
      this.bytes = n;
    }
  }

  /** Appends the `n` (≤ 32) low bits of `v` (unsigned, < 2^n), most significant first. */
  uint(v: number, n: number): void {
    if (n === 0) return;
    this.grow(n);
    const bytes = this.bytes;
    if ((this.bits & 7) === 0 && n === 8) {
      bytes[this.bits >>> 3] = v;
      this.bits += 8;
      return;
    }
    while (n > 0) {
      const free = 8 - (this.bits & 7);
      const take = free < n ? free : n;
      const chunk = Math.floor(v / 2 ** (n - take)) & ((1 << take) - 1);
      const i = this.bits >>> 3;
      bytes[i] = (bytes[i] ?? 0) | (chunk << (free - take));
      this.bits += take;
      n -= take;
    }
  }

  /** Appends an unsigned bigint `v` < 2^n in n bits, big-endian, in linear time. */
  private ubig(v: bigint, n: number): void {
    const digits = Math.ceil(n / 4);
    const hex = v.toString(16).padStart(digits, "0");
    const firstBits = n - 4 * (digits - 1);
    this.uint(parseInt(hex.charAt(0), 16), firstBits);
    let i = 1;
    // Then pairs of hex digits (bytes) where possible.
    if ((digits - 1) % 2 === 1) {
      this.uint(parseInt(hex.charAt(1), 16), 4);
      i = 2;
    }
    for (; i < digits; i += 2) this.uint(parseInt(hex.slice(i, i + 2), 16), 8);
  }

  /** An integer segment of `n` bits (two's complement, truncated like the BEAM). */
  integer(v: number | bigint, n: number, little: boolean): void {
    if (n === 0) return;
    if (typeof v === "number" && n <= 32 && !little) {
      const m = v >= 0 && v < 2 ** n ? v : ((v % 2 ** n) + 2 ** n) % 2 ** n;
      this.uint(m, n);
      return;
    }
    const m = BigInt.asUintN(n, BigInt(v));
    if (!little) {
      if (n <= 53) {
        const x = Number(m);
        if (n <= 32) this.uint(x, n);
        else {
          this.uint(Math.floor(x / 2 ** 32), n - 32);
          this.uint(x % 2 ** 32, 32);
        }
      } else this.ubig(m, n);
      return;
    }
    // Little endian: whole bytes from the least significant one, then the remaining high bits.
    const full = Math.floor(n / 8);
    const rest = n % 8;
    const hex = m.toString(16).padStart(2 * full + (rest > 0 ? 1 : 0), "0");
    const hl = hex.length;
    for (let i = 0; i < full; i++) this.uint(parseInt(hex.slice(hl - 2 * i - 2, hl - 2 * i), 16), 8);
    if (rest > 0) this.uint(parseInt(hex.slice(0, hl - 2 * full), 16), rest);
  }

  float(x: number, n: number, little: boolean): void {
    let len: number;
    if (n === 64) {
      scratch.setFloat64(0, x, little);
      len = 8;
    } else if (n === 32) {
      scratch.setFloat32(0, x, little);
      len = 4;
    } else {
      scratch.setUint16(0, float16Bits(x), little);
      len = 2;
    }
    for (let i = 0; i < len; i++) this.uint(scratch.getUint8(i), 8);
  }

  utf(c: number, t: string, little: boolean): void {
    if (t === "utf8") {
      if (c < 0x80) this.uint(c, 8);
      else if (c < 0x800) {
        this.uint(0xc0 | (c >> 6), 8);
        this.uint(0x80 | (c & 63), 8);
      } else if (c < 0x10000) {
        this.uint(0xe0 | (c >> 12), 8);
        this.uint(0x80 | ((c >> 6) & 63), 8);
        this.uint(0x80 | (c & 63), 8);
      } else {
        this.uint(0xf0 | (c >> 18), 8);
        this.uint(0x80 | ((c >> 12) & 63), 8);
        this.uint(0x80 | ((c >> 6) & 63), 8);
        this.uint(0x80 | (c & 63), 8);
      }
    } else if (t === "utf16") {
      if (c < 0x10000) this.unit16(c, little);
      else {
        const d = c - 0x10000;
        this.unit16(0xd800 | (d >> 10), little);
        this.unit16(0xdc00 | (d & 0x3ff), little);
      }
    } else if (little) {
      this.uint(c & 0xff, 8);
      this.uint((c >> 8) & 0xff, 8);
      this.uint((c >> 16) & 0xff, 8);
      this.uint(c >>> 24, 8);
    } else this.uint(c, 32);
  }

  private unit16(u: number, little: boolean): void {
    if (little) {
      this.uint(u & 0xff, 8);
      this.uint(u >> 8, 8);
    } else this.uint(u, 16);
  }

  /** Appends `n` bits of `src` starting at bit `offset`. */
  bitsFrom(src: Uint8Array, offset: number, n: number): void {
    this.grow(n);
    if ((offset & 7) === 0 && (this.bits & 7) === 0) {
      const whole = n >>> 3;
      this.bytes.set(src.subarray(offset >>> 3, (offset >>> 3) + whole), this.bits >>> 3);
      this.bits += whole * 8;
      const rest = n & 7;
      if (rest > 0) this.uint((src[(offset >>> 3) + whole] ?? 0) >>> (8 - rest), rest);
      return;
    }
    let o = offset;
    let left = n;
    while (left > 0) {
      const take = left < 8 ? left : 8;
      const i = o >>> 3;
      const sh = o & 7;
      const word = (((src[i] ?? 0) << 8) | (src[i + 1] ?? 0)) >>> 0;
      const byte = (word >>> (16 - sh - take)) & ((1 << take) - 1);
      this.uint(byte, take);
      o += take;
      left -= take;
    }
  }

  finish(): Binary | SubBinary {
    return bitstring(this.bytes.subarray(0, (this.bits + 7) >>> 3), this.bits);
  }
}

/** IEEE 754 binary16 bits of `x`, rounded to nearest even; overflow gives an infinity. */
function float16Bits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  const roundEven = (v: number): number => {
    const f = Math.floor(v);
    const d = v - f;
    return d > 0.5 || (d === 0.5 && (f & 1) === 1) ? f + 1 : f;
  };
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24); // subnormal (1024 = smallest normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  if (e > 15) return sign | 0x7c00;
  const bits = ((e + 15) << 10) + roundEven(a * 2 ** (10 - e)) - 1024;
  return sign | (bits >= 0x7c00 ? 0x7c00 : bits);
}
