/**
 * The reductions one call of each kit BIF charges, against tooling/beam-oracle/recorders/
 * kit_bif_reds.escript: the same call in a fresh process with a heap large enough that no
 * collection runs (so no gc_cost), the reductions it took from the slice compared with the
 * BEAM's (the call's reduction plus the BIF's own BUMP_REDS).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, binary, charlist, Cons, encodeEtf, nil, Tuple, type Term } from "@beamlab/heap";
import { Scheduler, type Op, type ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { atomToList, binaryCopy, binaryPart, binaryToList, binaryToTerm, iolistToBinary, length, listToBinary, mapsFromList, termToBinary } from "@beamlab/scenarios/kit";

interface Case {
  bif: string;
  size: number;
  reductions: number;
}
const fixture = loadFixture("kit_bif_reds") as { cases: Case[] };

const list = (xs: readonly Term[]): Term => xs.reduceRight<Term>((t, h) => new Cons(h, t), nil);
const seqList = (n: number): Term => list(Array.from({ length: n }, (_, i) => i + 1));
const chars = (n: number): Term => charlist("a".repeat(n));
const bytes = (n: number) => binary("a".repeat(n));

/** The recorder's input for a case and the kit's call of the BIF. */
const CALLS: Record<string, (n: number) => [Term, (ctx: ProcessContext, x: Term) => Generator<Op, unknown, unknown>]> = {
  binary_to_list: (n) => [bytes(n), (ctx, x) => binaryToList(ctx, x as ReturnType<typeof bytes>)],
  atom_to_list: (n) => [atom("b".repeat(n)), (ctx, x) => atomToList(ctx, x as ReturnType<typeof atom>)],
  list_to_binary: (n) => [chars(n), (ctx, x) => listToBinary(ctx, x)],
  iolist_to_binary: (n) => [chars(n), (ctx, x) => iolistToBinary(ctx, x)],
  binary_copy: (n) => [bytes(n), (ctx, x) => binaryCopy(ctx, x as ReturnType<typeof bytes>)],
  binary_copy3: (n) => [bytes(n), (ctx, x) => binaryCopy(ctx, x as ReturnType<typeof bytes>, 3)],
  binary_part: (n) => [bytes(n), (ctx, x) => binaryPart(ctx, x as ReturnType<typeof bytes>, 1, 10)],
  term_to_binary: (n) => [seqList(n), (ctx, x) => termToBinary(ctx, x)],
  binary_to_term: (n) => [binary(encodeEtf(seqList(n))), (ctx, x) => binaryToTerm(ctx, x as ReturnType<typeof bytes>)],
  maps_from_list: (n) => [list(Array.from({ length: n }, (_, i) => new Tuple([i + 1, i + 1]))), (ctx, x) => mapsFromList(ctx, x)],
  length: (n) => [chars(n), (ctx, x) => length(ctx, x)],
};

/** Reductions the kit's call takes from a fresh slice, in a process that never collects. */
function kitReductions(c: Case): number {
  const [input, call] = CALLS[c.bif]!(c.size);
  const s = new Scheduler();
  let used: number | undefined;
  s.spawn(
    function* measure(ctx) {
      ctx.heap.alloc(input);
      const before = ctx.reductionsLeft;
      yield* call(ctx, input);
      used = before - ctx.reductionsLeft;
    },
    [],
    { minHeapSize: 1 << 21 },
  );
  s.run();
  if (used === undefined) throw new Error(`${c.bif} ${c.size}: the process did not finish`);
  return used;
}

const name = (c: Case) => `${c.bif}(${c.size})`;
/** BIFs whose reductions the kit does not model yet (pinned below). */
const GAPS = new Set(["term_to_binary", "binary_to_term", "maps_from_list"]);
const exact = fixture.cases.filter((c) => !GAPS.has(c.bif) || kitModels(c));
/** The gap BIFs' cases the kit does charge right: term_to_binary of at most 64 bytes (BUMP_REDS(1)), binary_to_term under 128 units, maps:from_list of a flatmap. */
function kitModels(c: Case): boolean {
  if (c.bif === "term_to_binary") return encodeEtf(seqList(c.size)).length <= 64;
  if (c.bif === "binary_to_term") return c.size <= 100;
  if (c.bif === "maps_from_list") return c.size <= 32;
  return false;
}

describe("kit_bif_reds.json: a kit BIF call's reductions are the BEAM's", () => {
  it.each(exact.map((c) => [name(c), c] as const))("%s", (_n, c) => {
    expect(kitReductions(c)).toBe(c.reductions);
  });

  it("binary_to_list charges (bytes − 1) / 256 + 1 on top of the call (binary.c): 100 bytes 2, 20,000 bytes 80", () => {
    const cs = fixture.cases.filter((c) => c.bif === "binary_to_list");
    expect(cs.map((c) => c.reductions)).toEqual(cs.map((c) => 1 + Math.floor((c.size - 1) / 256) + 1));
  });
});

describe("kit_bif_reds.json: BIF reductions the kit does not charge yet (pinned)", () => {
  // term_to_binary above 64 bytes charges (units used by its size and encode passes) / 32, with
  // TERM_TO_BINARY_LOOP_FACTOR 32 units per reduction (external.c); binary_to_term
  // (units of decoded_size and dec_term) / 128. The per-term units of OTP 25's passes are not
  // modelled yet: the kit charges the call's reduction only. maps:from_list of a HAMT charges
  // about 0.6 per pair and differs between runs (its sort yields; volatile in the fixture).
  it.each(fixture.cases.filter((c) => GAPS.has(c.bif) && !kitModels(c)).map((c) => [name(c), c] as const))("%s: the kit charges the call only, the BEAM more", (_n, c) => {
    expect(kitReductions(c)).toBe(1);
    expect(c.reductions).toBeGreaterThan(1);
  });
});
