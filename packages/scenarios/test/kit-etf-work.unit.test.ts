/**
 * term_to_binary's and binary_to_term's budgets (kit/etf-work.ts, external.c): the cases the
 * recorder's fresh-slice calls do not reach — a size pass whose string overshoots the budget
 * (clamped to 0), and the budgets running out (the BIF traps; binary_to_term exports its state).
 */
import { binary, Cons, encodeEtf, nil, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { termToBinaryWork } from "../src/kit/etf-work.js";
import { binaryToTerm, termToBinary } from "@beamlab/scenarios/kit";
import { TTB_CONTEXT_VHEAP_WORDS } from "../src/kit/bifs.js";

const seqList = (n: number): Term => Array.from({ length: n }, (_, i) => i + 1).reduceRight<Term>((t, h) => new Cons(h, t), nil);

describe("kit/etf-work: term_to_binary's units", () => {
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

  it("the kit's termToBinary of lists:seq(1, 70000) traps once: scheduled out mid-call, its state's 8 words and 31 binary-heap words, the passes' units / 32 in all", () => {
    const run = (withCall: boolean) => {
      const s = new Scheduler();
      let vheap = 0;
      let htop = 0;
      const pid = s.spawn(
        function* measure(ctx) {
          const input = ctx.heap.alloc(seqList(70000));
          const [v0, h0] = [ctx.heap.state.vheap, ctx.heap.state.htop];
          if (withCall) yield* termToBinary(ctx, input);
          [vheap, htop] = [ctx.heap.state.vheap - v0, ctx.heap.state.htop - h0];
          yield* ctx.call();
          yield* ctx.receive();
        },
        [],
        { minHeapSize: 1 << 21 },
      );
      s.run();
      return { slices: s.stats.slices, reductions: s.lookup(pid)?.reductions ?? -1, vheap, htop };
    };
    const [on, off] = [run(true), run(false)];
    expect(on.slices - off.slices).toBe(1);
    expect(on.reductions - off.reductions).toBe(1 + Math.floor(140257 / 32));
    // the state (RETURN_STATE's HAlloc of 3 + 1 + 4 words) and the result's ProcBin (6) on the
    // heap; the state's words in the binary virtual heap next to the result's (kit_bif_reds.json's traps)
    expect(on.htop).toBe(8 + 6);
    expect(on.vheap - Math.floor(349242 / 8)).toBe(TTB_CONTEXT_VHEAP_WORDS);
  });

  it("binaryToTerm: 90,000 elements export the state (3 words before the result) without trapping; 180,000 trap once", () => {
    const run = (n: number, withCall: boolean) => {
      const s = new Scheduler();
      let htop = 0;
      const pid = s.spawn(
        function* measure(ctx) {
          const input = ctx.heap.alloc(binary(encodeEtf(seqList(n))));
          ctx.heap.pushFrame(1).set(0, input);
          ctx.garbageCollect();
          const h0 = ctx.heap.state.htop;
          if (withCall) yield* binaryToTerm(ctx, input);
          htop = ctx.heap.state.htop - h0;
          yield* ctx.call();
          yield* ctx.receive();
        },
        [],
        { minHeapSize: 1 << 21 },
      );
      s.run();
      return { slices: s.stats.slices, reductions: s.lookup(pid)?.reductions ?? -1, htop };
    };
    const [exported, none] = [run(90000, true), run(90000, false)];
    expect(exported.slices - none.slices).toBe(0);
    expect(exported.htop).toBe(3 + 2 * 90000);
    const [trapped, none2] = [run(180000, true), run(180000, false)];
    expect(trapped.slices - none2.slices).toBe(1);
    expect(trapped.reductions - none2.reductions).toBe(1 + Math.floor((3 * 180000 + 3) / 128));
    expect(trapped.htop).toBe(3 + 2 * 180000);
  });
});
