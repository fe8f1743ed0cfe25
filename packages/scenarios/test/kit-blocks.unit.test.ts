/**
 * The workload kit's new blocks compute the Erlang values (the twin tests check their heaps):
 * results, argument errors, and the edge cases the recorded loops do not reach.
 */
import { atom, binary, Binary, Cons, encodeEtf, ErlMap, mapFromEntries, mapGet, mapWords, nil, printTerm, SubBinary, Tuple, type Term } from "@beamlab/heap";
import { hamtFromListUnits } from "@beamlab/heap";
import { ErlangError, Scheduler, type Op, type ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { binaryCopy, binaryPart, binaryToTerm, comprehension, comprehension2, enumTake, listDuplicate, listFlatten, mapLiteral, mapsFromList, mapsGet, seq, tuple } from "@beamlab/scenarios/kit";

/** Runs `body` in a fresh process and returns its value, or throws what the body threw (caught inside the process). */
function runIn<T>(body: (ctx: ProcessContext) => Generator<Op, T, unknown>): T {
  const s = new Scheduler();
  let out: { v: T } | { e: unknown } | undefined;
  s.spawn(function* (ctx) {
    try {
      out = { v: yield* body(ctx) };
    } catch (e) {
      out = { e };
    }
  });
  s.run();
  if (out === undefined) throw new Error("the process did not finish");
  if ("e" in out) throw out.e;
  return out.v;
}
const list = (...xs: Term[]): Term => xs.reduceRight<Term>((t, h) => new Cons(h, t), nil);

describe("workload kit: values", () => {
  it("comprehension with a filter: [X * 2 || X <- lists:seq(1, 10), X rem 3 =:= 0]", () => {
    const v = runIn(function* (ctx) {
      const l = yield* seq(ctx, 1, 10);
      return yield* comprehension(ctx, l, { yRegs: 1, before: (_c, x) => (x as number) * 2, elementWords: 0, build: (k: number): Term => k, filter: (_c, x) => (x as number) % 3 === 0 });
    });
    expect(printTerm(v)).toBe("[6,12,18]");
  });

  it("comprehension2: [{X, Y} || X <- [1, 2], Y <- [a, b]] in Erlang's order; an empty generator gives []", () => {
    const pairs = { yRegs: 2, before: (_c: ProcessContext, x: Term, y: Term): [Term, Term] => [x, y], elementWords: 3, build: ([x, y]: [Term, Term]): Term => new Tuple([x, y]) };
    const v = runIn(function* (ctx) {
      return yield* comprehension2(ctx, list(1, 2), list(atom("a"), atom("b")), pairs);
    });
    expect(printTerm(v)).toBe("[{1,a},{1,b},{2,a},{2,b}]");
    expect(runIn((ctx) => comprehension2(ctx, list(1, 2), nil, pairs))).toBe(nil);
  });

  it("tuple and mapLiteral build the terms; mapLiteral names a bad key list", () => {
    const [t, m] = runIn(function* (ctx): Generator<Op, [Tuple, ErlMap], unknown> {
      yield* ctx.call();
      return [tuple(ctx, [1, atom("x")]), mapLiteral(ctx, [atom("b"), atom("a")], [2, 1])];
    });
    expect(printTerm(t)).toBe("{1,x}");
    expect(printTerm(m)).toBe("#{a => 1,b => 2}");
    expect(() => runIn(function* (ctx) { yield* ctx.call(); return mapLiteral(ctx, [atom("a"), atom("a")], [1, 2]); })).toThrow(/distinct/);
    expect(() => runIn(function* (ctx) { yield* ctx.call(); return mapLiteral(ctx, [atom("a")], []); })).toThrow(/1 keys but 0 values/);
  });

  it("hamtFromListUnits: the leaves' run first, the head node last, every unit adding up to the map's HAMT words", () => {
    for (const n of [33, 200, 1000]) {
      const m = mapFromEntries(Array.from({ length: n }, (_, i) => [i + 1, i + 1] as const));
      const units = hamtFromListUnits(m);
      expect(units[0]).toEqual({ words: 2 * n, xtra: 0 });
      expect(units.at(-1)!.xtra).toBe(0);
      expect(units.slice(1, -1).every((u) => u.xtra === 200 && u.words >= 2 && u.words <= 17)).toBe(true);
      expect(units.reduce((a, u) => a + u.words, 0)).toBe(mapWords(m));
    }
  });

  it("mapsFromList: the later of two equal keys wins; mapsGet reads it; a missing key is {badkey, K}", () => {
    const m = runIn((ctx) => mapsFromList(ctx, list(new Tuple([1, atom("a")]), new Tuple([2, atom("b")]), new Tuple([1, atom("c")]))));
    expect(printTerm(m)).toBe("#{1 => c,2 => b}");
    expect(mapGet(m, 2)).toBe(atom("b"));
    expect(runIn(function* (ctx) { yield* ctx.call(); return mapsGet(ctx, 1, m); })).toBe(atom("c"));
    let caught: unknown;
    try {
      runIn(function* (ctx) { yield* ctx.call(); return mapsGet(ctx, 3, m); });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ErlangError);
    expect(printTerm((caught as ErlangError).reason)).toBe("{badkey,3}");
    expect(() => runIn((ctx) => mapsFromList(ctx, list(1)))).toThrow(ErlangError);
  });

  it("binaryToTerm decodes term_to_binary's bytes; binaryCopy repeats; binaryPart takes Pos/Len (negative Len backwards)", () => {
    const t = runIn((ctx) => binaryToTerm(ctx, binary(encodeEtf(list(1, new Tuple([atom("ok"), binary("hi")]))))));
    expect(printTerm(t)).toBe(printTerm(list(1, new Tuple([atom("ok"), binary("hi")]))));
    const c = runIn((ctx) => binaryCopy(ctx, binary("ab"), 3));
    expect(Array.from(c.slice(0, 6))).toEqual([97, 98, 97, 98, 97, 98]);
    const big = runIn((ctx) => binaryCopy(ctx, binary("x".repeat(50)), 2));
    expect(big).toBeInstanceOf(Binary);
    expect(big.byteSize).toBe(100);
    expect(big.isRefc).toBe(true);
    const p = runIn((ctx) => binaryPart(ctx, binary("hello world"), 6, 5));
    expect(printTerm(p)).toBe(printTerm(binary("world")));
    const back = runIn((ctx) => binaryPart(ctx, binary("hello world"), 5, -5));
    expect(printTerm(back)).toBe(printTerm(binary("hello")));
    const sub = runIn((ctx) => binaryPart(ctx, binary("y".repeat(100)), 1, 80));
    expect(sub).toBeInstanceOf(SubBinary);
    expect(() => runIn((ctx) => binaryPart(ctx, binary("abc"), 2, 5))).toThrow(ErlangError);
    expect(() => runIn((ctx) => binaryToTerm(ctx, binary("not etf")))).toThrow(ErlangError);
  });

  it("Elixir blocks: List.duplicate, List.flatten, Enum.take (a shorter list, 0, a negative count refused)", () => {
    const v = runIn(function* (ctx) {
      const d = yield* listDuplicate(ctx, list(1, 2), 3);
      const f = yield* listFlatten(ctx, d);
      return yield* enumTake(ctx, f, 4);
    });
    expect(printTerm(v)).toBe("[1,2,1,2]");
    expect(printTerm(runIn((ctx) => enumTake(ctx, list(1, 2), 5)))).toBe("[1,2]");
    expect(runIn((ctx) => enumTake(ctx, list(1, 2), 0))).toBe(nil);
    expect(() => runIn((ctx) => enumTake(ctx, list(1), -1))).toThrow(/N must be an integer ≥ 0/);
  });
});
