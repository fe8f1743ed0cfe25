/**
 * The uniform shape of a leak scenario, so leak-lab, the demo server and the tests run any of
 * them the same way.
 *
 * Owns: {@link Scenario} (id, title, description, the finding it should produce, how to run it,
 * its fixed variant) and {@link ScenarioRun} (a running simulated node: its scheduler, refc store
 * and telemetry `NodeSource`, and the sampling plan that shows the pattern).
 * Invariants: `run(opts)` builds a fresh scheduler and only spawns processes: nothing runs until
 * the caller advances virtual time (`scheduler.run({ until })`, or `sampleScenario`); the same
 * options (seed) give the same run, snapshot for snapshot.
 */
import type { RefcStore } from "@beamlab/refc";
import type { Scheduler } from "@beamlab/scheduler";
import type { FindingKind, NodeSource, TelemetryBus } from "@beamlab/telemetry";

export interface ScenarioOptions {
  /** Seed of the scheduler's random numbers (default 1). */
  readonly seed?: number;
  /** A bus the scheduler, heaps and refc store emit on (default: none, no telemetry cost). */
  readonly telemetry?: TelemetryBus;
}

export interface ScenarioRun {
  readonly scheduler: Scheduler;
  readonly refc: RefcStore;
  /** The scheduler as a telemetry NodeSource (snapshots with liveness and binary holder rows). */
  readonly source: NodeSource;
  /** Virtual ms to run for the pattern to show. */
  readonly duration: number;
  /** Virtual ms between samples. */
  readonly interval: number;
}

export interface Scenario {
  /** Stable id, e.g. "tenured-garbage" or "tenured-garbage.fixed". */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The finding kind the leaky variant produces; undefined for a fixed variant or a healthy node. */
  readonly expects: FindingKind | undefined;
  /** The role (`'$beamlab_role'`) of the process a finding should name, when `expects` is set. */
  readonly culpritRole?: string;
  /** Builds a fresh node running the workload (virtual time 0, nothing run yet). */
  run(opts?: ScenarioOptions): ScenarioRun;
  /** The same workload with the fix applied (absent on a fixed variant and on the healthy node). */
  readonly fixed?: Scenario;
}
