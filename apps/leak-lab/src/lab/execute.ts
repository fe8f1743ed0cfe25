/**
 * Runs one scenario on the simulated node in virtual time and turns it into a {@link LabReport}.
 *
 * Owns the driving loop of leak-lab: build the run (`mode`, `params`, `seed`, `perturb`), step
 * the scheduler towards each sample time in chunks of at most {@link CHUNK_SLICES} slices, take
 * a telemetry snapshot on the scenario's sample grid (0, interval, …, duration), stop early once
 * the scenario says its workload is done (`finished()`), and run the leak detectors; the GC
 * trace of the processes the scenario traces (`gcEvents()`) goes into the report as `gc_events`.
 * Between chunks it reports progress and enforces `memoryLimit`: when the node's
 * `erlang:memory(total)` exceeds it, the node dies there, as a BEAM whose allocator fails does
 * (see {@link NodeDied}); the report then ends with that moment's snapshot and a `crash`.
 *
 * Invariant: deterministic. Chunking only decides where the loop looks at the node (progress,
 * memory limit); it never changes what the scheduler does, because `run({until, maxSlices})`
 * resumes exactly where it stopped.
 */
import { diagnoseSeries } from "../commands/diagnose-snapshot.js";
import { ertsNextHeapSize } from "@beamlab/heap";
import { memory } from "@beamlab/scheduler";
import type { NodeSnapshot } from "@beamlab/telemetry";
import { finalOf, memoryReport, peakMemory, type LabReport, type SampleReport } from "./report.js";
import type { Mode, ParametricScenario, ParamValues, Perturbation, ScenarioRun } from "./scenario-api.js";

/** Slices run between two looks at the node (progress, memory limit). */
export const CHUNK_SLICES = 2000;

export interface ExecuteOptions {
  readonly mode: Mode;
  readonly params: ParamValues;
  readonly seed: number;
  readonly perturb?: Perturbation;
  /** Bytes; the node dies when `erlang:memory(total)` exceeds it. */
  readonly memoryLimit?: number;
  /** Called between chunks with the fraction of virtual time done (0..1). */
  readonly onProgress?: (fraction: number) => void;
}

/** How the simulated node died when it exceeded the memory limit. */
export interface NodeDied {
  /** `eheap_alloc: Cannot allocate N bytes of memory (of type "heap").` */
  readonly slogan: string;
  readonly t_ms: number;
  /** The process whose heap could not grow (the largest heap at that moment). */
  readonly pid: string;
  readonly bytes: number;
  /** The node at the moment it died (what the crash dump shows). */
  readonly snapshot: NodeSnapshot;
}

export interface Execution {
  readonly report: LabReport;
  readonly run: ScenarioRun;
  readonly died?: NodeDied;
}

/**
 * The allocation that fails: the largest process's next heap size (the size its next growing
 * collection asks `eheap_alloc` for). Free choice of the model: the BEAM fails on whichever
 * allocation crosses the limit first; the simulator names the process most likely to make it.
 */
function dyingAllocation(snap: NodeSnapshot): { pid: string; bytes: number } {
  let top = snap.processes[0];
  for (const p of snap.processes) if (top === undefined || p.heap_size > top.heap_size) top = p;
  if (top === undefined) return { pid: "<0.0.0>", bytes: 0 };
  return { pid: top.pid, bytes: ertsNextHeapSize(top.heap_size, 1) * 8 };
}

export function heapSlogan(bytes: number): string {
  return `eheap_alloc: Cannot allocate ${bytes} bytes of memory (of type "heap").`;
}

export function execute(scenario: ParametricScenario, opts: ExecuteOptions): Execution {
  const run = scenario.run({ seed: opts.seed, mode: opts.mode, params: opts.params, ...(opts.perturb === undefined ? {} : { perturb: opts.perturb }) });
  const s = run.scheduler;
  const { duration, interval } = run;
  const snapshots: NodeSnapshot[] = [];
  const samples: SampleReport[] = [];
  // erlang:memory() as the node source reports it = the scheduler's memory() + constant system
  // bytes (atom, code, ets of the booted node); measured at the first sample.
  let systemOffset = 0;
  let died: NodeDied | undefined;
  const take = (): NodeSnapshot => {
    const snap = run.source.snapshot();
    snapshots.push(snap);
    samples.push({ t_ms: snap.time, memory: memoryReport(snap.memory) });
    return snap;
  };
  const overLimit = (): boolean => opts.memoryLimit !== undefined && memory(s).total + systemOffset > opts.memoryLimit;

  outer: for (let t = 0; t <= duration; t += interval) {
    for (;;) {
      const r = s.run({ until: t, maxSlices: CHUNK_SLICES });
      if (overLimit()) {
        const snap = take();
        const { pid, bytes } = dyingAllocation(snap);
        died = { slogan: heapSlogan(bytes), t_ms: snap.time, pid, bytes, snapshot: snap };
        break outer;
      }
      opts.onProgress?.(Math.min(1, (s.clock.now + 1) / (duration + 1)));
      if (r.slices < CHUNK_SLICES) break;
    }
    if (s.clock.now < t) s.clock.now = t; // an idle node: time still passes
    const snap = take();
    if (snapshots.length === 1) systemOffset = snap.memory.total - memory(s).total;
    if (run.finished?.() === true) break;
  }
  opts.onProgress?.(1);

  const last = snapshots[snapshots.length - 1];
  if (last === undefined) throw new Error("a run takes at least one sample");
  const report: LabReport = {
    scenario: scenario.id,
    mode: opts.mode,
    params: opts.params,
    samples,
    peak: { memory: peakMemory(samples) },
    final: finalOf(last),
    findings: diagnoseSeries(snapshots),
    ...(run.gcEvents === undefined ? {} : { gc_events: run.gcEvents() }),
  };
  return died === undefined ? { report, run } : { report, run, died };
}
