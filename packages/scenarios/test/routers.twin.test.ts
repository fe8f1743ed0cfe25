/**
 * routers against its twin on the real BEAM (fixtures/scenarios.json, twins/routers.escript):
 * 100 connections × 200 binaries of 1 KiB, and the defaults (1,000 connections) in fix mode.
 *
 * What lands: the story — hibernating the routers shrinks them to the BEAM's 11 words and frees
 * none of memory(binary): the consumers hold the binaries either way; the consumers' young heap
 * (2,586 words) in both modes.
 * Leak mode is exact: routers and consumers have the BEAM's heaps, memory and referenced refc
 * binaries (one connection's producer, router and consumer collect exactly as on the BEAM: the
 * child of spawn(fun) starts with the fun's words, spawn_heap.json; the producer runs produce/3
 * as compiled; the router keeps its frame across send).
 * Fix mode follows real time, as on the BEAM: the routers' `after 100` is wall time there, and
 * while the producers run (about a second for 1,000 of them) routers time out mid-run. A router
 * whose timer fired before it ran takes the timeout even though its producer's messages have
 * arrived (receive_timeout_race.json) and calls erlang:hibernate with them queued, which returns
 * at once without collecting; its consumer then ends with 2,962 words (192 binaries) instead of
 * the leak mode's 6,771 (173); a router that hibernated before its producer ran forwards from a
 * hibernated heap, and its consumer ends with 2,586 (199). The model gets there with the
 * scheduler's work clock (virtual time advances with the reductions at the rate the twin
 * measured) and the driver's spawning comprehensions as compiled (its slices decide which
 * producers run before the routers' timers fire). The BEAM's own figure moves from run to run
 * (the recorder runs the twin 3 times: roles_range) and with a few reductions of the driver's
 * start-up code.
 * Pinned gap: at the defaults the model's first batch of producers (spawned in the driver's
 * slice with the last routers) is 44 connections whose routers forward before their timers fire
 * (consumers as in leak mode), where the recorded runs have none or a few: the model's driver
 * starts with a fresh slice (the BEAM's start-up code is not modelled), so its consumers' old
 * heaps average about 1.1× the BEAM's.
 * The frames are erlc -S's (router/2 `allocate 2`, consumer/1 `allocate 1`, its new state behind
 * `test_heap 3` before `call_last`).
 */
import { describe, expect, it } from "vitest";
import { ROUTERS_MS_PER_REDUCTION, routers, type Mode } from "../src/index.js";
import { ratio, recordOf, simulate, type RoleFigures } from "./support/twin-figures.js";

const ROLES = ["router", "consumer", "producer"];
const runs = new Map<string, Record<string, RoleFigures>>();
const sim = (mode: Mode, n = 100) => {
  const key = `${mode} ${n}`;
  let r = runs.get(key);
  if (r === undefined) runs.set(key, (r = simulate(routers, mode, n === 1000 ? {} : { routers: n }, ROLES)));
  return r;
};
const record = (mode: Mode, n = 100) =>
  recordOf("routers", mode, n === 1000 ? {} : { routers: n }) as ReturnType<typeof recordOf> & {
    roles_range: Record<string, Record<keyof RoleFigures, [number, number]>>;
    work: { busy_us: number; reductions: number }[];
  };
const real = (mode: Mode, n = 100) => record(mode, n).roles;

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

  it("fix: the consumers' heaps and binaries are within what the BEAM's recorded runs gave", () => {
    const s = sim("fix").consumer!;
    const range = record("fix").roles_range.consumer!;
    for (const k of ["avg_total_heap_size", "avg_memory", "avg_binary_bytes"] as const) {
      expect(s[k]).toBeGreaterThanOrEqual(range[k][0]);
      expect(s[k]).toBeLessThanOrEqual(range[k][1]);
    }
  }, 300_000);

  it("the work clock's rate is within the rates the twin measured on its recording runs", () => {
    const rates = [...record("fix").work, ...record("fix", 1000).work, ...record("leak", 1000).work].map((w) => w.busy_us / 1000 / w.reductions);
    expect(ROUTERS_MS_PER_REDUCTION).toBeGreaterThanOrEqual(Math.min(...rates));
    expect(ROUTERS_MS_PER_REDUCTION).toBeLessThanOrEqual(Math.max(...rates));
  });
});

describe("routers at its defaults (1,000 connections), fix mode", () => {
  it("routers hibernated; consumers within 15% of the BEAM's heaps and 5% of its binaries", () => {
    const s = sim("fix", 1000);
    const range = record("fix", 1000).roles_range;
    expect(s.router?.avg_total_heap_size).toBe(real("fix", 1000).router?.avg_total_heap_size);
    const within = (x: number, [lo, hi]: [number, number], tol: number) => {
      expect(x).toBeGreaterThanOrEqual(lo * (1 - tol));
      expect(x).toBeLessThanOrEqual(hi * (1 + tol));
    };
    within(s.consumer!.avg_total_heap_size, range.consumer!.avg_total_heap_size, 0.15);
    within(s.consumer!.avg_binary_bytes, range.consumer!.avg_binary_bytes, 0.05);
  }, 300_000);

  it("GAP (pinned): the consumers' heaps are above every recorded run (the model's first producer batch forwards before the timers fire)", () => {
    const s = sim("fix", 1000).consumer!;
    const [, hi] = record("fix", 1000).roles_range.consumer!.avg_total_heap_size;
    expect(ratio(s.avg_total_heap_size, hi)).toBeGreaterThan(1);
    expect(ratio(s.avg_total_heap_size, hi)).toBeLessThan(1.15);
  }, 300_000);
});
