/**
 * The uniform shape of a leak scenario, so leak-lab, the demo server and the tests run any of
 * them the same way.
 *
 * Owns: {@link Scenario} (id, title, description, the finding it should produce, how to run it,
 * its fixed variant), {@link ParametricScenario} (the same with named parameters, `leak`/`fix`
 * modes, process roles and a twin on the real BEAM; SCENARIO-API contract) and {@link ScenarioRun} (a running simulated node: its scheduler, refc store
 * and telemetry `NodeSource`, and the sampling plan that shows the pattern).
 * Invariants: `run(opts)` builds a fresh scheduler and only spawns processes: nothing runs until
 * the caller advances virtual time (`scheduler.run({ until })`, or `sampleScenario`); the same
 * options (seed) give the same run, snapshot for snapshot.
 */
import type { RefcStore } from "@beamlab/refc";
import type { Scheduler } from "@beamlab/scheduler";
import type { FindingKind, NodeSource, TelemetryBus } from "@beamlab/telemetry";
import type { ParamSpec, ParamValues } from "./params.js";

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
  /** True once the workload's own end is reached (a driver may stop sampling there). Optional. */
  finished?(): boolean;
  /**
   * How much of the workload is done, 0..1 (rounds, events, payloads handed out), for a progress
   * bar: a run that ends at `finished()` has no end time to measure progress by. Optional.
   */
  progress?(): number;
  /**
   * The GC trace of the processes the scenario traces (`erlang:trace(Pid, true,
   * [garbage_collection])`), per process in spawn order, dead ones included. Optional: only
   * scenarios whose twin traces its processes offer it (tracing perturbs a heap, see the heap
   * package's `tracePhantom`).
   */
  gcEvents?(): readonly ProcessGcEvents[];
}

/**
 * One `{trace, Pid, Event, Info}` message, as a twin prints it: `info` has `wordsize` (the need at
 * `*_start`, the words reclaimed at `*_end`) and the 11 `garbage_collection_info` items, in words.
 */
export interface GcEventRecord {
  readonly event: "gc_minor_start" | "gc_minor_end" | "gc_major_start" | "gc_major_end" | "gc_max_heap_size";
  readonly info: Readonly<Record<string, number>>;
}

/** The GC trace of one process. */
export interface ProcessGcEvents {
  readonly pid: string;
  readonly role: string | null;
  readonly events: readonly GcEventRecord[];
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

/** `leak` runs the workload as users write it; `fix` with the fix applied. */
export type Mode = "leak" | "fix";

export const MODES: readonly Mode[] = ["leak", "fix"];

/**
 * `--band`: the model's free choices (stack frame words, per-call temporaries) moved by a
 * deterministic pseudo-random amount in `[-words, +words]` drawn from `seed`.
 */
export interface Perturbation {
  readonly seed: number;
  readonly words: number;
}

export interface ScenarioRunOptions extends ScenarioOptions {
  readonly mode?: Mode;
  /** Resolved parameters (`resolveParams`); missing names take their defaults. */
  readonly params?: ParamValues;
  readonly perturb?: Perturbation;
}

export interface ParametricScenario {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Every role its processes take (`put('$beamlab_role', Role)`). */
  readonly roles: readonly string[];
  /** The finding the detectors should give in this mode (undefined: none). */
  expects(mode: Mode): FindingKind | undefined;
  readonly culpritRole?: string;
  /** The same work on a real node: a script under tooling/beam-oracle/, run by twin.mjs. */
  readonly twin?: { readonly runtime: "erl" | "elixir"; readonly script: string };
  /**
   * A small setting of the parameters that shows the same pattern within a second or two
   * (tests, smoke runs: `--set` each of them). Absent: the defaults are already small.
   */
  readonly small?: Readonly<Record<string, number>>;
  /** Builds a fresh node running the workload (virtual time 0, nothing run yet). */
  run(opts?: ScenarioRunOptions): ScenarioRun;
}
