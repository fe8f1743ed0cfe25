/**
 * sub-binary-cache against its twin on the real BEAM (fixtures/scenarios.json, from
 * twins/sub_binary_cache.escript) at its defaults: the cache's heap, memory and the refc
 * binaries it references after `erlang:garbage_collect(Cache)`.
 */
import { describe, expect, it } from "vitest";
import { subBinaryCache, type Mode } from "../src/index.js";
import { ratio, recordOf, simulate } from "./support/twin-figures.js";

describe("sub-binary-cache against the real BEAM (5,000 payloads of 64 KiB, 100-byte keys)", () => {
  it.each(["leak", "fix"] as Mode[])("%s: the cache keeps exactly the BEAM's refc binaries (320 MB pinned in leak, 500 KB of keys in fix)", (mode) => {
    const real = recordOf("sub-binary-cache", mode).roles.cache!;
    const sim = simulate(subBinaryCache, mode, {}, ["cache"]).cache!;
    expect(sim.count).toBe(1);
    expect(sim.avg_binary_refs).toBe(real.avg_binary_refs);
    expect(sim.avg_binary_bytes).toBe(real.avg_binary_bytes);
  }, 120_000);

  it("fix: the cache's heap and memory are the BEAM's", () => {
    const real = recordOf("sub-binary-cache", "fix").roles.cache!;
    const sim = simulate(subBinaryCache, "fix", {}, ["cache"]).cache!;
    expect(sim.avg_total_heap_size).toBe(real.avg_total_heap_size);
    expect(sim.avg_memory).toBe(real.avg_memory);
  }, 120_000);

  it("GAP (pinned) leak: after erlang:garbage_collect(Cache) the cache's heap is one size below the BEAM's (75,113 vs 121,536 words)", () => {
    // The live data is the same kind on both (5,000 × a 2-word cell, a 5-word sub-binary and the
    // 6-word ProcBin it keeps); the fullsweep keeps the heap at next_heap_size(size before), so the
    // BEAM's cache came to the collection with a larger heap: the history of its vheap-triggered
    // collections (64 KiB per payload) differs, as in the router twins (issue 13), not traced yet.
    // Sensitivity, measured: with the cache's frame at 1 stack word the model lands on the BEAM's
    // 121,536 words; at 3 or 5 (erlc -S: `allocate 4`, 5 words) one size below. The model keeps
    // the compiled code's 5 and pins the gap rather than pick the frame that fits.
    const real = recordOf("sub-binary-cache", "leak").roles.cache!;
    const sim = simulate(subBinaryCache, "leak", {}, ["cache"]).cache!;
    const r = ratio(sim.avg_total_heap_size, real.avg_total_heap_size);
    expect(r).toBeGreaterThan(0.55);
    expect(r).toBeLessThan(0.7);
    expect(ratio(sim.avg_memory, real.avg_memory)).toBeLessThan(0.7);
  }, 120_000);
});
