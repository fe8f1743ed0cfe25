/**
 * recon-like queries over snapshots: `proc_count/2`, `proc_window/3`, `bin_leak/1`, `info/1`,
 * `scheduler_usage/1`, with recon's semantics (recon 2.5, `recon.erl` / `recon_lib.erl`).
 *
 * Owns: ranking, windowing and grouping. Never reads a clock or sleeps on its own: the window
 * functions take the {@link NodeSource} and a `sleep(ms)` supplied by the caller, so in a
 * simulation `sleep` advances virtual time (e.g. runs the scheduler for `ms`).
 *
 * Invariants (recon's, made deterministic):
 * - results are sorted by value, largest first; equal values are ordered by pid (recon leaves that
 *   order unspecified), so the same snapshots always give the same list;
 * - every entry is recon's `proc_attrs()` triple: pid, value, and
 *   `[Name || is_atom(Name)] ++ [{initial_call, _}, {current_function, _}]` as {@link ReconProcInfo};
 * - window: recon_lib:sliding_window: a pid in both samples gets `last − first`; a pid only in the
 *   last sample (born in the window) gets its full value; a pid only in the first sample (died in
 *   the window) keeps its first value, as recon does;
 * - binLeak: value = ProcBins after − before a full collection (≤ 0: the count released, negated,
 *   as recon returns it), ranked by most released; needs `collectAll` on the source.
 */
import { binaryCount, binaryMemory, byPid, comparePids, type NodeSnapshot, type NodeSource, type ProcessSnapshot, type SchedulerWallTime } from "./snapshot.js";

/** The attributes recon users rank by (any numeric process_info item, plus recon's `binary_memory`). */
export type ProcAttr = "memory" | "reductions" | "message_queue_len" | "total_heap_size" | "heap_size" | "stack_size" | "binary_memory";

export const PROC_ATTRS: readonly ProcAttr[] = Object.freeze(["memory", "reductions", "message_queue_len", "total_heap_size", "heap_size", "stack_size", "binary_memory"]);

/** recon's `[Name] ++ [{initial_call, MFA}, {current_function, MFA}]`. */
export interface ReconProcInfo {
  readonly registered_name?: string;
  readonly initial_call: string;
  readonly current_function: string | undefined;
}

/** recon's `proc_attrs()`: `{Pid, Value, Info}`. */
export interface ProcAttrs {
  readonly pid: string;
  readonly value: number;
  readonly info: ReconProcInfo;
}

export function attrValue(p: ProcessSnapshot, attr: ProcAttr): number {
  return attr === "binary_memory" ? binaryMemory(p) : p[attr];
}

function reconInfo(p: ProcessSnapshot): ReconProcInfo {
  return p.registered_name !== undefined
    ? { registered_name: p.registered_name, initial_call: p.initial_call, current_function: p.current_function }
    : { initial_call: p.initial_call, current_function: p.current_function };
}

function procAttrs(s: NodeSnapshot, attr: ProcAttr): ProcAttrs[] {
  return s.processes.map((p) => ({ pid: p.pid, value: attrValue(p, attr), info: reconInfo(p) }));
}

/** recon_lib:sublist_top_n_attrs: the `n` largest by value (ties by pid). */
export function topN(entries: readonly ProcAttrs[], n: number): ProcAttrs[] {
  return [...entries].sort((a, b) => b.value - a.value || comparePids(a.pid, b.pid)).slice(0, Math.max(0, n));
}

/** `recon:proc_count(Attr, N)` over one snapshot: the `n` biggest processes by `attr`. */
export function procCount(snapshot: NodeSnapshot, attr: ProcAttr, n: number): ProcAttrs[] {
  return topN(procAttrs(snapshot, attr), n);
}

/** recon_lib:sliding_window + top n, over two snapshots already taken. */
export function procWindowDiff(first: NodeSnapshot, last: NodeSnapshot, attr: ProcAttr, n: number): ProcAttrs[] {
  const merged = new Map<string, ProcAttrs>();
  for (const e of procAttrs(first, attr)) merged.set(e.pid, e);
  for (const e of procAttrs(last, attr)) {
    const old = merged.get(e.pid);
    merged.set(e.pid, old === undefined ? e : { pid: e.pid, value: e.value - old.value, info: e.info });
  }
  return topN([...merged.values()], n);
}

/** `recon:proc_window(Attr, N, Ms)`: snapshot, `sleep(ms)`, snapshot, rank the differences. */
export function procWindow(source: NodeSource, attr: ProcAttr, n: number, ms: number, sleep: (ms: number) => void): ProcAttrs[] {
  const first = source.snapshot();
  sleep(ms);
  return procWindowDiff(first, source.snapshot(), attr, n);
}

/** {@link procWindow} with an asynchronous sleep (real time, or a scheduler driven by the event loop). */
export async function procWindowAsync(
  source: NodeSource,
  attr: ProcAttr,
  n: number,
  ms: number,
  sleep: (ms: number) => Promise<void>,
): Promise<ProcAttrs[]> {
  const first = source.snapshot();
  await sleep(ms);
  return procWindowDiff(first, source.snapshot(), attr, n);
}

/** One row of {@link binLeak}: recon's triple plus the bytes the collection let go. */
export interface BinLeakEntry extends ProcAttrs {
  /** Σ size of the ProcBins released (before − after, by recon's binary_memory). */
  readonly releasedBytes: number;
}

/**
 * `recon:bin_leak(N)`: counts each process's ProcBins (`process_info(P, binary)`), collects every
 * process (`source.collectAll()`), counts again, returns the `n` that released most. A process
 * that died in between counts 0, as in recon.
 */
export function binLeak(source: NodeSource, n: number): BinLeakEntry[] {
  if (source.collectAll === undefined) throw new TypeError("binLeak needs a NodeSource with collectAll()");
  const before = source.snapshot();
  source.collectAll();
  const after = byPid(source.snapshot());
  const rows: BinLeakEntry[] = before.processes.map((p) => {
    const q = after.get(p.pid);
    if (q === undefined) return { pid: p.pid, value: 0, info: reconInfo(p), releasedBytes: 0 };
    return {
      pid: p.pid,
      value: binaryCount(q) - binaryCount(p),
      info: reconInfo(q),
      releasedBytes: binaryMemory(p) - binaryMemory(q),
    };
  });
  return rows.sort((a, b) => a.value - b.value || comparePids(a.pid, b.pid)).slice(0, Math.max(0, n));
}

/** `recon:info/1`: process_info items in recon's five groups (items the source lacks are left out). */
export interface ReconInfo {
  readonly meta: { registered_name?: string; dictionary?: readonly (readonly [unknown, unknown])[]; group_leader?: string; status?: string };
  readonly signals: { links?: readonly string[]; monitors?: readonly string[]; monitored_by?: readonly string[]; trap_exit?: boolean };
  readonly location: { initial_call: string; current_stacktrace?: readonly string[] };
  readonly memory_used: {
    memory: number;
    message_queue_len: number;
    heap_size: number;
    total_heap_size: number;
    garbage_collection?: { readonly minor_gcs: number; readonly fullsweep_after?: number };
  };
  readonly work: { reductions: number };
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k] as Exclude<T[K], undefined>;
  return out;
}

/** `recon:info(Pid)` over a snapshot; undefined when the pid is not in it (a dead process). */
export function info(snapshot: NodeSnapshot, pid: string): ReconInfo | undefined {
  const p = snapshot.processes.find((q) => q.pid === pid);
  if (p === undefined) return undefined;
  return {
    meta: pick(p, ["registered_name", "dictionary", "group_leader", "status"]),
    signals: pick(p, ["links", "monitors", "monitored_by", "trap_exit"]),
    location: { initial_call: p.initial_call, ...pick(p, ["current_stacktrace"]) },
    memory_used: {
      memory: p.memory,
      message_queue_len: p.message_queue_len,
      heap_size: p.heap_size,
      total_heap_size: p.total_heap_size,
      ...pick(p, ["garbage_collection"]),
    },
    work: { reductions: p.reductions },
  };
}

export interface SchedulerUsage {
  readonly id: number;
  /** Share of the interval the scheduler was busy, 0..1. */
  readonly usage: number;
}

/** recon_lib:scheduler_usage_diff over two `scheduler_wall_time` readings (0 when nothing elapsed). */
export function schedulerUsageDiff(first: readonly SchedulerWallTime[], last: readonly SchedulerWallTime[]): SchedulerUsage[] {
  const before = new Map(first.map((r) => [r.id, r]));
  return [...last]
    .sort((a, b) => a.id - b.id)
    .flatMap((r) => {
      const f = before.get(r.id);
      if (f === undefined) return [];
      const total = r.total_time - f.total_time;
      return [{ id: r.id, usage: total === 0 ? 0 : (r.active_time - f.active_time) / total }];
    });
}

/** `recon:scheduler_usage(Ms)`: needs `statistics.scheduler_wall_time` in the source's snapshots. */
export function schedulerUsage(source: NodeSource, ms: number, sleep: (ms: number) => void): SchedulerUsage[] | undefined {
  const first = source.snapshot().statistics?.scheduler_wall_time;
  sleep(ms);
  const last = source.snapshot().statistics?.scheduler_wall_time;
  if (first === undefined || last === undefined) return undefined;
  return schedulerUsageDiff(first, last);
}
