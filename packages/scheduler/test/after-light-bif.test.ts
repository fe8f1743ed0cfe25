/**
 * The after-BIF check (Scheduler.afterLightBif): OTP 25's x86-64 JIT collects when a BIF returns
 * with `E < HTOP + mbuf_sz + 3` — free bytes against fragment words plus 3. The pairs below are
 * the BEAM's own (kit_blocks.json: free words when a loop's BIF returned, the fragment words it
 * collected at, and one result fewer, at which it did not).
 */
import { nil } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/index.js";

/** Whether a BIF returning with `free` free heap words and `mbuf` fragment words collects. */
function collectsAt(free: number, mbuf: number): boolean {
  const s = new Scheduler();
  let collected: boolean | undefined;
  s.spawn(function* (ctx) {
    yield* ctx.call();
    ctx.heap.allocGarbage(ctx.heap.freeWords - free, { need: 0 });
    expect(ctx.heap.freeWords).toBe(free);
    ctx.heap.allocFragmentGarbage(mbuf, { check: false });
    ctx.afterBif(nil);
    collected = ctx.heap.state.mbufSz === 0; // only a collection frees the fragments
  });
  s.run();
  return collected!;
}

describe("afterLightBif: 8 × free words < fragment words + 3", () => {
  it.each([
    [6, 49, 42], // binary:copy/1 of 40 bytes (7-word results)
    [7, 54, 48], // binary:copy/2 of 300 bytes (6-word ProcBins)
    [7, 54, 36], // integer_to_list (18-word results)
    [8, 63, 56], // binary:copy/1, after the first collection
    [9, 70, 63],
    [13, 104, 100], // binary:part (4-word parts)
    [215, 1720, 1716],
  ])("%i free words: collects at %i fragment words, not at %i", (free, at, before) => {
    expect(collectsAt(free, at)).toBe(true);
    expect(collectsAt(free, before)).toBe(false);
  });
});
