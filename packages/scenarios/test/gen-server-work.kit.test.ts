/**
 * The workload kit's work(N) (runs kept as blobs, cells between collections placed in one step)
 * against work(N) as compiled (one JS object per cell): the same GC events, every field, and the
 * same heap at the end, on processes in the states a gen_server meets (fresh, grown, with
 * fragments), for N across the decades where `integer_to_list` changes size, and for preemption
 * at every possible element (slices of a few reductions).
 */
import { describe, expect, it } from "vitest";
import type { GcTraceEntry, Pid } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { printTerm } from "@beamlab/heap";
import { work } from "../src/gen-server-work/work.js";
import { workKit } from "../src/gen-server-work/work-kit.js";

type WorkFn = typeof work;

interface Outcome {
  /** Slices the process ran in: one more per preemption. */
  slices: number;
  trace: string[];
  results: string[];
  heap: string;
}

function runWith(fn: WorkFn, ns: readonly number[], opts: { fullsweepAfter?: number; stack?: number; reductions?: number } = {}): Outcome {
  const trace: string[] = [];
  const results: string[] = [];
  const s = new Scheduler({
    bootedNode: false,
    ...(opts.reductions !== undefined ? { contextReds: opts.reductions } : {}),
    onGcTrace: (_p: Pid, e: GcTraceEntry) => trace.push(`${e.tag} ${JSON.stringify(e.info)}`),
  } as never);
  let heapOut = "";
  const srv = s.spawn(
    function* (ctx: ProcessContext) {
      ctx.heap.pushFrame(opts.stack ?? 4);
      for (const n of ns) {
        const r = yield* fn(ctx, n);
        results.push(printTerm(r));
      }
      heapOut = JSON.stringify(ctx.heap.gcInfo());
    },
    [],
    { fullsweepAfter: opts.fullsweepAfter ?? 65535 },
  );
  s.traceGc(srv);
  const { slices } = s.run();
  return { slices, trace, results, heap: heapOut };
}

describe("work(N) on the kit's runs is the per-cell work(N), GC event for GC event", () => {
  const cases: [string, number[], { fullsweepAfter?: number; stack?: number; reductions?: number }][] = [
    ["tiny lists", [1, 2, 3, 4, 5, 7, 9, 10, 11], {}],
    ["decades", [9, 99, 100, 999, 1000, 1001], {}],
    ["the story's calls", [2037, 2074, 2111, 2148, 2185, 4999, 3000], {}],
    ["fullsweep_after 0", [2037, 2074, 3000], { fullsweepAfter: 0 }],
    ["fullsweep_after 2 on a deeper stack", [500, 3000, 1500, 4000], { fullsweepAfter: 2, stack: 11 }],
    ["a big heap (dirty, delayed collections)", [60000, 70000], {}],
    ["preempted every few reductions", [300, 1200], { reductions: 7 }],
    ["preempted at odd points", [2037, 999], { reductions: 1001 }],
  ];
  it.each(cases)("%s", (_name, ns, opts) => {
    const a = runWith(work, ns, opts);
    const b = runWith(workKit, ns, opts);
    expect(a.trace.length).toBeGreaterThan(0);
    expect(b.results).toEqual(a.results);
    expect(b.trace).toEqual(a.trace);
    expect(b.heap).toEqual(a.heap);
    expect(b.slices).toBe(a.slices);
    if (opts.reductions !== undefined) expect(a.slices).toBeGreaterThan(ns.length);
  }, 120_000);
});
