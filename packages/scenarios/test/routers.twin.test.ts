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
 * hibernated heap, and its consumer ends with 2,586 (199).
 * Which connection gets which follows the driver's slices and the machine's speed. The driver
 * (a fresh process in the twin, drive/5) is the BEAM's collection for collection
 * (routers_driver_gc.json: its spawning comprehensions as compiled, the spawn BIFs' `[F, []]`
 * cell and {Pid, Ref}, the producers' 'DOWN' signals converted at its schedule-ins within the
 * signal-handling budget — down_signals.json; a switch-out at the spawn BIF's export charged
 * again when it resumes — bif_preempt.json): its first slice with producers spawns 102 of
 * them, as the BEAM's does. Whether that first batch's routers
 * forward before their timers fire is wall time: the recorded runs (a busy machine, 0.49-1.45 µs
 * per reduction measured by the twin) time them all out — 2,624 words on average; at an idle
 * machine's 0.26-0.29 µs they would forward (3,256 in the model). So each recorded run is
 * compared with the model running at that run's own measured rate.
 * The frames are erlc -S's (router/2 `allocate 2`, consumer/1 `allocate 1`, its new state behind
 * `test_heap 3` before `call_last`).
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { ROUTERS_MS_PER_REDUCTION, resolveParams, routers, type Mode } from "../src/index.js";
import { runRoutersAtRate, runTracedDriver } from "../src/routers/scenario.js";
import { recordOf, roleFigures, simulate, type RoleFigures } from "./support/twin-figures.js";

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

  it("fix: each recorded run, simulated at its own measured speed, gives its consumers' figures", () => {
    const rec = record("fix");
    for (const w of rec.work) {
      const c = consumersAtRate(100, w.busy_us / 1000 / w.reductions);
      expect([c.avg_total_heap_size, c.avg_binary_bytes]).toEqual([rec.roles.consumer!.avg_total_heap_size, rec.roles.consumer!.avg_binary_bytes]);
    }
  }, 300_000);

  it("the work clock's rate is within the rates the twin measured on its recording runs", () => {
    const rates = [...record("fix").work, ...record("fix", 1000).work, ...record("leak").work, ...record("leak", 1000).work].map((w) => w.busy_us / 1000 / w.reductions);
    expect(ROUTERS_MS_PER_REDUCTION).toBeGreaterThanOrEqual(Math.min(...rates));
    expect(ROUTERS_MS_PER_REDUCTION).toBeLessThanOrEqual(Math.max(...rates));
  });
});

/** Consumer figures of a fix run at `msPerReduction`, and the consumers' total_heap_size runs in connection order. */
function consumersAtRate(n: number, msPerReduction: number): RoleFigures & { runs: [number, number][] } {
  const run = runRoutersAtRate("fix", resolveParams(routers.params, n === 1000 ? {} : { routers: String(n) }), msPerReduction);
  while (run.finished?.() !== true) run.scheduler.run({ until: run.scheduler.clock.now + 1000 });
  const ps = run.source.snapshot().processes.filter((p) => p.role === "consumer");
  const runs: [number, number][] = [];
  for (const p of ps) {
    const last = runs[runs.length - 1];
    if (last?.[0] === p.total_heap_size) last[1]++;
    else runs.push([p.total_heap_size, 1]);
  }
  return { ...roleFigures(ps), runs };
}

const driverGc = loadFixture("routers_driver_gc") as {
  events: Record<string, number | string>[];
  consumer_runs: { traced: [number, number][]; untraced: [number, number][] };
  work: { traced: { busy_us: number; reductions: number } };
};
const GC_ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size"] as const;

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

  it("the driver's gc trace is the BEAM's: every collection of its spawning and of its 'DOWN's but the last (routers_driver_gc.json)", () => {
    const events: Record<string, number | string>[] = [];
    const run = runTracedDriver("fix", resolveParams(routers.params, {}), (e) => {
      const i = e.info as unknown as Record<string, number>;
      events.push({ tag: e.tag, ...Object.fromEntries(GC_ITEMS.map((k) => [k, i[k] as number])) });
    });
    while (run.finished?.() !== true) run.scheduler.run({ until: run.scheduler.clock.now + 1000 });
    const real = driverGc.events.map((e) => ({ tag: e.tag, ...Object.fromEntries(GC_ITEMS.map((k) => [k, e[k]])) }));
    expect(real.length).toBe(108);
    expect(events.slice(0, 107)).toEqual(real.slice(0, 107));
    // GAP (pinned): the last collection, once every 'DOWN' is received, keeps 2,151 live words
    // in the model and 4,063 (3,097 young + 966 promoted) on the BEAM
    expect(events[107]).toMatchObject({ tag: "gc_minor_end", heap_size: 2151 });
    expect(real[107]).toMatchObject({ tag: "gc_minor_end", heap_size: 3097 });
  }, 300_000);

  it("each recorded run at its own measured speed: the BEAM's consumers, connection for connection (the driver's first batch is 102)", () => {
    const rec = record("fix", 1000);
    for (const w of rec.work) {
      const c = consumersAtRate(1000, w.busy_us / 1000 / w.reductions);
      expect([c.avg_total_heap_size, c.avg_binary_bytes]).toEqual([rec.roles.consumer!.avg_total_heap_size, rec.roles.consumer!.avg_binary_bytes]);
    }
    const traced = consumersAtRate(1000, driverGc.work.traced.busy_us / 1000 / driverGc.work.traced.reductions).runs;
    expect(driverGc.consumer_runs.traced).toEqual(driverGc.consumer_runs.untraced); // a gc trace does not move the slices
    expect(driverGc.consumer_runs.traced).toEqual([
      [2962, 102],
      [2586, 898],
    ]);
    expect(traced).toEqual(driverGc.consumer_runs.traced);
  }, 300_000);
});
