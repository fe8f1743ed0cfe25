/**
 * The node source's liveness cache (scheduler's node-source.ts) against tracing every heap every
 * time: every parametric scenario, at its small settings, in both modes, sampled on its own grid
 * with a source that caches and one that does not over the same scheduler — every snapshot equal,
 * including every process's liveness, and equal to the full snapshot compacted. A process the cache wrongly takes as unchanged (something
 * changed its heap or roots without bumping what the cache keys on) shows up as a difference here.
 */
import { nodeSource } from "@beamlab/scheduler";
import { compactSnapshot, type NodeSnapshot } from "@beamlab/telemetry";
import { describe, expect, it } from "vitest";
import { MODES, PARAMETRIC_SCENARIOS, resolveParams } from "../src/index.js";

describe("liveness cache", () => {
  const cases = PARAMETRIC_SCENARIOS.flatMap((s) => MODES.map((mode) => [s.id, mode, s] as const));
  it.each(cases)("%s %s: cached and traced snapshots are equal at every sample", (_id, mode, s) => {
    const small = Object.fromEntries(Object.entries(s.small ?? {}).map(([k, v]) => [k, String(v)]));
    const run = s.run({ mode, params: resolveParams(s.params, small) });
    const traced = nodeSource(run.scheduler, { livenessCache: false });
    let samples = 0;
    let reused = 0;
    let last: string | undefined;
    for (let t = 0; t <= run.duration; t += run.interval) {
      run.scheduler.run({ until: t });
      if (run.scheduler.clock.now < t) run.scheduler.clock.now = t;
      // (a snapshot creates the heap object of a process never touched, which the next one then
      // traces: a first one here, so that both compared see the same heaps)
      traced.compactSnapshot();
      const a = (run.source.compactSnapshot as () => NodeSnapshot)(); // nodeSource has it
      const b = traced.compactSnapshot();
      expect(a).toEqual(b);
      // and the compacted form is the full snapshot compacted (its binary rows and sums built
      // from the refc store's indexes, not from every heap's ProcBin lists)
      expect(a).toEqual(compactSnapshot(traced.snapshot()));
      const live = JSON.stringify(a.processes.map((p) => [p.pid, p.liveness]));
      if (live === last) reused++;
      last = live;
      samples++;
      if (run.finished?.() === true) break;
    }
    expect(samples).toBeGreaterThan(1);
    // the comparison saw the node move: not every sample is the same
    expect(reused).toBeLessThan(samples);
    expect(run.source.snapshot()).toEqual(traced.snapshot());
  }, 300_000);
});
