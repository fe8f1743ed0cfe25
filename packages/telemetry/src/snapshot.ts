/**
 * The data the diagnostics work on: a snapshot of one simulated node, as plain interfaces that the
 * higher layers (the scheduler, refc, scenarios) fill in. This package never computes BEAM
 * numbers itself; it only reads what a {@link NodeSource} reports.
 *
 * Owns: the shape of {@link NodeSnapshot} / {@link ProcessSnapshot} / {@link NodeSource} and the
 * small helpers every query shares (name of a process, recon's `binary_memory`).
 *
 * Naming: fields that are `erlang:memory/0`, `process_info/2`, `system_info/1` or `statistics/1`
 * items carry the item's name verbatim (snake_case, e.g. `message_queue_len`, `processes_used`),
 * so a scheduler's `process_info` result can be spread in, and BEAM users recognise them. Fields
 * that exist only in the simulator (`role`, `children`, `liveness`, `gc_count`, ...) are marked
 * "beamlab" below; they are optional, and every diagnostic that needs one says so and skips a
 * process that lacks it (nothing is guessed).
 *
 * Invariants a source must keep: `pid` is unique within a snapshot and stable across snapshots
 * (printed `<0.N.0>` form); `time` is non-decreasing across the snapshots of one source; sizes
 * follow the BEAM's units (memory items in bytes, heap items in words).
 */
import type { BinaryHolderRow } from "./binary-holders.js";
import type { CrashDumpProcessInfo } from "./crash-dump/read-crash-dump.js";

/** `erlang:memory()` in bytes. `system` = atom + binary + code + ets + other; `total` = processes + system. */
export interface MemorySnapshot {
  readonly total: number;
  readonly processes: number;
  readonly processes_used: number;
  readonly system: number;
  readonly atom: number;
  readonly atom_used?: number;
  readonly binary: number;
  readonly code: number;
  readonly ets: number;
}

/** `erlang:system_info/1` items (those the simulated node knows). */
export interface SystemInfoSnapshot {
  readonly process_count: number;
  readonly process_limit?: number;
  readonly schedulers?: number;
  readonly schedulers_online?: number;
  readonly port_count?: number;
  readonly ets_count?: number;
  readonly atom_count?: number;
}

/** One scheduler's row of `erlang:statistics(scheduler_wall_time)` (times in the source's unit). */
export interface SchedulerWallTime {
  readonly id: number;
  readonly active_time: number;
  readonly total_time: number;
}

/** `erlang:statistics/1` items, cumulative since the node started. */
export interface StatisticsSnapshot {
  /** `{NumberOfGCs, WordsReclaimed, 0}`. */
  readonly garbage_collection?: { readonly number_of_gcs: number; readonly words_reclaimed: number };
  /** Total reductions. */
  readonly reductions?: number;
  /** Processes ready to run (`statistics(run_queue)`). */
  readonly run_queue?: number;
  readonly context_switches?: number;
  readonly scheduler_wall_time?: readonly SchedulerWallTime[];
}

/** `process_info(Pid, garbage_collection_info)`, in words. */
export interface GcInfoSnapshot {
  readonly old_heap_block_size: number;
  readonly heap_block_size: number;
  readonly mbuf_size: number;
  readonly recent_size: number;
  readonly stack_size: number;
  readonly old_heap_size: number;
  readonly heap_size: number;
  readonly bin_vheap_size: number;
  readonly bin_vheap_block_size: number;
  readonly bin_old_vheap_size: number;
  readonly bin_old_vheap_block_size: number;
}

/** One entry of `process_info(Pid, binary)`: `{BinaryId, Size, RefCount}` (one per ProcBin). */
export interface ProcessBinaryRef {
  readonly id: number;
  readonly size: number;
  readonly refc: number;
}

/** `process_info(Pid, binary)` reduced to what the series detectors read of it. */
export interface BinarySummary {
  /** Entries of the list (ProcBins). */
  readonly count: number;
  /** Σ size over the list (recon's `binary_memory`). */
  readonly bytes: number;
}

/**
 * beamlab: what the simulator's reachability tracing found on the process heap, in words.
 * `*_live_words` is reachable from the roots, `*_garbage_words` is not (but still occupies the
 * heap until a collection of that generation). Only a tracing source fills this in.
 */
export interface LivenessSnapshot {
  readonly heap_live_words: number;
  readonly heap_garbage_words: number;
  readonly old_heap_live_words: number;
  readonly old_heap_garbage_words: number;
  /** Bytes of refc binaries the process's ProcBins point at that are no longer reachable from it. */
  readonly binary_garbage_bytes?: number;
}

export interface ProcessSnapshot {
  /** Printed pid, e.g. `"<0.84.0>"`. */
  readonly pid: string;
  readonly registered_name?: string | undefined;
  /** e.g. `"my_server:init/1"`. */
  readonly initial_call: string;
  readonly current_function?: string | undefined;
  readonly status?: string | undefined;
  readonly message_queue_len: number;
  /** Bytes. */
  readonly memory: number;
  /** Words. */
  readonly heap_size: number;
  readonly total_heap_size: number;
  readonly stack_size: number;
  readonly reductions: number;
  readonly garbage_collection?: { readonly minor_gcs: number; readonly fullsweep_after?: number } | undefined;
  readonly garbage_collection_info?: GcInfoSnapshot | undefined;
  readonly binary?: readonly ProcessBinaryRef[] | undefined;
  /**
   * beamlab: `binary` summed (count of entries, Σ size), standing in for the list in a compacted
   * snapshot (see snapshot-compact.ts); read it through {@link binaryMemory} / {@link binaryCount}.
   */
  readonly binary_summary?: BinarySummary | undefined;
  readonly links?: readonly string[] | undefined;
  readonly monitors?: readonly string[] | undefined;
  readonly monitored_by?: readonly string[] | undefined;
  readonly trap_exit?: boolean | undefined;
  readonly group_leader?: string | undefined;
  readonly dictionary?: readonly (readonly [unknown, unknown])[] | undefined;
  readonly current_stacktrace?: readonly string[] | undefined;
  readonly priority?: string | undefined;
  /** beamlab: what the process is for, e.g. "supervisor", "worker", "router", "agent". */
  readonly role?: string | undefined;
  /** beamlab: pids of the children, for a supervisor (`supervisor:which_children/1`). */
  readonly children?: readonly string[] | undefined;
  /** beamlab: the supervisor or spawner of this process. */
  readonly parent?: string | undefined;
  /** beamlab: collections since spawn (cumulative; `minor_gcs` resets at every fullsweep). */
  readonly gc_count?: { readonly minor: number; readonly major: number } | undefined;
  /** beamlab: messages received into the queue / taken out of it since spawn (cumulative). */
  readonly messages_in?: number | undefined;
  readonly messages_out?: number | undefined;
  /** beamlab: reachability traced by the simulator (see {@link LivenessSnapshot}). */
  readonly liveness?: LivenessSnapshot | undefined;
  /** What an erl_crash.dump adds about the process (heap unused, binary virtual heaps, reachable words); see crash-dump/. */
  readonly crash_dump?: CrashDumpProcessInfo | undefined;
  /** A real node's reachability, measured by a major collection (beamlab_snapshot.erl's gc probe). */
  readonly gc_probe?: GcProbe | undefined;
}

/**
 * Heap words in use (young + old, without the stack) just before and just after
 * `erlang:garbage_collect(Pid)` (a fullsweep): after it, only what is reachable is left, so
 * `used_words_after` is the reachable heap and the difference was garbage.
 */
export interface GcProbe {
  readonly used_words_before: number;
  readonly used_words_after: number;
  /** Σ size over process_info(P, binary) before / after the collection. */
  readonly binary_bytes_before?: number;
  readonly binary_bytes_after?: number;
}

export interface NodeSnapshot {
  /** When it was taken, on the source's clock (virtual ms in a simulation). */
  readonly time: number;
  readonly memory: MemorySnapshot;
  readonly system_info: SystemInfoSnapshot;
  readonly statistics?: StatisticsSnapshot | undefined;
  readonly processes: readonly ProcessSnapshot[];
  /** beamlab: who holds each refc binary (from the refc store), for the sub-binary detector. */
  readonly binaries?: readonly BinaryHolderRow[] | undefined;
}

/** What the scheduler implements: a consistent snapshot of the node, and a way to collect all. */
export interface NodeSource {
  snapshot(): NodeSnapshot;
  /**
   * `compactSnapshot(snapshot())` (snapshot-compact.ts), when the source can build it without the
   * full lists (the scheduler's source does): what a long series keeps of each sample.
   */
  compactSnapshot?(): NodeSnapshot;
  /** `[erlang:garbage_collect(P) || P <- processes()]` (needed by `binLeak`). */
  collectAll?(): void;
}

/** `registered_name` if any, else `initial_call` (how observer lists a process). */
export function processName(p: ProcessSnapshot): string {
  return p.registered_name ?? shownInitialCall(p);
}

/**
 * The initial call observer and recon show: proc_lib's `'$initial_call'` from the process
 * dictionary when it is there (a gen_server shows its callback module's `init/1`, not
 * `proc_lib:init_p/5`), else `initial_call`.
 */
export function shownInitialCall(p: ProcessSnapshot): string {
  const d = p.dictionary?.find(([k]) => k === "$initial_call")?.[1];
  return typeof d === "string" ? d : p.initial_call;
}

/** recon's `binary_memory`: Σ size over `process_info(P, binary)` (each ProcBin counted). */
export function binaryMemory(p: ProcessSnapshot): number {
  if (p.binary_summary !== undefined) return p.binary_summary.bytes;
  let total = 0;
  for (const b of p.binary ?? []) total += b.size;
  return total;
}

/** Entries of `process_info(P, binary)` (0 when the source did not report it). */
export function binaryCount(p: ProcessSnapshot): number {
  return p.binary_summary?.count ?? p.binary?.length ?? 0;
}

/** Whether the source reported `process_info(P, binary)` (as the list, or summed in a compacted snapshot). */
export function reportsBinary(p: ProcessSnapshot): boolean {
  return p.binary !== undefined || p.binary_summary !== undefined;
}

/** pid → process of one snapshot. */
export function byPid(s: NodeSnapshot): Map<string, ProcessSnapshot> {
  const m = new Map<string, ProcessSnapshot>();
  for (const p of s.processes) m.set(p.pid, p);
  return m;
}

/** Compares pids numerically (`<0.9.0>` before `<0.10.0>`), falling back to string order. */
export function comparePids(a: string, b: string): number {
  const pa = a.match(/\d+/g);
  const pb = b.match(/\d+/g);
  if (pa !== null && pb !== null) {
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    }
    if (pa.length !== pb.length) return pa.length - pb.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
