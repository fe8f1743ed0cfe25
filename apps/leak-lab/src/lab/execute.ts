/**
 * Runs one scenario on the simulated node in virtual time and turns it into a {@link LabReport}.
 *
 * Owns the driving loop of leak-lab: build the run (`mode`, `params`, `seed`, `perturb`), step
 * the scheduler towards each sample time in chunks of at most {@link CHUNK_SLICES} slices, take
 * a telemetry snapshot on the scenario's sample grid (0, interval, …, duration; the detectors
 * keep a bounded, evenly thinned series of them, compacted, the last one in full: {@link SnapshotSeries}), stop early once
 * the scenario says its workload is done (`finished()`), and run the leak detectors; the GC
 * trace of the processes the scenario traces (`gcEvents()`) goes into the report as `gc_events`.
 * Between chunks it reports progress (the scenario's own `progress()` when it has one: a run
 * that ends at `finished()` has no end time to measure by) and enforces `memoryLimit`: when the
 * node's `erlang:memory(total)` exceeds it, the node dies there, as a BEAM whose allocator fails
 * does (see {@link NodeDied}); the report then ends with that moment's snapshot and a `crash`.
 * With a limit the chunks are small ({@link limitChunk}), so the node dies close to it.
 * A node with nothing runnable and no timer pending before its workload is `finished()` can
 * never finish (a process it waits for crashed, say): the run stops there, with `stalled`.
 * Processes that exit with a reason other than normal or shutdown (a BEAM error report; a JS
 * error in a scenario's process body) are counted, the first few kept (`abnormal_exits`): the
 * run goes on, as the node does, but a person is told.
 *
 * Invariant: deterministic. Chunking only decides where the loop looks at the node (progress,
 * memory limit); it never changes what the scheduler does, because `run({until, maxSlices})`
 * resumes exactly where it stopped.
 */
import { diagnoseSeries } from "../commands/diagnose-snapshot.js";
import { ertsNextHeapSize } from "@beamlab/heap";
import { memory } from "@beamlab/scheduler";
import { compactSnapshot, EVENTS, TelemetryBus, type Metadata, type NodeSnapshot } from "@beamlab/telemetry";
import { SnapshotSeries } from "./snapshot-series.js";
import { finalOf, memoryReport, peakMemory, type AbnormalExit, type LabReport, type SampleReport } from "./report.js";
import { ScenarioInputError, type Mode, type ParametricScenario, type ParamValues, type Perturbation, type ScenarioRun } from "./scenario-api.js";

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

/** What a stalled run says (the report's `stalled`), naming the first abnormal exit when there was one. */
export function stalledMessage(t: number, firstExit?: AbnormalExit): string {
  const why = firstExit === undefined ? "a process it waits for may have exited" : `${firstExit.pid}${firstExit.role === null ? "" : ` (${firstExit.role})`} exited with ${firstExit.reason}`;
  return `the workload stopped at t = ${t} ms before its end: every process waits and no timer is pending (${why})`;
}

/** Exit reasons the BEAM writes no error report for. */
export function isNormalExit(reason: string): boolean {
  return reason === "normal" || reason === "shutdown" || reason.startsWith("{shutdown,");
}

/** Bytes printed as `<<84,121>>` or `<<"Ty">>`, as text. */
function binaryText(printed: string): string {
  if (printed.startsWith('"')) return printed.slice(1, -1);
  return printed === "" ? "" : Buffer.from(printed.split(",").map(Number)).toString("utf8");
}

/**
 * An exit reason as a person reads it: a JS error thrown in a process's body (the scheduler's
 * `{{js_exception, Name, Message}, Stack}`) as `JS TypeError: message` — its stack names this
 * machine's files, so it is left out (same run, same bytes) — and any reason cut at 200 characters.
 */
export function readableReason(reason: string): string {
  const js = /^\{\{js_exception,<<(".*?"|[\d,]*)>>,<<(".*?"|[\d,]*)>>\},/s.exec(reason);
  if (js !== null) return `JS ${binaryText(js[1] ?? "")}: ${binaryText(js[2] ?? "")}`;
  return reason.length > 200 ? `${reason.slice(0, 200)}…` : reason;
}

/** Abnormal exits kept in a report (all are counted). */
export const ABNORMAL_EXITS_KEPT = 10;

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

/**
 * What a scenario's `run()` must give (a user's file is not type-checked): the run `newNode`
 * builds, with a sample grid leak-lab can walk (an interval of 0 would never end).
 */
export function checkRun(x: unknown): ScenarioRun {
  const r = x as Partial<ScenarioRun> | null | undefined;
  const shape = "run() must return the run newNode(opts, { duration, interval }) builds";
  if (r === null || typeof r !== "object" || typeof r.scheduler?.run !== "function" || typeof r.source?.snapshot !== "function") {
    throw new ScenarioInputError(`${shape}; it returned ${r === null || typeof r !== "object" ? String(r) : `an object without ${typeof r.scheduler?.run !== "function" ? "a scheduler" : "a source"}`}`);
  }
  if (typeof r.interval !== "number" || !Number.isSafeInteger(r.interval) || r.interval < 1) throw new ScenarioInputError(`${shape}; its interval must be a whole number of ms ≥ 1, not ${String(r.interval)}`);
  if (typeof r.duration !== "number" || !Number.isSafeInteger(r.duration) || r.duration < 0) throw new ScenarioInputError(`${shape}; its duration must be a whole number of ms ≥ 0, not ${String(r.duration)}`);
  return r as ScenarioRun;
}

export function execute(scenario: ParametricScenario, opts: ExecuteOptions): Execution {
  const bus = new TelemetryBus();
  const exits: { pid: string; reason: string; t_ms: number }[] = [];
  let abnormal = 0;
  let now = (): number => 0;
  bus.attach("leak-lab.abnormal-exits", EVENTS.process.exit, (_e, _m, meta: Metadata) => {
    const reason = typeof meta.reason === "string" ? meta.reason : String(meta.reason);
    if (isNormalExit(reason)) return;
    abnormal++;
    if (exits.length < ABNORMAL_EXITS_KEPT) exits.push({ pid: String(meta.pid), reason: readableReason(reason), t_ms: now() });
  });
  const run = checkRun(scenario.run({ seed: opts.seed, mode: opts.mode, params: opts.params, telemetry: bus, ...(opts.perturb === undefined ? {} : { perturb: opts.perturb }) }));
  const s = run.scheduler;
  now = () => s.clock.now;
  const { duration, interval } = run;
  // The detectors' series, bounded, of compacted snapshots (what the detectors read of all but the
  // last one; a full routers snapshot is ~60 MB, and building it allocates ~200 MB): the source
  // builds them compacted, and the last one is taken again in full at the end (see `last` below).
  const kept = new SnapshotSeries<NodeSnapshot>();
  const samples: SampleReport[] = [];
  // erlang:memory() as the node source reports it = the scheduler's memory() + constant system
  // bytes (atom, code, ets of the booted node); measured at the first sample.
  let systemOffset = 0;
  let died: NodeDied | undefined;
  const take = (): NodeSnapshot => {
    const snap = run.source.compactSnapshot?.() ?? compactSnapshot(run.source.snapshot());
    kept.add(snap);
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
        died = { slogan: heapSlogan(bytes), t_ms: snap.time, pid, bytes, snapshot: run.source.snapshot() };
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
    if (samples.length === 1) systemOffset = snap.memory.total - memory(s).total;
    if (run.finished?.() === true) break;
  }
  opts.onProgress?.(1, s.clock.now);

  if (kept.count === 0) throw new Error("a run takes at least one sample");
  // The node has not moved since the last sample and a snapshot changes nothing the simulation
  // can observe (node-source.ts), so taking it again gives that sample in full: the detectors'
  // last snapshot and the report's `final`.
  const last = died?.snapshot ?? run.source.snapshot();
  const snapshots = kept.series();
  snapshots[snapshots.length - 1] = last;
  // a dead process's role: from the last sample that saw it alive (null if none did)
  const roleOf = (pid: string): string | null => {
    for (let i = snapshots.length - 1; i >= 0; i--) {
      const p = snapshots[i]?.processes.find((x) => x.pid === pid);
      if (p !== undefined) return p.role ?? null;
    }
    return null;
  };
  const first: AbnormalExit[] = exits.map((e) => ({ pid: e.pid, role: roleOf(e.pid), reason: e.reason, t_ms: e.t_ms }));
  const report: LabReport = {
    scenario: scenario.id,
    mode: opts.mode,
    params: opts.params,
    samples,
    peak: { memory: peakMemory(samples) },
    final: finalOf(last),
    findings: diagnoseSeries(snapshots),
    ...(run.gcEvents === undefined ? {} : { gc_events: run.gcEvents() }),
    ...(abnormal === 0 ? {} : { abnormal_exits: { count: abnormal, first } }),
    ...(stalledAt === undefined ? {} : { stalled: { t_ms: stalledAt, message: stalledMessage(stalledAt, first[0]) } }),
  };
  return died === undefined ? { report, run } : { report, run, died };
}
