/**
 * The heap-size table and next-size functions, against the real BEAM: the fixture's
 * `erlang:system_info(heap_sizes)` prefix and, where `erl` is on PATH, the whole list asked live.
 */
import { spawnSync } from "node:child_process";
import { liveErlRelease, liveErlRequired } from "@beamlab/beam-oracle";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { doNextVheapSize, ertsNextHeapSize, HEAP_SIZES, nextHeapSize } from "../../src/index.js";
import { gcFixture } from "./twins/runtime.js";

const erl = liveErlRelease();

describe("heap sizes", () => {
  it.skipIf(gcFixture() === undefined)("match the recorded erlang:system_info(heap_sizes) prefix", () => {
    const rec = gcFixture()?.heap_sizes ?? [];
    expect(HEAP_SIZES.slice(0, rec.length)).toEqual(rec);
  });

  it.skipIf(erl === undefined && !liveErlRequired())("equal erlang:system_info(heap_sizes) on the live BEAM, all of them", () => {
    const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~w", [erlang:system_info(heap_sizes)]), halt().'], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(0);
    const live = JSON.parse(r.stdout.trim()) as number[];
    expect(HEAP_SIZES).toEqual(live);
  });

  it("erts_next_heap_size: smallest table size ≥ s (offset 0), one step above it (offset 1)", () => {
    const max = HEAP_SIZES[HEAP_SIZES.length - 2] as number;
    fc.assert(
      fc.property(fc.integer({ min: 0, max }), (s) => {
        const a = ertsNextHeapSize(s, 0);
        const i = HEAP_SIZES.indexOf(a);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(a).toBeGreaterThanOrEqual(Math.max(s, 12));
        if (i > 0) expect(HEAP_SIZES[i - 1] as number).toBeLessThan(s);
        // below the first size both offsets give the first size (the C code's early return)
        expect(ertsNextHeapSize(s, 1)).toBe(s < 12 ? 12 : HEAP_SIZES[i + 1]);
      }),
    );
  });

  it("next_heap_size clamps to min_heap_size", () => {
    expect(nextHeapSize(233, 5)).toBe(233);
    expect(nextHeapSize(233, 234)).toBe(ertsNextHeapSize(234));
  });

  it("vheap sizes grow ×1.618 while more than 75 % used and halve under 25 %", () => {
    expect(doNextVheapSize(0, 46422)).toBe(23211);
    expect(doNextVheapSize(40000, 46422)).toBe(Math.floor(46422 * 1.618));
    expect(doNextVheapSize(20000, 46422)).toBe(46422);
  });
});
