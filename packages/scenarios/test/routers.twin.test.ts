/**
 * routers against its twin on the real BEAM (fixtures/scenarios.json, twins/routers.escript):
 * 100 connections × 200 binaries of 1 KiB (the 1,000-connection record is the same per
 * connection on the BEAM; the model's run of it is leak-lab's default).
 *
 * What lands: the story — hibernating the routers shrinks them to the BEAM's 11 words and frees
 * none of memory(binary): the consumers hold the binaries either way; the consumers' young heap
 * (2,586 words) in both modes.
 * In leak mode routers and consumers land on the BEAM's heaps and memory (the collections at
 * schedule-in and the queued messages' binaries kept live inside a collection, issue 13).
 * Pinned gap: in fix mode the consumers' old heap (2.3× their total heap) and 0.9× of the
 * binaries they reference. The consumers run the same code in both modes; on the BEAM their
 * figures differ between the modes because the routers' `after 100` is real time — while the
 * producers run for longer than 100 ms a router that waits hibernates mid-run and forwards in
 * other bursts (that is why scenarios.json marks these records volatile). The model's clock
 * advances only when every process is blocked, so its routers hibernate after the run and its
 * consumers see the leak mode's bursts.
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

  it("leak: routers and consumers have the BEAM's heaps, memory and referenced binaries", () => {
    for (const role of ["router", "consumer"]) {
      const s = sim("leak")[role]!;
      const r = real("leak")[role]!;
      expect([s.avg_total_heap_size, s.avg_heap_size, s.avg_memory, s.avg_binary_refs, s.avg_binary_bytes]).toEqual([
        r.avg_total_heap_size,
        r.avg_heap_size,
        r.avg_memory,
        r.avg_binary_refs,
        r.avg_binary_bytes,
      ]);
    }
  }, 300_000);

  it("GAP (pinned) fix: the consumers' old heap (2.3× their total heap) and 0.9× of the binaries they reference", () => {
    const s = sim("fix").consumer!;
    const r = real("fix").consumer!;
    const within = (x: number, lo: number, hi: number) => {
      expect(x).toBeGreaterThan(lo);
      expect(x).toBeLessThan(hi);
    };
    within(ratio(s.avg_total_heap_size, r.avg_total_heap_size), 2.1, 2.5);
    within(ratio(s.avg_binary_bytes, r.avg_binary_bytes), 0.85, 0.95);
  }, 300_000);
});
