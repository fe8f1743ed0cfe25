/**
 * Twin-program runtime: what a TypeScript twin of an Erlang workload in
 * tooling/beam-oracle/recorders/gc_traces.escript uses to do "the same allocations" on a model
 * heap, and the comparison of its trace and checkpoints with the recorded ones.
 *
 * A twin states, for every allocation, the heap test's `need` and the GC-visible stack size S the
 * compiled Erlang code had at that point (the recorded events show S as `stack_size`); each twin
 * documents the values it uses. Checkpoints are taken the way the recorder takes them: from
 * outside, while the process is parked in `receive` (S_PARK words of stack).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { Cons, nil, ProcessHeap, type GcEvent, type GcInfo, type GcTraceEntry, type ProcessHeapOptions, type Term } from "../../../src/index.js";

export interface FixtureEvent {
  readonly event: string;
  readonly info: Readonly<Record<string, number>>;
}
export interface FixtureCheckpoint {
  readonly label: string;
  readonly params: Readonly<Record<string, number>>;
  readonly after_events: number | null;
  readonly process_info: {
    readonly heap_size: number;
    readonly total_heap_size: number;
    readonly stack_size: number;
    readonly memory: number;
    readonly garbage_collection: { readonly minor_gcs: number; readonly [k: string]: unknown };
    readonly [k: string]: unknown;
  };
  readonly garbage_collection_info: Readonly<Record<string, number>>;
}
export interface FixtureWorkload {
  readonly id: string;
  readonly params: readonly number[];
  readonly spawn_arg_words: number;
  readonly spawn_opts: Readonly<Record<string, unknown>>;
  readonly monitored_at_spawn: boolean;
  readonly summary: Readonly<Record<string, number>>;
  readonly events: readonly FixtureEvent[];
  readonly checkpoints: readonly FixtureCheckpoint[];
  readonly untraced_checkpoints: readonly FixtureCheckpoint[];
  readonly trace_perturbed: readonly unknown[];
  readonly exit: { readonly reason: string; readonly step: string };
}
export interface GcFixture {
  readonly heap_sizes: readonly number[];
  readonly defaults: Readonly<Record<string, number>>;
  readonly workloads: readonly FixtureWorkload[];
}

let cached: GcFixture | null | undefined;
/** The committed gc_traces fixture (or BEAMLAB_GC_FIXTURE_DIR's), undefined while it is not recorded yet. */
export function gcFixture(): GcFixture | undefined {
  if (cached === undefined) {
    try {
      const dir = process.env.BEAMLAB_GC_FIXTURE_DIR;
      cached = (dir === undefined ? loadFixture("gc_traces") : loadFixture("gc_traces", dir)) as GcFixture;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

export function workload(id: string): FixtureWorkload {
  const w = gcFixture()?.workloads.find((x) => x.id === id);
  if (w === undefined) throw new Error(`workload ${id} not in the fixture`);
  return w;
}

/** Stack words of a process parked in `park/1`'s receive (the checkpoints' stack_size). */
export const S_PARK = 3;
/** Bytes of the monitor entry counted in `memory` when the recorder monitors from spawn. */
const MONITOR_BYTES = 64;

export interface ModelCheckpoint {
  readonly label: string;
  readonly process_info: { heap_size: number; total_heap_size: number; stack_size: number; memory: number; minor_gcs: number };
  readonly garbage_collection_info: GcInfo;
  readonly after_events: number;
}

/**
 * One run of a twin: a model process spawned like the recorder spawns it
 * (`spawn_opt(M, F, [Rec | Params], Opts)`: all arguments immediates, 2 words each).
 * `traced`: models the erl_tracer perturbation (a phantom 5-word fragment at every trace
 * message whose own info shows fewer than 8 free words), for comparison with the traced run.
 */
export class TwinRun {
  readonly heap: ProcessHeap;
  readonly events: FixtureEvent[] = [];
  readonly checkpoints: ModelCheckpoint[] = [];
  exit: { reason: string; step: string } | undefined;
  private readonly monitored: boolean;

  constructor(readonly w: FixtureWorkload, readonly traced: boolean, opts: ProcessHeapOptions = {}) {
    this.monitored = w.monitored_at_spawn;
    const so = w.spawn_opts as { min_heap_size?: number; fullsweep_after?: number; max_heap_size?: { size: number; kill: boolean; error_logger: boolean } };
    this.heap = new ProcessHeap({
      owner: w.id,
      spawnArgs: [0, ...w.params], // Rec (a local pid: immediate) and the integer params
      ...(so.min_heap_size !== undefined ? { minHeapSize: so.min_heap_size } : {}),
      ...(so.fullsweep_after !== undefined ? { fullsweepAfter: so.fullsweep_after } : {}),
      ...(so.max_heap_size !== undefined ? { maxHeapSize: { size: so.max_heap_size.size, kill: so.max_heap_size.kill, errorLogger: so.max_heap_size.error_logger } } : {}),
      ...(traced ? { onTrace: (t: GcTraceEntry) => { this.onTrace(t); } } : {}),
      onGc: (e: GcEvent) => {
        if (!this.tracing || e.reason === "hibernate") return;
        if (e.kind === "minor") this.counts.successful_minors++;
      },
      debugChecks: true,
      ...opts,
    });
  }

  private onTrace(t: GcTraceEntry): void {
    if (!this.tracing) return;
    const info: Record<string, number> = t.tag === "gc_max_heap_size" ? {} : { wordsize: t.wordsize };
    Object.assign(info, t.info);
    this.events.push({ event: t.tag, info });
  }

  private readonly counts = { successful_minors: 0 };
  private failedBeforeTracing = 0;

  /** The fixture's summary, from the model's own outcomes (not from the event pattern). */
  summary(): Record<string, number> {
    const count = (tag: string): number => this.events.filter((e) => e.event === tag).length;
    return {
      events: this.events.length,
      minor_starts: count("gc_minor_start"),
      failed_minors: this.heap.state.failedMinorCount - this.failedBeforeTracing,
      successful_minors: this.counts.successful_minors,
      majors: count("gc_major_start"),
      max_heap_size_events: count("gc_max_heap_size"),
    };
  }

  /** Tracing starts at the first checkpoint (the recorder enables it while the process is parked). */
  private tracing = false;

  /** `build(K, Acc)`: prepends K, K-1, …, 1 to `acc`, one cons (need 2) per step, with stack S. */
  build(k: number, acc: Term, S: number): Term {
    const h = this.heap;
    const f = h.pushFrame();
    const save = h.state.baseStack;
    h.setStack(S);
    let list = acc;
    f.set(0, list);
    for (let i = k; i >= 1; i--) {
      list = h.alloc(new Cons(i, list), { need: 2 });
      f.set(0, list);
    }
    h.popFrame(f);
    h.setStack(save);
    return list;
  }

  /** A checkpoint taken from outside while parked with `stack` words of stack (S_PARK in park/1 called from a tail position). */
  park(label: string, stack: number = S_PARK): void {
    this.heap.setStack(stack);
    const pi = this.heap.processInfo(this.monitored ? MONITOR_BYTES : 0);
    this.checkpoints.push({
      label,
      process_info: { heap_size: pi.heap_size, total_heap_size: pi.total_heap_size, stack_size: pi.stack_size, memory: pi.memory, minor_gcs: pi.garbage_collection.minor_gcs },
      garbage_collection_info: this.heap.gcInfo(),
      after_events: this.events.length,
    });
    if (!this.tracing) this.failedBeforeTracing = this.heap.state.failedMinorCount;
    this.tracing = this.traced;
    this.heap.tracePhantom = this.traced;
  }
}

export { nil };

const INFO_KEYS = [
  "wordsize",
  "old_heap_block_size",
  "heap_block_size",
  "mbuf_size",
  "recent_size",
  "stack_size",
  "old_heap_size",
  "heap_size",
  "bin_vheap_size",
  "bin_vheap_block_size",
  "bin_old_vheap_size",
  "bin_old_vheap_block_size",
] as const;

/** The first difference between two event sequences, as text (undefined when equal). */
export function firstEventDiff(model: readonly FixtureEvent[], beam: readonly FixtureEvent[]): string | undefined {
  const n = Math.max(model.length, beam.length);
  for (let i = 0; i < n; i++) {
    const m = model[i];
    const b = beam[i];
    if (m === undefined || b === undefined) return `event #${i}: model ${m ? m.event : "(none)"} vs BEAM ${b ? b.event : "(none)"} (model has ${model.length}, BEAM ${beam.length})`;
    if (m.event !== b.event) return `event #${i}: model ${m.event} vs BEAM ${b.event}\n  model ${JSON.stringify(m.info)}\n  BEAM  ${JSON.stringify(b.info)}`;
    for (const k of INFO_KEYS) {
      if (m.info[k] !== b.info[k]) return `event #${i} ${b.event}.${k}: model ${m.info[k]} vs BEAM ${b.info[k]}\n  model ${JSON.stringify(m.info)}\n  BEAM  ${JSON.stringify(b.info)}`;
    }
  }
  return undefined;
}

/** The checkpoint fields the model must reproduce, in a comparable shape. */
export function checkpointView(c: FixtureCheckpoint | ModelCheckpoint): Record<string, unknown> {
  const pi = c.process_info as Record<string, unknown> & { garbage_collection?: { minor_gcs: number }; minor_gcs?: number };
  return {
    label: c.label,
    heap_size: pi.heap_size,
    total_heap_size: pi.total_heap_size,
    stack_size: pi.stack_size,
    memory: pi.memory,
    minor_gcs: pi.minor_gcs ?? pi.garbage_collection?.minor_gcs,
    gc_info: { ...c.garbage_collection_info },
  };
}

/**
 * The fixture's summary rule applied to an event sequence (gc_traces.escript `summary/1`): a failed
 * minor is gc_minor_start, gc_minor_end (wordsize 0; heap, old heap and high-water unchanged),
 * gc_major_start.
 */
export function recorderSummary(events: readonly FixtureEvent[]): Record<string, number> {
  let failed = 0;
  for (let i = 0; i + 2 < events.length; i++) {
    const a = events[i] as FixtureEvent;
    const b = events[i + 1] as FixtureEvent;
    const c = events[i + 2] as FixtureEvent;
    if (a.event !== "gc_minor_start" || b.event !== "gc_minor_end" || c.event !== "gc_major_start") continue;
    const same = ["heap_block_size", "heap_size", "old_heap_block_size", "old_heap_size", "recent_size"].every((k) => a.info[k] === b.info[k]);
    if (same && b.info.wordsize === 0) failed++;
  }
  const count = (tag: string): number => events.filter((e) => e.event === tag).length;
  return {
    events: events.length,
    minor_starts: count("gc_minor_start"),
    failed_minors: failed,
    successful_minors: count("gc_minor_end") - failed,
    majors: count("gc_major_start"),
    max_heap_size_events: count("gc_max_heap_size"),
  };
}
