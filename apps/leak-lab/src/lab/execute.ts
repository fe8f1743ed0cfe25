/**
 * Runs one scenario on the simulated node in virtual time and turns it into a {@link LabReport}.
 *
 * Owns the driving loop of leak-lab: build the run (`mode`, `params`, `seed`, `perturb`), step
 * the scheduler towards each sample time in chunks of at most {@link CHUNK_SLICES} slices, take
 * a telemetry snapshot on the scenario's sample grid (0, interval, …, duration), stop early once
 * the scenario says its workload is done (`finished()`), and run the leak detectors; the GC
 * trace of the processes the scenario traces (`gcEvents()`) goes into the report as `gc_events`.
 * Between chunks it reports progress (the scenario's own `progress()` when it has one: a run
 * that ends at `finished()` has no end time to measure by) and enforces `memoryLimit`: when the
 * node's `erlang:memory(total)` exceeds it, the node dies there, as a BEAM whose allocator fails
 * does (see {@link NodeDied}); the report then ends with that moment's snapshot and a `crash`.
 * With a limit the chunks are small ({@link limitChunk}), so the node dies close to it.
 * A node with nothing runnable and no timer pending before its workload is `finished()` can
 * never finish (a process it waits for crashed, say): the run stops there, with `stalled`.
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

/**
 * Slices between two looks under `--memory-limit`: few, so the node dies within a few slices'
 * allocation of the limit (one chunk of 2000 slices of gen-server-work's servers can double the
 * node), but enough that summing every process's memory (one pass over the processes) stays a
 * small part of the run: at least 8 slices, one per 16 processes above that.
 */
export function limitChunk(processes: number): number {
  return Math.min(CHUNK_SLICES, Math.max(8, Math.ceil(processes / 16)));
}

export interface ExecuteOptions {
  readonly mode: Mode;
  readonly params: ParamValues;
  readonly seed: number;
  readonly perturb?: Perturbation;
  /** Bytes; the node dies when `erlang:memory(total)` exceeds it. */
  readonly memoryLimit?: number;
  /**
   * Called between chunks with the fraction of the workload done (0..1; undefined when the
   * scenario cannot tell: it ends at `finished()` and has no `progress()`) and the virtual time.
   */
  readonly onProgress?: (fraction: number | undefined, tMs: number) => void;
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

/** What a stalled run says (the report's `stalled`). */
export function stalledMessage(t: number): string {
  return `the workload stopped at t = ${t} ms before its end: every process waits and no timer is pending (a process it waits for may have crashed or exited)`;
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

  const fraction = (): number | undefined => {
    if (run.progress !== undefined) return Math.max(0, Math.min(1, run.progress()));
    if (run.finished !== undefined) return undefined; // ends at finished(), not at `duration`
    return Math.min(1, (s.clock.now + 1) / (duration + 1));
  };
  let stalledAt: number | undefined;

  outer: for (let t = 0; t <= duration; t += interval) {
    for (;;) {
      const chunk = opts.memoryLimit === undefined ? CHUNK_SLICES : limitChunk(s.processCount);
      const r = s.run({ until: t, maxSlices: chunk });
      if (overLimit()) {
        const snap = take();
        const { pid, bytes } = dyingAllocation(snap);
        died = { slogan: heapSlogan(bytes), t_ms: snap.time, pid, bytes, snapshot: snap };
        break outer;
      }
      opts.onProgress?.(fraction(), s.clock.now);
      if (r.idle && run.finished !== undefined && !run.finished()) {
        // nothing will ever run again: the end the scenario waits for cannot come
        stalledAt = s.clock.now;
        take();
        break outer;
      }
      if (r.slices < chunk) break;
    }
    if (s.clock.now < t) s.clock.now = t; // an idle node: time still passes
    const snap = take();
    if (snapshots.length === 1) systemOffset = snap.memory.total - memory(s).total;
    if (run.finished?.() === true) break;
  }
  opts.onProgress?.(1, s.clock.now);

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
    ...(stalledAt === undefined ? {} : { stalled: { t_ms: stalledAt, message: stalledMessage(stalledAt) } }),
  };
  return died === undefined ? { report, run } : { report, run, died };
}
