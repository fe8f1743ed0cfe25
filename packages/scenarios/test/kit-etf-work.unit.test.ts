/**
 * term_to_binary's and binary_to_term's budgets (kit/etf-work.ts, external.c): the cases the
 * recorder's fresh-slice calls do not reach — a size pass whose string overshoots the budget
 * (clamped to 0), and the budgets running out (the BIF would trap; the kit names the limit).
 */
import { binary, Cons, encodeEtf, nil, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { binaryToTermWork, termToBinaryWork } from "../src/kit/etf-work.js";
import { termToBinary } from "@beamlab/scenarios/kit";

const seqList = (n: number): Term => Array.from({ length: n }, (_, i) => i + 1).reduceRight<Term>((t, h) => new Cons(h, t), nil);

describe("kit/etf-work: term_to_binary's and binary_to_term's units", () => {
  it("a string of 200: 1 + 100 units in the size pass, 200 in the encode pass; with 2 reductions left the size pass's overshoot is clamped", () => {
    const t = seqList(200);
    const bytes = encodeEtf(t).length;
    expect(termToBinaryWork(t, bytes, 3999)).toEqual({ traps: false, reductions: Math.floor(301 / 32) });
    // 64 units: the size pass ends at -37, clamped to 0; the encode pass takes 200 more
    expect(termToBinaryWork(t, bytes, 2)).toEqual({ traps: false, reductions: Math.floor((64 + 200) / 32) });
  });

  it("lists:seq(1, 70000) needs 140,257 units: more than a full slice's 3,999 × 32, so term_to_binary would trap", () => {
    const t = seqList(70000);
    expect(termToBinaryWork(t, encodeEtf(t).length, 3999).traps).toBe(true);
    expect(termToBinaryWork(t, encodeEtf(t).length, 5000).traps).toBe(false);
  });

  it("with no reductions left even a small term's first size unit runs the budget out", () => {
    expect(termToBinaryWork(seqList(3), 10, 0).traps).toBe(true);
  });

  it("binary_to_term of lists:seq(1, 1000): 1,002 terms sized, then 1,002 + 999 decoded; its 4,241 bytes must fit the units left after sizing, else the state is exported", () => {
    const t = seqList(1000);
    const ext = encodeEtf(t).length - 1;
    expect(ext).toBe(4241);
    expect(binaryToTermWork(t, ext, 3999)).toEqual({ traps: false, reductions: Math.floor(3003 / 128) });
    // 41 × 128 − 1,002 = 4,246 units left after sizing: the bytes fit
    expect(binaryToTermWork(t, ext, 41)).toEqual({ traps: false, reductions: 23 });
    expect(binaryToTermWork(t, ext, 40).traps).toBe(true);
    expect(binaryToTermWork(binary("x"), 6, 1).traps).toBe(false);
  });

  it("the kit's termToBinary names the limit instead of trapping", () => {
    const s = new Scheduler();
    let err: unknown;
    s.spawn(function* (ctx) {
      try {
        yield* termToBinary(ctx, seqList(70000));
      } catch (e) {
        err = e;
      }
    });
    s.run();
    expect(err).toBeInstanceOf(RangeError);
    expect(String(err)).toMatch(/term_to_binary\/1 trap/);
  });
});
