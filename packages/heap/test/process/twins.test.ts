/**
 * Twin programs replayed against the real BEAM's GC traces (fixture gc_traces.json, recorded by
 * tooling/beam-oracle/recorders/gc_traces.escript): the model must reproduce every recorded gc
 * trace message (kind and all 12 fields), every checkpoint (heap_size, total_heap_size,
 * stack_size, memory, minor_gcs and the 11 gc info items) of the traced run and of the untraced
 * run, and the counts of minor and major collections — exactly.
 */
import { describe, expect, it } from "vitest";
import { checkpointView, firstEventDiff, gcFixture, recorderSummary, type FixtureWorkload, type TwinRun } from "./twins/runtime.js";
import { heapGrowthTwin } from "./twins/heap-growth.twin.js";
import { buildAndDropTwin } from "./twins/build-and-drop.twin.js";
import { minHeapTwin } from "./twins/min-heap.twin.js";
import { explicitGcExternalTwin, explicitGcSelfTwin } from "./twins/explicit-gc.twin.js";
import { bdThenHibernateTwin, hibernatorTwin } from "./twins/hibernate.twin.js";
import { maxHeapTwin } from "./twins/max-heap.twin.js";
import { phantomTwin } from "./twins/phantom.twin.js";
import { serverNoCacheTwin, serverTwin } from "./twins/server.twin.js";

const fixture = gcFixture();

/**
 * Workloads where a failed minor has a gc_max_heap_size message between its gc_minor_start and
 * gc_minor_end: the recorder's summary rule (start, end, major start in a row) does not count it,
 * so the fixture's failed_minors is one lower and successful_minors one higher than the GCs the
 * BEAM (and the model) really did. The event sequences themselves match exactly.
 */
const HEURISTIC_GAP = new Set(["max_heap_size_nokill_3000"]);

type TwinFn = (w: FixtureWorkload, traced: boolean) => TwinRun;

function twinFor(id: string): TwinFn | undefined {
  if (id.startsWith("heap_growth_list_")) return heapGrowthTwin;
  if (id.startsWith("build_and_drop_") || id.startsWith("fullsweep_after_")) return buildAndDropTwin;
  if (id.startsWith("min_heap_size_")) return minHeapTwin;
  if (id === "explicit_gc_self") return explicitGcSelfTwin;
  if (id === "explicit_gc_external") return explicitGcExternalTwin;
  if (id.startsWith("hibernate_list_")) return hibernatorTwin;
  if (id === "hibernate_after_build_and_drop") return bdThenHibernateTwin;
  if (id.startsWith("max_heap_size_")) return maxHeapTwin;
  if (id.startsWith("trace_phantom_")) return phantomTwin;
  if (id === "long_lived_server") return serverTwin;
  if (id === "long_lived_server_no_cache") return serverNoCacheTwin;
  return undefined;
}

describe.skipIf(fixture === undefined)("twin programs reproduce gc_traces.json", () => {
  for (const w of fixture?.workloads ?? []) {
    const twin = twinFor(w.id);
    if (twin === undefined) continue;
    describe(w.id, () => {
      it("trace events, exactly", () => {
        const t = twin(w, true);
        expect(firstEventDiff(t.events, w.events)).toBeUndefined();
        expect(recorderSummary(t.events)).toEqual(w.summary);
        // the model's own counts of minor and major collections agree with the fixture's…
        const own = t.summary();
        for (const k of ["events", "minor_starts", "majors", "max_heap_size_events"]) expect(own[k]).toBe(w.summary[k]);
        // …and so do its failed/successful minors, except where the recorder's pattern rule
        // cannot see a failed minor (see the pinned test below)
        if (!HEURISTIC_GAP.has(w.id)) expect(own).toEqual(w.summary);
      });
      it("traced checkpoints, exactly", () => {
        const t = twin(w, true);
        expect(t.checkpoints.map(checkpointView)).toEqual(w.checkpoints.map(checkpointView));
        expect(t.checkpoints.map((c) => c.after_events)).toEqual(w.checkpoints.map((c) => c.after_events));
        if (t.exit !== undefined) expect(t.exit).toEqual(w.exit);
      });
      it("untraced checkpoints, exactly", () => {
        const t = twin(w, false);
        expect(t.checkpoints.map(checkpointView)).toEqual(w.untraced_checkpoints.map(checkpointView));
      });
    });
  }
});

describe.skipIf(!fixture?.workloads.some((w) => HEURISTIC_GAP.has(w.id)))("pinned gaps", () => {
  it("gap: the fixture's summary does not count a failed minor interrupted by gc_max_heap_size (max_heap_size_nokill_3000)", () => {
    const w = fixture?.workloads.find((x) => x.id === "max_heap_size_nokill_3000") as FixtureWorkload;
    const own = (twinFor(w.id) as TwinFn)(w, true).summary();
    expect(own.failed_minors).toBe((w.summary.failed_minors ?? 0) + 1);
    expect(own.successful_minors).toBe((w.summary.successful_minors ?? 0) - 1);
  });
});
