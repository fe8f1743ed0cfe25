/**
 * printTerm: the canonical text, round trips through parseTerm for random terms of every type
 * (fast-check), agreement with the `~w` texts and external term format the real BEAM recorded in
 * tooling/beam-oracle/fixtures/terms.json, and iterative printing of deep and long terms. The live
 * comparison with `erl` is in print.beam.test.ts.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Binary,
  ErlFloat,
  ExternalFun,
  LocalFun,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tag,
  atom,
  atomNeedsQuotes,
  binary,
  bitstring,
  charlist,
  equals,
  float,
  list,
  localCreationNumber,
  localNode,
  mapFromEntries,
  nil,
  parseTerm,
  printFloat,
  printTerm,
  tuple,
  type Term,
} from "../src/index.js";
import { decodeEtf } from "../src/term/etf.js";
import { TRICKY_ATOM_NAMES, anyTermArb, floatArb } from "./support/term-text-arb.js";

const SEED = Number(process.env.BEAMLAB_SEED ?? 20250301);

/** Whether a map with more than 32 keys (a HAMT on the BEAM) occurs anywhere in `t`. */
function containsHamt(t: Term): boolean {
  const stack: Term[] = [t];
  const seen = new Set<object>();
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (typeof x !== "object" || seen.has(x)) continue;
    seen.add(x);
    if (x.tag === Tag.Cons) stack.push(x.head, x.tail);
    else if (x.tag === Tag.Tuple) stack.push(...x.elements);
    else if (x.tag === Tag.Map) {
      if (x.size > 32) return true;
      stack.push(...x.keys, ...x.values);
    } else if (x.tag === Tag.Fun && !x.external) stack.push(...x.free);
  }
  return false;
}

/** Whether `~w` prints `t` in a way that identifies it: no local funs, no other node's identifiers. */
function wTextIdentifies(t: Term): boolean {
  const stack: Term[] = [t];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (typeof x !== "object") continue;
    if (x.tag === Tag.Cons) stack.push(x.head, x.tail);
    else if (x.tag === Tag.Tuple) stack.push(...x.elements);
    else if (x.tag === Tag.Map) stack.push(...x.keys, ...x.values);
    else if (x.tag === Tag.Fun && !x.external) return false;
    else if ((x.tag === Tag.Pid || x.tag === Tag.Port || x.tag === Tag.Ref) && (x.node !== localNode() || x.creation !== localCreationNumber())) {
      return false;
    }
  }
  return true;
}

describe("canonical text", () => {
  it("follows ~w for containers: no spaces, lists of integers as lists", () => {
    expect(printTerm(tuple(atom("a"), 1, nil, tuple()))).toBe("{a,1,[],{}}");
    expect(printTerm(charlist("hi"))).toBe("[104,105]");
    expect(printTerm(list([1, 2], 3))).toBe("[1,2|3]");
    expect(printTerm(list([atom("a")], list([], atom("c"))))).toBe("[a|c]");
    expect(printTerm(mapFromEntries([[atom("b"), 1], [float(1), 2], [1, 3]]))).toBe("#{1 => 3,1.0 => 2,b => 1}");
    expect(printTerm(mapFromEntries([]))).toBe("#{}");
    expect(printTerm(binary([1, 2, 3]))).toBe("<<1,2,3>>");
    expect(printTerm(binary([]))).toBe("<<>>");
    expect(printTerm(bitstring([1, 2, 0x30], 20))).toBe("<<1,2,3:4>>");
    expect(printTerm(bitstring([0x80], 1))).toBe("<<1:1>>");
    expect(printTerm(12345678901234567890n)).toBe("12345678901234567890");
    expect(printTerm(-42)).toBe("-42");
  });
  it("prints bitstrings that start at any bit offset", () => {
    // bits 3..22 of 0b00011111 0b11100000 0b00000110 → 11111111 00000000 0011
    expect(printTerm(new SubBinary(new Binary(Uint8Array.from([0x1f, 0xe0, 0x06])), 3, 20))).toBe("<<255,0,3:4>>");
    expect(printTerm(new SubBinary(new Binary(Uint8Array.from([1, 2, 3])), 8, 16))).toBe("<<2,3>>");
    expect(printTerm(new SubBinary(new Binary(Uint8Array.from([1, 2, 3])), 5, 0))).toBe("<<>>");
  });
  it("quotes atoms exactly when Erlang needs it", () => {
    const quoted = (name: string): string => printTerm(atom(name));
    expect(quoted("ok")).toBe("ok");
    expect(quoted("hello_World@x1")).toBe("hello_World@x1");
    expect(quoted("ünïcödé")).toBe("ünïcödé");
    expect(quoted("maybe")).toBe("maybe");
    expect(quoted("")).toBe("''");
    expect(quoted("Ok")).toBe("'Ok'");
    expect(quoted("_ok")).toBe("'_ok'");
    expect(quoted("and")).toBe("'and'");
    expect(quoted("a b")).toBe("'a b'");
    expect(quoted("a'b\\c")).toBe("'a\\'b\\\\c'");
    expect(quoted("\n\t\u007f\u0000\u009f")).toBe("'\\n\\t\\d\\000\\237'");
    expect(quoted("日本\u{1F642}")).toBe("'\\x{65E5}\\x{672C}\\x{1F642}'");
    expect(quoted("÷")).toBe("'÷'");
    expect(quoted("a×")).toBe("'a×'");
    for (const name of TRICKY_ATOM_NAMES) expect(parseTerm(quoted(name))).toBe(atom(name));
    expect(atomNeedsQuotes("case")).toBe(true);
  });
  it("prints floats in OTP 25's shortest round-trip format", () => {
    expect(printFloat(1)).toBe("1.0");
    expect(printFloat(-0)).toBe("-0.0");
    expect(printFloat(0.1)).toBe("0.1");
    expect(printFloat(1e300)).toBe("1.0e300");
    expect(printFloat(5e-324)).toBe("5.0e-324");
    expect(printFloat(100)).toBe("100.0");
    expect(printFloat(1000)).toBe("1.0e3");
    expect(printFloat(2 ** 53)).toBe("9.007199254740992e15");
  });
  it("prints external funs in Erlang syntax, quoting as needed", () => {
    expect(printTerm(new ExternalFun(atom("lists"), atom("map"), 2))).toBe("fun lists:map/2");
    expect(printTerm(new ExternalFun(atom("and"), atom("b c"), 0))).toBe("fun 'and':'b c'/0");
  });
  it("prints local identifiers as ~w and others in beamlab notation", () => {
    const here = localNode();
    const c = localCreationNumber();
    expect(printTerm(new Pid(here, 84, 0, c))).toBe("<0.84.0>");
    expect(printTerm(new Pid(atom("a@b.c"), 84, 1, 3))).toBe("<'a@b.c'/3.84.1>");
    expect(printTerm(new Pid(here, 84, 0, c + 1))).toBe(`<nonode@nohost/${c + 1}.84.0>`);
    expect(printTerm(new Port(here, 5n, c))).toBe("#Port<0.5>");
    expect(printTerm(new Port(atom("a@b"), 2n ** 40n, 2))).toBe("#Port<a@b/2.1099511627776>");
    expect(printTerm(new Ref(here, [3, 2, 1], c))).toBe("#Ref<0.1.2.3>");
    expect(printTerm(new Ref(here, [3, 2, 1], c, "magic"))).toBe("#Ref<0.1.2.3:magic>");
    expect(printTerm(new Ref(atom("x@y"), [5, 4, 3, 2, 1], 7, "pid"))).toBe("#Ref<x@y/7.1.2.3.4.5:pid>");
  });
  it("prints local funs with arity, free variables and non-default fields", () => {
    expect(printTerm(new LocalFun(atom("m"), 0, 79404126, 1, []))).toBe("#Fun<m.0.79404126/1>");
    expect(printTerm(new LocalFun(atom("m"), 0, 7, 1, [5, atom("abc"), list([1])]))).toBe("#Fun<m.0.7/1 [5,abc,[1]]>");
    const md5 = "000102030405060708090a0b0c0d0eff";
    const pid = new Pid(localNode(), 9, 0, localCreationNumber());
    expect(printTerm(new LocalFun(atom("A"), 3, 4, 0, [], md5, 2, pid))).toBe(
      "#Fun<'A'.2.4/0 [] #{index => 3,md5 => <<0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,255>>,pid => <0.9.0>}>",
    );
  });
});

describe("round trip through parseTerm (fast-check)", () => {
  it("reads back every printed term =:= the original, and prints it the same again", () => {
    fc.assert(
      fc.property(anyTermArb(), (t) => {
        const text = printTerm(t);
        const back = parseTerm(text);
        return equals(back, t) && printTerm(back) === text;
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
  it("reads back every float exactly", () => {
    fc.assert(
      fc.property(floatArb, (f) => {
        const back = parseTerm(printTerm(f));
        return back instanceof ErlFloat && Object.is(back.value, (f as ErlFloat).value);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
  it("reads back printed terms with a trailing dot, spaces and comments around them", () => {
    fc.assert(
      fc.property(anyTermArb(2), (t) => equals(parseTerm(` % c\n ${printTerm(t)} .\n`), t)),
      { seed: SEED, numRuns: 100 },
    );
  });
});

interface FixtureTerm {
  id: string;
  category: string;
  text: string | null;
  etf: string;
  term_type: string;
}
interface SharedRecord {
  id: string;
  bindings: [string, string][];
  body: string;
}
const fixture = loadFixture("terms") as { node: string; creation: number; terms: FixtureTerm[]; shared: SharedRecord[] };
/** Types whose `~w` text does not identify the term: other nodes' identifiers (node index) and local funs (no arity). */
const NO_TEXT_SYNTAX = new Set(["external_pid", "external_port", "external_reference", "fun"]);

describe("against the recorded BEAM (fixtures/terms.json)", () => {
  const decoded = (r: FixtureTerm): Term => decodeEtf(Uint8Array.from(Buffer.from(r.etf, "base64")));

  it("was recorded on the node parseTerm treats as local", () => {
    expect(fixture.node).toBe(localNode().name);
    expect(fixture.creation).toBe(localCreationNumber());
  });

  it("reads every ~w text to the recorded term, and prints it back as ~w did (but HAMTs)", () => {
    const wrong: string[] = [];
    let checked = 0;
    let hamts = 0;
    let skipped = 0;
    for (const r of fixture.terms) {
      if (r.text === null) continue;
      const etf = decoded(r);
      if (!wTextIdentifies(etf)) {
        skipped++;
        continue;
      }
      checked++;
      const t = parseTerm(r.text);
      if (!equals(t, etf)) wrong.push(`${r.id}: parsed ${printTerm(t).slice(0, 80)} is not the recorded term`);
      const printed = printTerm(t);
      if (containsHamt(t)) {
        // ~w writes a HAMT in its internal hash order; the canonical text uses map-key order.
        hamts++;
        if (printed === r.text) wrong.push(`${r.id}: expected a different key order than ~w`);
        if (!equals(parseTerm(printed), etf)) wrong.push(`${r.id}: canonical text does not read back`);
      } else if (printed !== r.text) {
        wrong.push(`${r.id}: printed ${printed.slice(0, 80)} but ~w gave ${r.text.slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(400);
    expect(skipped).toBeLessThan(20);
    expect(hamts).toBeGreaterThan(20);
  });

  it("round-trips every recorded term, including other nodes' identifiers and closures", () => {
    const wrong: string[] = [];
    const types = new Set<string>();
    for (const r of fixture.terms) {
      const t = decoded(r);
      const text = printTerm(t);
      const back = parseTerm(text);
      if (!equals(back, t) || printTerm(back) !== text) wrong.push(`${r.id}: ${text.slice(0, 100)}`);
      types.add(r.term_type);
    }
    expect(wrong).toEqual([]);
    for (const ty of NO_TEXT_SYNTAX) expect(types.has(ty)).toBe(true);
  });

  it("builds the recorded shared terms from their bindings, sharing the bound objects", () => {
    for (const s of fixture.shared) {
      const bindings = new Map<string, Term>();
      for (const [name, text] of s.bindings) bindings.set(name, parseTerm(text, { bindings }));
      const body = parseTerm(s.body, { bindings });
      // Every bound compound term named in the body is reachable from the result by identity.
      const reachable = new Set<unknown>();
      const stack: Term[] = [body];
      for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
        if (typeof x !== "object" || reachable.has(x)) continue;
        reachable.add(x);
        if (x.tag === Tag.Cons) stack.push(x.head, x.tail);
        else if (x.tag === Tag.Tuple) stack.push(...x.elements);
        else if (x.tag === Tag.Map) stack.push(...x.keys, ...x.values);
      }
      for (const [name, value] of bindings) {
        if (typeof value === "object" && value !== nil && new RegExp(`\\b${name}\\b`).test(s.body)) {
          expect(reachable.has(value), `${s.id}: ${name}`).toBe(true);
        }
      }
    }
  });
});

describe("scale", () => {
  it("prints 100,000-deep nesting of every container without recursion", () => {
    const n = 100_000;
    let l: Term = nil;
    let tu: Term = tuple();
    let m: Term = mapFromEntries([]);
    let f: Term = new LocalFun(atom("m"), 0, 0, 0, []);
    let imp: Term = 1;
    for (let i = 0; i < n; i++) {
      l = list([l]);
      tu = tuple(tu);
      m = mapFromEntries([[atom("a"), m]]);
      f = new LocalFun(atom("m"), 0, 0, 0, [f]);
      imp = list([imp], 2);
    }
    expect(printTerm(l)).toBe("[".repeat(n) + "[]" + "]".repeat(n));
    expect(printTerm(tu)).toBe("{".repeat(n) + "{}" + "}".repeat(n));
    expect(printTerm(m)).toBe("#{a => ".repeat(n) + "#{}" + "}".repeat(n));
    expect(printTerm(f)).toBe("#Fun<m.0.0/0 [".repeat(n) + "#Fun<m.0.0/0>" + "]>".repeat(n));
    expect(printTerm(imp)).toBe("[".repeat(n) + "1" + "|2]".repeat(n));
    expect(equals(parseTerm(printTerm(f)), f)).toBe(true);
  });
  it("prints a 10,000,000-element list in linear time", () => {
    const n = 10_000_000;
    const l = list({
      *[Symbol.iterator]() {
        for (let i = 0; i < n; i++) yield i & 7;
      },
    });
    const text = printTerm(l); // a quadratic printer would hit the test's timeout
    expect(text.length).toBe(2 * n + 1);
    expect(text.slice(0, 8)).toBe("[0,1,2,3");
  }, 60_000);
  it("prints big binaries and long lists of compound terms", () => {
    const bytes = new Uint8Array(1 << 20).map((_, i) => i & 255);
    const text = printTerm(new Binary(bytes));
    expect(equals(parseTerm(text), new Binary(bytes))).toBe(true);
    const pairs = list(Array.from({ length: 200_000 }, (_, i) => tuple(i, atom("x"))));
    expect(equals(parseTerm(printTerm(pairs)), pairs)).toBe(true);
  });
});
