/**
 * routers against its twin on the real BEAM (fixtures/scenarios.json, twins/routers.escript):
 * 100 connections × 200 binaries of 1 KiB (the 1,000-connection record is the same per
 * connection on the BEAM; the model's run of it is leak-lab's default).
 *
 * What lands: the story — hibernating the routers shrinks them to the BEAM's 11 words and frees
 * none of memory(binary): the consumers hold the binaries either way; the consumers' young heap
 * (2,586 words) in both modes.
 * Pinned gaps (the collections around receive, issue 13): the leak's routers end with a 1,598-word
 * young and a 2,586-word old heap where the BEAM's have one 2,586-word heap (1.6× memory); the
 * consumers' old heap (0.53× in leak, 1.2× in fix); the binaries each process still references
 * (0.76–0.85×: the model's routers and consumers collect on a different schedule).
 * The frames are erlc -S's (router/2 `allocate 2`, consumer/1 `allocate 1`, its new state behind
 * `test_heap 3` before `call_last`).
 */
import { describe, expect, it } from "vitest";
import { routers, type Mode } from "../src/index.js";
import { ratio, recordOf, simulate, type RoleFigures } from "./support/twin-figures.js";

const ROLES = ["router", "consumer", "producer"];
const runs = new Map<Mode, Record<string, RoleFigures>>();
const sim = (mode: Mode) => {
  let r = runs.get(mode);
  if (r === undefined) runs.set(mode, (r = simulate(routers, mode, { routers: 100 }, ROLES)));
  return r;
};
const real = (mode: Mode) => recordOf("routers", mode, { routers: 100 }).roles;

describe("routers against the real BEAM (100 connections × 200 × 1 KiB)", () => {
  it("the story: hibernated routers keep 11 words and no binary; the consumers still hold theirs in both modes", () => {
    const s = sim("fix");
    const r = real("fix");
    expect(s.router?.count).toBe(100);
    expect(s.router?.avg_total_heap_size).toBe(r.router?.avg_total_heap_size);
    expect(s.router?.avg_binary_refs).toBe(0);
    for (const mode of ["leak", "fix"] as Mode[]) {
      expect(sim(mode).consumer!.avg_binary_refs).toBeGreaterThan(100);
      expect(real(mode).consumer!.avg_binary_refs).toBeGreaterThan(100);
      expect(sim(mode).consumer?.avg_heap_size).toBe(real(mode).consumer?.avg_heap_size);
    }
    expect(sim("leak").producer?.count).toBe(0);
  }, 300_000);

  it("GAP (pinned): the leak's routers' heaps, the consumers' old heaps, the binaries referenced", () => {
    const within = (x: number, lo: number, hi: number) => {
      expect(x).toBeGreaterThan(lo);
      expect(x).toBeLessThan(hi);
    };
    within(ratio(sim("leak").router!.avg_memory, real("leak").router!.avg_memory), 1.4, 1.8);
    within(ratio(sim("leak").consumer!.avg_memory, real("leak").consumer!.avg_memory), 0.45, 0.65);
    within(ratio(sim("fix").consumer!.avg_memory, real("fix").consumer!.avg_memory), 1.1, 1.35);
    within(ratio(sim("leak").router!.avg_binary_bytes, real("leak").router!.avg_binary_bytes), 0.75, 0.95);
    within(ratio(sim("leak").consumer!.avg_binary_bytes, real("leak").consumer!.avg_binary_bytes), 0.75, 0.95);
    within(ratio(sim("fix").consumer!.avg_binary_bytes, real("fix").consumer!.avg_binary_bytes), 0.65, 0.9);
  }, 300_000);
});
