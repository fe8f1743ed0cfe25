/**
 * Twin programs replayed against the real BEAM's GC traces (fixture gc_traces.json, recorded by
 * tooling/beam-oracle/recorders/gc_traces.escript): the model must reproduce every recorded gc
 * trace message (kind and all 12 fields), every checkpoint (heap_size, total_heap_size,
 * stack_size, memory, minor_gcs and the 11 gc info items) of the traced run and of the untraced
 * run, and the counts of minor and major collections — exactly.
 */
import { describe, expect, it } from "vitest";
import { checkpointView, firstEventDiff, gcFixture, summarize, type FixtureWorkload, type TwinRun } from "./twins/runtime.js";
import { heapGrowthTwin } from "./twins/heap-growth.twin.js";
import { buildAndDropTwin } from "./twins/build-and-drop.twin.js";
import { minHeapTwin } from "./twins/min-heap.twin.js";
import { explicitGcExternalTwin, explicitGcSelfTwin } from "./twins/explicit-gc.twin.js";
import { bdThenHibernateTwin, hibernatorTwin } from "./twins/hibernate.twin.js";
import { maxHeapTwin } from "./twins/max-heap.twin.js";
import { phantomTwin } from "./twins/phantom.twin.js";

const fixture = gcFixture();

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
        expect(summarize(t.events)).toEqual(w.summary);
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
