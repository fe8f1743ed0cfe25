/**
 * The term notation of erl_crash.dump heap sections (`=proc_heap`, `=proc_dictionary`,
 * `=literals`, `=proc_stack`), as OTP's erts/emulator/beam/erl_process_dump.c writes it and
 * lib/observer/src/crashdump_viewer.erl reads it.
 *
 * Owns: the subset of the notation beamlab writes and reads, one value per address:
 *  - `N` nil, `I<dec>` small integer, `A<hex len>:<name>` atom, `P<pid>` pid,
 *  - `H<hex addr>` a pointer to another heap line,
 *  - `t<hex arity>:<e1>,<e2>,...` tuple, `l<head>|<tail>` cons cell,
 *  - `Yh<hex size>:<base64>` heap binary, `Yc<hex binp>:<hex offset>:<hex size>` ProcBin (refc
 *    binary), `Ys<hex binp>:<hex offset>:<hex size>` sub-binary of a refc binary.
 * Anything else (floats, bignums, maps, `E` external terms, funs) parses as `{ kind: "other" }`
 * and is never guessed at.
 * Invariant: `formatDumpTerm(parseDumpTerm(s))` = `s` for every value of the subset.
 */

export type DumpTerm =
  | { readonly kind: "nil" }
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "atom"; readonly name: string }
  | { readonly kind: "pid"; readonly pid: string }
  | { readonly kind: "ptr"; readonly addr: string }
  | { readonly kind: "tuple"; readonly elements: readonly DumpTerm[] }
  | { readonly kind: "cons"; readonly head: DumpTerm; readonly tail: DumpTerm }
  | { readonly kind: "heap_binary"; readonly size: number }
  | { readonly kind: "refc_binary"; readonly binp: string; readonly offset: number; readonly size: number }
  | { readonly kind: "sub_binary"; readonly binp: string; readonly offset: number; readonly size: number }
  | { readonly kind: "other"; readonly text: string };

const hex = (n: number): string => n.toString(16).toUpperCase();

export function formatDumpTerm(t: DumpTerm): string {
  switch (t.kind) {
    case "nil":
      return "N";
    case "int":
      return `I${t.value}`;
    case "atom":
      return `A${hex(Buffer.byteLength(t.name, "utf8"))}:${t.name}`;
    case "pid":
      return `P${t.pid}`;
    case "ptr":
      return `H${t.addr}`;
    case "tuple":
      return `t${hex(t.elements.length)}:${t.elements.map(formatDumpTerm).join(",")}`;
    case "cons":
      return `l${formatDumpTerm(t.head)}|${formatDumpTerm(t.tail)}`;
    case "heap_binary":
      return `Yh${hex(t.size)}:${Buffer.alloc(t.size).toString("base64")}`;
    case "refc_binary":
      return `Yc${t.binp}:${hex(t.offset)}:${hex(t.size)}`;
    case "sub_binary":
      return `Ys${t.binp}:${hex(t.offset)}:${hex(t.size)}`;
    case "other":
      return t.text;
  }
}

/** A cursor over one line of heap notation. Throws {@link DumpTermError} on malformed input. */
export class DumpTermError extends Error {}

const HEX = /^[0-9A-Fa-f]+/;

export function parseDumpTerm(text: string): DumpTerm {
  const r = new Reader(text);
  const t = r.term();
  return r.pos === text.length ? t : { kind: "other", text };
}

class Reader {
  pos = 0;
  constructor(private readonly s: string) {}

  private hexNum(): number {
    const m = HEX.exec(this.s.slice(this.pos, this.pos + 32));
    if (m === null) throw new DumpTermError(`expected a hex number at column ${this.pos + 1}`);
    this.pos += m[0].length;
    return parseInt(m[0], 16);
  }

  private hexText(): string {
    const m = HEX.exec(this.s.slice(this.pos, this.pos + 32));
    if (m === null) throw new DumpTermError(`expected a hex address at column ${this.pos + 1}`);
    this.pos += m[0].length;
    return m[0];
  }

  private expect(c: string): void {
    if (this.s[this.pos] !== c) throw new DumpTermError(`expected '${c}' at column ${this.pos + 1}`);
    this.pos++;
  }

  term(): DumpTerm {
    const c = this.s[this.pos];
    const start = this.pos;
    switch (c) {
      case "N":
        this.pos++;
        return { kind: "nil" };
      case "I": {
        this.pos++;
        const m = /^-?\d+/.exec(this.s.slice(this.pos, this.pos + 24));
        if (m === null) throw new DumpTermError(`expected an integer at column ${this.pos + 1}`);
        this.pos += m[0].length;
        return { kind: "int", value: Number(m[0]) };
      }
      case "A": {
        this.pos++;
        const len = this.hexNum();
        this.expect(":");
        // length is in bytes of UTF-8
        const rest = Buffer.from(this.s.slice(this.pos), "utf8");
        const name = rest.subarray(0, len).toString("utf8");
        this.pos += name.length;
        return { kind: "atom", name };
      }
      case "P": {
        this.pos++;
        const m = /^<[\d.]+>/.exec(this.s.slice(this.pos, this.pos + 40));
        if (m === null) throw new DumpTermError(`expected a pid at column ${this.pos + 1}`);
        this.pos += m[0].length;
        return { kind: "pid", pid: m[0] };
      }
      case "H":
        this.pos++;
        return { kind: "ptr", addr: this.hexText() };
      case "t": {
        this.pos++;
        const n = this.hexNum();
        this.expect(":");
        const elements: DumpTerm[] = [];
        for (let i = 0; i < n; i++) {
          if (i > 0) this.expect(",");
          elements.push(this.term());
        }
        return { kind: "tuple", elements };
      }
      case "l": {
        this.pos++;
        const head = this.term();
        this.expect("|");
        return { kind: "cons", head, tail: this.term() };
      }
      case "Y": {
        const sub = this.s[this.pos + 1];
        this.pos += 2;
        if (sub === "h") {
          const size = this.hexNum();
          this.expect(":");
          const m = /^[A-Za-z0-9+/=]*/.exec(this.s.slice(this.pos));
          this.pos += m?.[0].length ?? 0;
          return { kind: "heap_binary", size };
        }
        if (sub === "c" || sub === "s") {
          const binp = this.hexText();
          this.expect(":");
          const offset = this.hexNum();
          this.expect(":");
          const size = this.hexNum();
          return { kind: sub === "c" ? "refc_binary" : "sub_binary", binp, offset, size };
        }
        break;
      }
      case undefined:
        throw new DumpTermError(`unexpected end of term at column ${this.pos + 1}`);
      default:
        break;
    }
    // unknown notation: the rest of the line (it cannot be split safely)
    this.pos = this.s.length;
    return { kind: "other", text: this.s.slice(start) };
  }
}
