/**
 * parseTerm and printTerm against the live BEAM. One `erl -noshell` reads a file of texts, one per
 * line, and for each runs erl_scan + erl_parse + erl_eval and answers with the value's
 * `term_to_binary` (hex) and its `io_lib:format("~w")` text, or `error`. The texts are
 * - printTerm's output for a few hundred random terms of every type Erlang can write literally:
 *   erl must read each to the same term (compared through the external term format), and its
 *   `~w` must be printTerm's text exactly, except where `~w` is documented to differ (maps of more
 *   than 32 keys: hash order);
 * - a corpus of tricky literals (every notation and escape, bit syntax corner cases, and texts
 *   erl rejects): parseTerm must accept exactly what erl accepts, reading the same term.
 * Runs only when `erl` is on PATH (required in CI); print.test.ts compares with the recorded
 * fixture either way.
 */
import { liveErlRequired } from "@beamlab/beam-oracle";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExternalFun, Tag, TermParseError, atom, equals, float, list, parseTerm, printTerm, type Term } from "../src/index.js";
import { decodeEtf } from "../src/term/etf.js";
import { EDGE_FLOATS, TRICKY_ATOM_NAMES, erlangTermArb } from "./support/term-text-arb.js";

const hasErl = spawnSync("erl", ["-version"], { stdio: "ignore" }).status === 0;
const SEED = Number(process.env.BEAMLAB_SEED ?? 20250302);

const SCRIPT = `
[In, Out] = init:get_plain_arguments(),
{ok, B} = file:read_file(In),
Lines = binary:split(B, <<"\\n">>, [global]),
Eval = fun(L) ->
  try
    {ok, Ts, _} = erl_scan:string(unicode:characters_to_list(L)),
    {ok, [E]} = erl_parse:parse_exprs(Ts ++ [{dot, erl_anno:new(1)}]),
    {value, V, _} = erl_eval:expr(E, []),
    [<<"ok ">>, binary:encode_hex(term_to_binary(V)), <<" ">>, unicode:characters_to_binary(io_lib:format("~w", [V]))]
  catch _:_ -> <<"error">>
  end
end,
ok = file:write_file(Out, [[Eval(L), $\\n] || L <- Lines, L =/= <<>>]),
halt().
`;

/** Tricky literals; each is accepted or rejected by erl, and parseTerm must do the same. */
const CORPUS: readonly string[] = [
  // integers and characters
  "0", "-7", "- 7", "+7", "- -7", "+ +7", "--7", "007", "1_000_000", "1__0", "1_", "_1", "16#ff", "16#FF", "16#ff_ff", "16#_ff", "16#ff_",
  "-2#101", "36#zz", "37#1", "1#1", "0#1", "16#", "2#102", "8#8", "1_6#10", "-16#ff", "123456789012345678901234567890",
  "-123456789012345678901234567890", "16#FFFFFFFFFFFFFFFFFFFF", "$a", "-$a", "$ ", "$\\n", "$\\r", "$\\t", "$\\v", "$\\b", "$\\f",
  "$\\e", "$\\s", "$\\d", "$\\\\", "$\\'", '$\\"', "$\\z", "$\\8", "$\\x41", "$\\x4", "$\\x{41}", "$\\x{}", "$\\x{1F600}",
  "$\\x{10FFFF}", "$\\x{110000}", "$\\x{D800}", "$\\101", "$\\1011", "$\\7", "$\\77", "$\\^A", "$\\^a", "$\\^?", "$\\^1", "$\\^é",
  "$é", "$😀", "$\\😀",
  // floats
  "1.5", "1.0e10", "-2.5E-3", "1_0.5", "1.0e5_0", "01.5", "1.0e", "1.0e+", "1.0e-", "1.e5", "1e5", ".5", "1.0e400",
  "0.1e-400", "1.0e-320", "1.0E+2", "-0.0", "- 0.0", "5.0e-324", "1.7976931348623157e308", "2.2250738585072014e-308",
  // atoms
  "ok", "hello_World@x", "ünïcödé", "ßa", "÷a", "a÷", "aÀ", "Àa", "maybe", "else", "'maybe'", "and", "'and'", "case", "fun",
  "'hello world'", "'a\\'b'", "'\\n'", "''", "'\\x{65E5}'", "'日本'", "'a\\x41'", "'\\101'", "'\\^Z'", "'é\\x{400}'",
  `'${"x".repeat(255)}'`, `'${"x".repeat(256)}'`, "'abc", "a@b", "a.b", "'a.b'",
  // strings
  '"abc"', '""', '"ab" "cd"', '"ab" \'cd\'', '"a\\"b"', '"\\\\"', '"\\101\\102"', '"\\x{1F600}"', '"a\\x4g"', '"é😀"', '"abc',
  '[$a|"bc"]',
  // containers
  "{}", "{a, 1}", "{ {a} , [ ] }", "{a,}", "{,a}", "[]", "[1,2]", "[1|2]", "[a,b|c]", "[1,2|[3]]", "[1|[]]", "[1|2|3]", "[|c]",
  "[1,]", "#{}", '#{a => 1, "k" => [2]}', "#{a => 1, a => 2}", "#{a := 1}", "#{a => 1,}", "#{1 => a, 1.0 => b}", "#{a}",
  "{a, b} % comment", "[a  ,  b]",
  // binaries
  "<<>>", "<<1,2,3>>", '<<"abc">>', "<<-1>>", "<<256>>", "<<1:-8>>", "<<1.5>>", "<<1/float>>", "<<1.5:32/float>>",
  "<<1.5:16/float>>", "<<1:4/float>>", "<<1:3>>", "<<0:520>>", '<<"é"/utf8>>', '<<"é">>', '<<"ab":8>>', '<<"a":3>>',
  '<<"ab"/utf16-little>>', '<<"é"/utf16>>', '<<"\\x{1F600}"/utf16>>', "<<16#1F600/utf16-little>>", "<<$a/utf32>>",
  '<<"ab"/utf32-little>>', "<<65/utf8>>", "<<16#D800/utf8>>", "<<16#110000/utf8>>", "<<16#FFFE/utf16>>", "<<1:8/utf8>>",
  "<<1/utf8-unit:8>>", "<<1:8/unit:2>>", "<<1/unit:8>>", "<<1/float-unit:8>>", "<<1:2/float-unit:32>>", "<<1:2/float-unit:8>>",
  "<<1:4/float-unit:16>>", "<<<<1,2>>/binary, 3>>", "<<<<1,2>>/bits>>", "<<<<1:3>>/bitstring, 1:5>>", "<<<<1:3>>/binary>>",
  "<<<<1,2>>:1/binary>>", "<<<<1,2,3>>:3/binary>>", "<<<<1,2,3>>:4/binary>>", "<<<<1,2>>:2/bits>>", "<<<<1,2>>:3/bits-unit:4>>",
  "<<<<1,2>>/binary-unit:8>>", "<<<<1,2>>/bits-unit:8>>", "<<<<1,2>>/binary-unit:16>>", "<<<<1,2,3>>/binary-unit:16>>",
  "<<<<1:3>>/bits-unit:3>>", "<<<<1:3>>/binary-unit:3>>", "<<<<1:6>>/binary-unit:3>>", "<<<<1,2>>/bytes-unit:8>>",
  "<<<<1,2>>:1/binary-unit:4>>", "<<<<1,2>>:1/bytes>>", "<<<<1,2,3>>:1/bytes-unit:16>>", "<<<<1,2>>/binary-little>>",
  "<<<<1>>/float>>", "<<<<1>>:8>>", "<<<<1>>/utf8>>", "<<1/binary>>", "<<1/bits>>", '<<"abc"/binary>>', '<<"ab"/bitstring>>',
  "<<1:8/bytes>>", "<<-1:4/little>>", "<<1:16/little-signed-integer>>", "<<1:16/big>>", "<<16#1234:16/little>>",
  "<<16#123456:24/native>>", "<<1:12/little>>", "<<16#abc:12/little>>", "<<16#abc:12/big>>", "<<16#abc:4/little>>",
  "<<16#abcde:20/little>>", "<<16#abc:3/unit:4-little>>", "<<1:4/integer-unit:2-little>>", "<<-129:8/signed>>",
  "<<16#100000000000000000000:72>>", "<<-1:72>>", "<<16#123456789abcdef0123:72/little>>", "<<1:8/big-little>>",
  "<<1:8/signed-unsigned>>", "<<1:8/integer-float>>", "<<1/integer-integer>>", "<<1:8/unit:1-unit:2>>", "<<1:8/unit:256>>",
  "<<1:8/unit:257>>", "<<1:8/unit:0>>", "<<1:8/foo>>", "<<1:8/Foo>>", '<<"abc"/utf8, 0>>', "<<1:8/utf8-signed>>",
  "<<$a/utf8-big-signed>>", "<<1:8/unit:8-integer>>", "<<1:8/unit:8-float>>", "<<1.0e300:32/float>>", "<<1.0:16/float>>",
  "<<65504.0:16/float>>", "<<65520.0:16/float>>", "<<1.0e-8:16/float>>", "<<6.0e-8:16/float>>", "<<3.0e-8:16/float>>",
  "<<1.0e-5:16/float>>", "<<1.0e-50:32/float>>", "<<1.0e-40:32/float>>", "<<-1.0e39:32/float-little>>", "<<-0.0/float>>",
  "<<-0.0:16/float>>", "<<0.1:32/float>>", "<<1:8/float>>", "<<1:0/float>>", "<<100000000000000000000/float>>",
  '<<"a"/float>>', "<<1.5/float-little>>", "<<1.5:64/float-little>>", "<<1:0>>", "<<1:8/integer-unit:1>>", '<<"">>',
  '<<""/utf8>>', '<<"\\x{400}">>', "<< 1 , 2 >>", "<<1,>>", "<<a>>", "<<1:3/unit:3>>", '<<"ab" "cd">>',
  // funs
  "fun lists:map/2", "fun 'A':'b c'/2", "fun 'and':'if'/0", "fun m:f/256", "fun m:f", "fun M:f/2",
];

/** Corpus texts whose verdict deliberately differs from erl's (documented in parse.ts). */
const LENIENT: readonly string[] = ["fun and:if/0", "'\\x{FFFE}'"];

/** Runs the script on `texts`; one answer per text. */
function runErl(texts: readonly string[]): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "beamlab-print-"));
  try {
    const input = path.join(dir, "in.txt");
    const output = path.join(dir, "out.txt");
    for (const t of texts) expect(t.includes("\n"), t).toBe(false);
    writeFileSync(input, `${texts.join("\n")}\n`);
    const r = spawnSync("erl", ["-noshell", "-eval", SCRIPT, "-extra", input, output], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, ERL_CRASH_DUMP_SECONDS: "0" },
    });
    expect(r.status, `erl failed: ${r.stdout}\n${r.stderr}`).toBe(0);
    const lines = readFileSync(output, "utf8").split("\n");
    lines.pop();
    expect(lines).toHaveLength(texts.length);
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function answer(line: string): { term: Term; text: string } | undefined {
  if (line === "error") return undefined;
  const m = /^ok ([0-9A-F]+) (.*)$/su.exec(line);
  if (m === null) throw new Error(`bad answer: ${line}`);
  return { term: decodeEtf(Uint8Array.from(Buffer.from(m[1] ?? "", "hex"))), text: m[2] ?? "" };
}

/** Whether `~w` writes `t` differently from printTerm: a map of more than 32 keys somewhere. */
function wDiffers(t: Term): boolean {
  const stack: Term[] = [t];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (typeof x !== "object") continue;
    if (x.tag === Tag.Cons) stack.push(x.head, x.tail);
    else if (x.tag === Tag.Tuple) stack.push(...x.elements);
    else if (x.tag === Tag.Map) {
      if (x.size > 32) return true;
      stack.push(...x.keys, ...x.values);
    }
  }
  return false;
}

describe.skipIf(!hasErl && !liveErlRequired())("parseTerm and printTerm against the live BEAM", () => {
  it("has erl when it is required", () => {
    expect(hasErl).toBe(true);
  });

  it("erl reads printTerm's text to the same term, and ~w writes that text", () => {
    const random = fc.sample(erlangTermArb(4), { numRuns: 400, seed: SEED });
    const floats = [...EDGE_FLOATS, ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 3000, seed: SEED + 1 })];
    const floatLists: Term[] = [];
    for (let i = 0; i < floats.length; i += 250) floatLists.push(list(floats.slice(i, i + 250).map((x) => float(x))));
    const atoms = list(TRICKY_ATOM_NAMES.map((n) => atom(n)));
    const funs = ["lists", "A", "and", "é", "a b", "日本"].map((n) => new ExternalFun(atom(n), atom(n === "and" ? "if" : "f"), 1));
    const terms: Term[] = [...random, ...floatLists, atoms, ...funs];
    const texts = terms.map((t) => printTerm(t));

    const answers = runErl(texts);
    const wrong: string[] = [];
    let textChecked = 0;
    terms.forEach((t, i) => {
      const text = texts[i] ?? "";
      const a = answer(answers[i] ?? "error");
      if (a === undefined) {
        wrong.push(`erl rejects ${text.slice(0, 120)}`);
        return;
      }
      if (!equals(a.term, t)) wrong.push(`erl reads ${text.slice(0, 120)} as another term`);
      // ~w writes external funs with reserved or non-Latin-1 names in a form that does not read back.
      if (t instanceof ExternalFun) return;
      if (!wDiffers(t)) {
        textChecked++;
        if (a.text !== text) wrong.push(`~w: ${a.text.slice(0, 120)}\n   printTerm: ${text.slice(0, 120)}`);
      }
      if (!equals(parseTerm(a.text), t)) wrong.push(`~w text ${a.text.slice(0, 120)} does not read back`);
    });
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(textChecked).toBeGreaterThan(250);
  }, 60_000);

  it("parseTerm accepts exactly the literals erl accepts, reading the same terms", () => {
    const answers = runErl(CORPUS);
    const wrong: string[] = [];
    let accepted = 0;
    let rejected = 0;
    CORPUS.forEach((text, i) => {
      const a = answer(answers[i] ?? "error");
      let mine: Term | TermParseError;
      try {
        mine = parseTerm(text);
      } catch (e) {
        if (!(e instanceof TermParseError)) throw e;
        mine = e;
      }
      if (a === undefined) {
        rejected++;
        if (!(mine instanceof TermParseError)) wrong.push(`${text}: erl rejects it, parseTerm reads ${printTerm(mine)}`);
      } else {
        accepted++;
        if (mine instanceof TermParseError) wrong.push(`${text}: erl reads ${a.text}, parseTerm fails: ${mine.message}`);
        else if (!equals(mine, a.term)) wrong.push(`${text}: erl reads ${a.text}, parseTerm reads ${printTerm(mine)}`);
      }
    });
    expect(wrong).toEqual([]);
    expect(accepted).toBeGreaterThan(150);
    expect(rejected).toBeGreaterThan(50);
  }, 60_000);

  it("documents where parseTerm is more lenient than erl", () => {
    const answers = runErl(LENIENT);
    for (let i = 0; i < LENIENT.length; i++) {
      expect(answers[i]).toBe("error");
      expect(() => parseTerm(LENIENT[i] ?? "")).not.toThrow();
    }
  });
});
