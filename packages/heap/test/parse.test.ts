/**
 * parseTerm: Erlang literal syntax, beamlab notation, bindings (sharing), errors with positions,
 * and iterative parsing of deep and long literals. Agreement with the real erl_scan/erl_parse/
 * erl_eval on a corpus of tricky literals is checked live in print.beam.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  Binary,
  Cons,
  ErlFloat,
  ExternalFun,
  LocalFun,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tag,
  TermParseError,
  Tuple,
  atom,
  binary,
  bitstring,
  charlist,
  equals,
  float,
  list,
  localCreationNumber,
  localNode,
  mapFromEntries,
  mapGet,
  nil,
  parseTerm,
  parseTermLines,
  printTerm,
  tuple,
  type ErlMap,
  type Term,
} from "../src/index.js";

function same(text: string, expected: Term): void {
  const got = parseTerm(text);
  expect(equals(got, expected), `${text} → ${printTerm(got)}, expected ${printTerm(expected)}`).toBe(true);
}

function parseError(text: string): TermParseError {
  try {
    parseTerm(text);
  } catch (e) {
    if (e instanceof TermParseError) return e;
    throw e;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe("numbers", () => {
  it("reads integers in every notation", () => {
    same("0", 0);
    same("-7", -7);
    same("- 7", -7);
    same("+7", 7);
    same("- -7", 7);
    same("007", 7);
    same("1_000_000", 1000000);
    same("16#ff", 255);
    same("16#FF", 255);
    same("16#ff_ff", 65535);
    same("-2#101", -5);
    same("36#zz", 1295);
    same("8#777", 511);
    same("$a", 97);
    same("-$a", -97);
    same("$ ", 32);
    same("$\n", 10);
  });
  it("switches to bigint exactly outside the safe range", () => {
    expect(parseTerm("9007199254740991")).toBe(9007199254740991);
    expect(parseTerm("-9007199254740991")).toBe(-9007199254740991);
    expect(parseTerm("9007199254740992")).toBe(9007199254740992n);
    expect(parseTerm("-9007199254740992")).toBe(-9007199254740992n);
    expect(parseTerm("123456789012345678901234567890")).toBe(123456789012345678901234567890n);
    expect(parseTerm("16#FFFFFFFFFFFFFFFFFFFF")).toBe(2n ** 80n - 1n);
    expect(parseTerm("2#" + "1".repeat(100))).toBe(2n ** 100n - 1n);
    expect(parseTerm("36#" + "z".repeat(30))).toBe(36n ** 30n - 1n);
    expect(parseTerm("7#" + "6".repeat(40))).toBe(7n ** 40n - 1n);
    expect(parseTerm("1" + "0".repeat(400))).toBe(10n ** 400n);
  });
  it("reads every character escape", () => {
    const cases: [string, number][] = [
      ["$\\n", 10], ["$\\r", 13], ["$\\t", 9], ["$\\v", 11], ["$\\b", 8], ["$\\f", 12], ["$\\e", 27], ["$\\s", 32],
      ["$\\d", 127], ["$\\\\", 92], ["$\\'", 39], ['$\\"', 34], ["$\\z", 122], ["$\\8", 56], ["$\\x41", 65],
      ["$\\x{41}", 65], ["$\\x{1F600}", 0x1f600], ["$\\x{10FFFF}", 0x10ffff], ["$\\101", 65], ["$\\7", 7], ["$\\77", 63],
      ["$\\^A", 1], ["$\\^a", 1], ["$\\^?", 31], ["$\\^1", 17], ["$é", 233], ["$😀", 0x1f600],
    ];
    for (const [text, code] of cases) expect(parseTerm(text), text).toBe(code);
  });
  it("reads floats exactly", () => {
    const cases: [string, number][] = [
      ["1.5", 1.5], ["1.0e10", 1e10], ["-2.5E-3", -2.5e-3], ["1_0.5", 10.5], ["1.0e5_0", 1e50], ["01.5", 1.5],
      ["1.0e300", 1e300], ["5.0e-324", 5e-324], ["0.1e-400", 0], ["1.7976931348623157e308", 1.7976931348623157e308],
      ["2.2250738585072014e-308", 2.2250738585072014e-308], ["0.30000000000000004", 0.30000000000000004],
      ["1.0e+2", 100], ["- 1.5", -1.5],
    ];
    for (const [text, x] of cases) {
      const t = parseTerm(text);
      expect(t).toBeInstanceOf(ErlFloat);
      expect(Object.is((t as ErlFloat).value, x), text).toBe(true);
    }
    expect(Object.is((parseTerm("-0.0") as ErlFloat).value, -0)).toBe(true);
    expect(Object.is((parseTerm("0.0") as ErlFloat).value, 0)).toBe(true);
  });
});

describe("atoms, strings, containers", () => {
  it("reads bare and quoted atoms", () => {
    expect(parseTerm("ok")).toBe(atom("ok"));
    expect(parseTerm("hello_World@x")).toBe(atom("hello_World@x"));
    expect(parseTerm("ünïcödé")).toBe(atom("ünïcödé"));
    expect(parseTerm("maybe")).toBe(atom("maybe"));
    expect(parseTerm("else")).toBe(atom("else"));
    expect(parseTerm("'hello world'")).toBe(atom("hello world"));
    expect(parseTerm("'a\\'b'")).toBe(atom("a'b"));
    expect(parseTerm("'\\n'")).toBe(atom("\n"));
    expect(parseTerm("'and'")).toBe(atom("and"));
    expect(parseTerm("''")).toBe(atom(""));
    expect(parseTerm("'\\x{65E5}\\x{672C}'")).toBe(atom("日本"));
    expect(parseTerm("'日本'")).toBe(atom("日本"));
    expect(parseTerm("'a\nb'")).toBe(atom("a\nb"));
    expect(parseTerm("'\\x{FFFE}'")).toBe(atom("\ufffe"));
    expect(parseTerm(`'${"x".repeat(255)}'`)).toBe(atom("x".repeat(255)));
  });
  it("reads strings as lists of code points, concatenating adjacent ones", () => {
    same('"abc"', charlist("abc"));
    same('""', nil);
    same('"ab" "cd"', charlist("abcd"));
    same('"ab"\n  % comment\n  "cd" ""', charlist("abcd"));
    same('"é😀\\x{1F600}\\n\\"\\\\"', charlist('é😀😀\n"\\'));
    same('[$a|"bc"]', charlist("abc"));
  });
  it("reads tuples, lists and maps", () => {
    same("{}", tuple());
    same("{a, 1}", tuple(atom("a"), 1));
    same("{ {a} , [ ] }", tuple(tuple(atom("a")), nil));
    same("[]", nil);
    same("[1,2]", list([1, 2]));
    same("[1|2]", list([1], 2));
    same("[a,b|c]", list([atom("a"), atom("b")], atom("c")));
    same("[1,2|[3]]", list([1, 2, 3]));
    same("[1|[]]", list([1]));
    same("#{}", mapFromEntries([]));
    same('#{a => 1, "k" => [2]}', mapFromEntries([[atom("a"), 1], [charlist("k"), list([2])]]));
    same("#{1 => a, 1.0 => b}", mapFromEntries([[1, atom("a")], [float(1), atom("b")]]));
  });
  it("lets later duplicate map keys win, like erl_eval", () => {
    const m = parseTerm("#{a => 1, b => 2, a => 3}") as ErlMap;
    expect(m.size).toBe(2);
    expect(mapGet(m, atom("a"))).toBe(3);
  });
  it("accepts white space, comments and one final dot", () => {
    same("  % leading comment\n {a, % inner\n b}  .  % trailing\n", tuple(atom("a"), atom("b")));
    same("x.", atom("x"));
    same("\u00a0x\u0085", atom("x"));
  });
});

describe("binaries", () => {
  const bin = (t: string): Term => parseTerm(t);
  it("reads byte lists, strings and sized integer segments", () => {
    same("<<>>", binary([]));
    same("<<1,2,3>>", binary([1, 2, 3]));
    same('<<"abc">>', binary("abc"));
    same('<<"">>', binary([]));
    same("<<256>>", binary([0]));
    same("<<-1>>", binary([255]));
    same("<<0:520>>", binary(new Uint8Array(65)));
    same("<<1:3>>", bitstring([0x20], 3));
    same("<<1,2,3:4>>", bitstring([1, 2, 0x30], 20));
    same("<<-1:72>>", binary(new Array<number>(9).fill(255)));
    same('<<"ab":8>>', binary("ab"));
    same('<<"a":3>>', bitstring([0x20], 3));
    same('<<"\\x{400}">>', binary([0]));
    same("<<1:8/unit:2>>", binary([0, 1]));
    same("<<1:3/unit:3>>", bitstring([0, 0x80], 9));
    same("<<1:0>>", binary([]));
  });
  it("applies endianness and signedness to integer segments", () => {
    same("<<1:16/little-signed-integer>>", binary([1, 0]));
    same("<<1:16/big>>", binary([0, 1]));
    same("<<16#1234:16/little>>", binary([0x34, 0x12]));
    same("<<16#123456:24/native>>", binary([0x56, 0x34, 0x12]));
    same("<<16#abc:12/little>>", bitstring([0xbc, 0xa0], 12));
    same("<<16#abc:12/big>>", bitstring([0xab, 0xc0], 12));
    same("<<16#abc:4/little>>", bitstring([0xc0], 4));
    same("<<16#abcde:20/little>>", bitstring([0xde, 0xbc, 0xa0], 20));
    same("<<-129:8/signed>>", binary([127]));
    same("<<16#123456789abcdef0123:72/little>>", binary([0x23, 0x01, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23]));
  });
  it("encodes floats in 64, 32 and 16 bits", () => {
    same("<<1.5/float>>", binary([63, 248, 0, 0, 0, 0, 0, 0]));
    same("<<1/float>>", binary([63, 240, 0, 0, 0, 0, 0, 0]));
    same("<<1.5:32/float>>", binary([63, 192, 0, 0]));
    same("<<1.5:16/float>>", binary([62, 0]));
    same("<<1.5/float-little>>", binary([0, 0, 0, 0, 0, 0, 248, 63]));
    same("<<-0.0:16/float>>", binary([128, 0]));
    same("<<65504.0:16/float>>", binary([123, 255]));
    same("<<65520.0:16/float>>", binary([124, 0])); // rounds to infinity, as erl_eval
    same("<<1.0e-5:16/float>>", binary([0, 168])); // subnormal
    same("<<3.0e-8:16/float>>", binary([0, 1]));
    same("<<1.0e300:32/float>>", binary([127, 128, 0, 0])); // infinity, as erl_eval
    same('<<"a"/float>>', binary([64, 88, 64, 0, 0, 0, 0, 0]));
    same("<<1:2/float-unit:32>>", binary([63, 240, 0, 0, 0, 0, 0, 0]));
  });
  it("encodes utf8/utf16/utf32 segments", () => {
    same('<<"é"/utf8>>', binary([195, 169]));
    same('<<"é">>', binary([233]));
    same('<<"ab"/utf16-little>>', binary([97, 0, 98, 0]));
    same('<<"\\x{1F600}"/utf16>>', binary([216, 61, 222, 0]));
    same("<<16#1F600/utf16-little>>", binary([61, 216, 0, 222]));
    same("<<$a/utf32>>", binary([0, 0, 0, 97]));
    same('<<"é"/utf32-little>>', binary([233, 0, 0, 0]));
    same("<<16#FFFE/utf16>>", binary([255, 254]));
  });
  it("splices nested binaries with /binary and /bits", () => {
    same("<<<<1,2>>/binary, 3>>", binary([1, 2, 3]));
    same("<<<<1,2>>/bits>>", binary([1, 2]));
    same("<<<<1:3>>/bitstring, 1:5>>", binary([33]));
    same("<<<<1,2,3>>:1/bytes>>", binary([1]));
    same("<<<<1,2>>:2/bits>>", bitstring([0], 2));
    same("<<<<1,2>>:1/binary-unit:4>>", bitstring([0], 4));
    same("<<<<1:3>>/binary-unit:3>>", bitstring([0x20], 3));
    same("<<1:1, <<255,255>>/bits, 0:7>>", binary([0xff, 0xff, 0x80]));
    const sub = bin("<<1:5, <<1,2,3>>:20/bits>>");
    expect(sub).toBeInstanceOf(SubBinary);
    same("<<1:5, <<1,2,3>>:20/bits>>", bitstring([0x08, 0x08, 0x10, 0x00], 25));
  });
  it("gives a Binary for whole bytes and a bitstring otherwise", () => {
    expect(bin("<<1,2>>")).toBeInstanceOf(Binary);
    expect(bin("<<1:4, 2:4>>")).toBeInstanceOf(Binary);
    expect(bin("<<1:4>>")).toBeInstanceOf(SubBinary);
  });
  it("rejects what erl_eval rejects", () => {
    for (const text of [
      "<<1.5>>", "<<1:4/float>>", "<<1/unit:8>>", "<<1/float-unit:8>>", "<<1:8/utf8>>", "<<1/utf8-unit:8>>", "<<1/bits>>",
      "<<<<1:3>>/binary>>", "<<<<1,2,3>>:4/binary>>", "<<<<1>>:8>>", "<<<<1>>/float>>", "<<\"abc\"/binary>>",
      "<<1:8/big-little>>", "<<1:8/signed-unsigned>>", "<<1:8/integer-float>>", "<<<<1,2>>/bits-unit:8>>",
      "<<<<1,2,3>>:1/bytes-unit:16>>", "<<1:8/unit:257>>", "<<1:8/unit:0>>", "<<1:8/foo>>", "<<16#D800/utf8>>",
      "<<16#110000/utf8>>", "<<1:-8>>", "<<a>>", "<<{1}>>", "<<(1):8>>",
    ]) {
      expect(() => parseTerm(text), text).toThrow(TermParseError);
    }
  });
});

describe("funs and identifiers", () => {
  it("reads external funs", () => {
    const f = parseTerm("fun lists:map/2") as ExternalFun;
    expect(f).toBeInstanceOf(ExternalFun);
    expect([f.module, f.name, f.arity]).toEqual([atom("lists"), atom("map"), 2]);
    const g = parseTerm("fun 'A':'b c'/0") as ExternalFun;
    expect([g.module, g.name]).toEqual([atom("A"), atom("b c")]);
    // ~w prints reserved words unquoted here; read that too.
    expect((parseTerm("fun and:if/0") as ExternalFun).name).toBe(atom("if"));
  });
  it("reads local pids, ports and references as ~w prints them", () => {
    const p = parseTerm("<0.84.0>") as Pid;
    expect(p).toBeInstanceOf(Pid);
    expect([p.node, p.id, p.serial, p.creation]).toEqual([localNode(), 84, 0, localCreationNumber()]);
    const port = parseTerm("#Port<0.5>") as Port;
    expect([port.node, port.id, port.creation]).toEqual([localNode(), 5n, localCreationNumber()]);
    const r = parseTerm("#Ref<0.2243269974.1392246785.128251>") as Ref;
    expect(r.ids).toEqual([128251, 1392246785, 2243269974]);
    expect(r.kind).toBe("ordinary");
    expect((parseTerm("#Ref<0.1.2.3:magic>") as Ref).kind).toBe("magic");
    expect((parseTerm("#Ref<0.1.2.3.4.5:pid>") as Ref).ids).toEqual([5, 4, 3, 2, 1]);
  });
  it("reads identifiers of other nodes with their node and creation", () => {
    const p = parseTerm("<'a@b.c'/3.84.7>") as Pid;
    expect([p.node, p.creation, p.id, p.serial]).toEqual([atom("a@b.c"), 3, 84, 7]);
    const port = parseTerm("#Port<a@b/2.1099511627776>") as Port;
    expect([port.node, port.creation, port.id]).toEqual([atom("a@b"), 2, 1099511627776n]);
    const r = parseTerm("#Ref<a@b/4294967295.3.2.1>") as Ref;
    expect([r.node, r.creation, r.ids]).toEqual([atom("a@b"), 4294967295, [1, 2, 3]]);
  });
  it("reads local funs with free variables and fields", () => {
    const f = parseTerm("#Fun<m.0.79404126/1>") as LocalFun;
    expect(f).toBeInstanceOf(LocalFun);
    expect([f.module, f.index, f.uniq, f.arity, f.free, f.md5, f.oldIndex, f.pid]).toEqual([atom("m"), 0, 79404126, 1, [], "", 0, undefined]);
    const g = parseTerm("#Fun<'my mod'.3.4/2 [5, abc, #Fun<m.1.2/0>]>") as LocalFun;
    expect(g.module).toBe(atom("my mod"));
    expect(g.free).toHaveLength(3);
    expect(g.free[2]).toBeInstanceOf(LocalFun);
    const h = parseTerm("#Fun<m.3.4/0 [] #{pid => <0.9.0>, index => 7, md5 => <<0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,255>>}>") as LocalFun;
    expect([h.oldIndex, h.index]).toEqual([3, 7]);
    expect(h.pid?.id).toBe(9);
    expect(h.md5).toBe("000102030405060708090a0b0c0d0eff");
  });
});

describe("bindings", () => {
  it("substitutes the bound object itself, so the result shares it", () => {
    const x = list([1, 2, 3]);
    const t = parseTerm("{X, X, [X|Y], #{k => X}}", { bindings: new Map<string, Term>([["X", x], ["Y", atom("y")]]) }) as Tuple;
    expect(t.elements[0]).toBe(x);
    expect(t.elements[1]).toBe(x);
    const l = t.elements[2] as Cons;
    expect(l.head).toBe(x);
    expect(l.tail).toBe(atom("y"));
    expect(mapGet(t.elements[3] as ErlMap, atom("k"))).toBe(x);
  });
  it("accepts bound values and sizes in binary segments", () => {
    const b = new Map<string, Term>([["B", binary([1, 2])], ["N", 16], ["F", float(1.5)], ["Foo_1", 7]]);
    expect(equals(parseTerm("<<B/binary, N:N, F:32/float, Foo_1>>", { bindings: b }), binary([1, 2, 0, 16, 63, 192, 0, 0, 7]))).toBe(true);
  });
  it("rejects unbound variables", () => {
    const e = parseError("{a, Foo}");
    expect([e.line, e.column, e.found]).toEqual([1, 5, "Foo"]);
    expect(e.expected).toMatch(/unbound/);
  });
});

describe("errors report line, column, found and expected", () => {
  const cases: [string, number, number, string, string][] = [
    ["{a b}", 1, 4, "b", "',' or '}'"],
    ["[1,2", 1, 5, "end of input", "',', '|' or ']'"],
    ["[1|2|3]", 1, 5, "|", "']'"],
    ["{a,}", 1, 4, "}", "a term"],
    ["a b", 1, 3, "b", "end of input"],
    ["x.y", 1, 2, ".", "end of input"],
    ["case", 1, 1, "case", "a term"],
    ["#{a := 1}", 1, 5, ":=", "'=>'"],
    ["#{a => 1,}", 1, 10, "}", "a term"],
    ["{a,\n  b,\n  c d}", 3, 5, "d", "',' or '}'"],
    ["{'😀',x y}", 1, 8, "y", "',' or '}'"],
    ['"abc', 1, 5, "end of input", "'\"' closing the string that starts at 1:1"],
    ["[a, 'abc\n", 2, 1, "end of input", "\"'\" closing the atom that starts at 1:5"],
    ["'\\xZZ'", 1, 4, "Z", "'{' or two hexadecimal digits"],
    ["\"\\x{}\"", 1, 5, "}", "a hexadecimal digit"],
    ["\"\\x{4g}\"", 1, 6, "g", "a hexadecimal digit or '}'"],
    ["$\\x{110000}", 1, 2, "\\x{110000}", "a Unicode code point (at most 10FFFF, not a surrogate)"],
    ["$\\x{D800}", 1, 2, "\\x{D800}", "a Unicode code point (at most 10FFFF, not a surrogate)"],
    ["$", 1, 2, "end of input", "a character after '$'"],
    ["2#102", 1, 5, "2", "a base-2 digit"],
    ["16#fg", 1, 5, "g", "a base-16 digit"],
    ["16#", 1, 4, "end of input", "a base-16 digit"],
    ["37#1", 1, 1, "37#", "a base from 2 to 36"],
    ["1#1", 1, 1, "1#", "a base from 2 to 36"],
    ["1.0e+", 1, 6, "end of input", "the digits of the float's exponent"],
    ["1.0ex", 1, 5, "x", "the digits of the float's exponent"],
    ["1.0e400", 1, 1, "1.0e400", "a float within range (at most about 1.8e308)"],
    ["- a", 1, 3, "a", "a number after the sign"],
    [`'${"x".repeat(256)}'`, 1, 1, `'${"x".repeat(36)}...`, "an atom of at most 255 characters"],
    ["<<1.5>>", 1, 3, "1.5", "an integer value for an integer segment"],
    ["<<1:8/foo>>", 1, 7, "foo", "a type specifier (integer, float, binary, bytes, bitstring, bits, utf8, utf16, utf32, signed, unsigned, big, little, native or unit:N)"],
    ["<<1:8/big-little>>", 1, 11, "little", "a type specifier that does not contradict the previous ones"],
    ["<<1 2>>", 1, 5, "2", "',' or '>>'"],
    ["<<x>>", 1, 3, "x", "a binary segment value (integer, float, character, string or binary)"],
    ["<0.1>", 1, 5, ">", "'.'"],
    ["<5.1.2>", 1, 2, "5", "0 (the local node) or a node name"],
    ["#Ref<0.1.2.3:foo>", 1, 14, "foo", "a reference kind (magic or pid)"],
    ["#Fun<m.1.2>", 1, 11, ">", "'/' and the fun's arity"],
    ["#Fun<m.1.2/0 x>", 1, 1, "#Fun<m.1.2/0 x>", "a proper list of free variables in the fun"],
    ["#Rec{}", 1, 1, "#Rec{", "'#{', '#Port<', '#Ref<' or '#Fun<'"],
    ["fun lists:map", 1, 14, "end of input", "'/'"],
    ['"\ud800"', 1, 2, "\ud800", "a valid Unicode character"],
  ];
  for (const [text, line, column, found, expected] of cases) {
    it(JSON.stringify(text.length > 30 ? `${text.slice(0, 30)}...` : text), () => {
      const e = parseError(text);
      expect({ line: e.line, column: e.column, found: e.found, expected: e.expected }).toEqual({ line, column, found, expected });
      expect(e.message).toBe(`${line}:${column}: expected ${expected} but found ${found === "end of input" ? found : `'${found}'`}`);
    });
  }
  it("formats the message like 1:7: expected ',' or '}' but found 'x'", () => {
    expect(parseError("{a, b x}").message).toBe("1:7: expected ',' or '}' but found 'x'");
  });
});

describe("scale", () => {
  it("parses 100,000-deep nesting of every container without recursion", () => {
    const n = 100_000;
    const deepList = parseTerm("[".repeat(n) + "]".repeat(n));
    let depth = 0;
    for (let t: Term = deepList; t !== nil; t = (t as Cons).head) depth++;
    expect(depth).toBe(n - 1);
    const deepTuple = parseTerm("{".repeat(n) + "}".repeat(n));
    depth = 0;
    for (let t = deepTuple as Tuple; t.arity > 0; t = t.elements[0] as Tuple) depth++;
    expect(depth).toBe(n - 1);
    const deepMap = parseTerm("#{a => ".repeat(n) + "1" + "}".repeat(n));
    depth = 0;
    for (let t: Term = deepMap; typeof t === "object" && t.tag === Tag.Map; t = mapGet(t, atom("a")) ?? nil) depth++;
    expect(depth).toBe(n);
    const deepBin = parseTerm("<<".repeat(n) + "1" + ">>/binary".repeat(n - 1) + ">>");
    expect(equals(deepBin, binary([1]))).toBe(true);
    const deepImproper = parseTerm("[1|".repeat(n) + "2" + "]".repeat(n));
    expect(deepImproper).toBeInstanceOf(Cons);
  });
  // Speed is a benchmark's business; the test's own timeout catches a quadratic parser.
  it("parses a 1,000,000-element list literal", () => {
    const n = 1_000_000;
    const text = `[${Array.from({ length: n }, (_, i) => i).join(",")}]`;
    const l = parseTerm(text);
    let count = 0;
    let wrong = 0;
    let c: Term = l;
    while (c instanceof Cons) {
      if (c.head !== count) wrong++;
      count++;
      c = c.tail;
    }
    expect([count, wrong]).toEqual([n, 0]);
  });
  it("parses long strings and binaries", () => {
    const s = parseTerm(`"${"ab".repeat(500_000)}"`);
    let count = 0;
    for (let c: Term = s; c instanceof Cons; c = c.tail) count++;
    expect(count).toBe(1_000_000);
    const b = parseTerm(`<<${Array.from({ length: 200_000 }, (_, i) => i & 255).join(",")}>>`) as Binary;
    expect(b.byteSize).toBe(200_000);
    expect(b.bytes[1000]).toBe(1000 & 255);
  });
});

describe("parseTermLines", () => {
  it("reads one term per line, skipping blank and comment lines, with whole-text line numbers", () => {
    const terms = parseTermLines("a.\n\n  % comment\n{1,2}\n[x]\n");
    expect(terms.map((t) => printTerm(t))).toEqual(["a", "{1,2}", "[x]"]);
    try {
      parseTermLines("a\n\n{1 2}\n");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TermParseError);
      expect([(e as TermParseError).line, (e as TermParseError).column]).toEqual([3, 4]);
    }
  });
});
