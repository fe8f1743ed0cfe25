/**
 * Running a scenario under telemetry: advance virtual time, sample the node at fixed intervals
 * with telemetry's {@link Sampler}, and run the leak detectors over the snapshots.
 *
 * Owns: the driving loop shared by tests, leak-lab and the demo server. The sampler's clock is
 * the scheduler's virtual clock; after each `scheduler.run({ until })` step the sampler ticks, so
 * samples fall exactly on the grid `0, interval, 2·interval, …, duration`.
 * Invariant: deterministic — the same scenario and options give the same snapshots and findings.
 */
import { detectLeaks, NODE_METRICS, Sampler, type DetectLeaksOptions, type Finding, type NodeSnapshot } from "@beamlab/telemetry";
import type { Scenario, ScenarioOptions, ScenarioRun } from "./scenario.js";

export interface SampleOptions extends ScenarioOptions {
  /** Override the scenario's duration / interval (virtual ms). */
  readonly duration?: number;
  readonly interval?: number;
  /** Passed to `detectLeaks` (thresholds through the detectors' documented options). */
  readonly detect?: DetectLeaksOptions;
}

export interface SampleResult {
  readonly run: ScenarioRun;
  readonly sampler: Sampler<NodeSnapshot>;
  /** Every snapshot taken, oldest first. */
  readonly snapshots: readonly NodeSnapshot[];
  readonly findings: readonly Finding[];
}

export function sampleScenario(scenario: Scenario, opts: SampleOptions = {}): SampleResult {
  const run = scenario.run(opts);
  const duration = opts.duration ?? run.duration;
  const interval = opts.interval ?? run.interval;
  const s = run.scheduler;
  const steps = Math.floor(duration / interval) + 1;
  const sampler = new Sampler<NodeSnapshot>({
    read: () => run.source.snapshot(),
    metrics: NODE_METRICS,
    interval,
    clock: () => s.clock.now,
    maxPoints: steps,
    keepReadings: steps,
  });
  for (let t = 0; t <= duration; t += interval) {
    s.run({ until: t });
    if (s.clock.now < t) s.clock.now = t; // an idle node: time still passes
    sampler.tick();
  }
  const snapshots = sampler.readings();
  return { run, sampler, snapshots, findings: detectLeaks(snapshots, opts.detect) };
}
