/**
 * The report of one run: the JSON document `leak-lab run --json` prints, and the same shape a
 * twin prints on the real BEAM (SCENARIO-API.md, "the twin report"), so the two compare field
 * for field.
 *
 * Owns: {@link LabReport} and the conversion of a telemetry `NodeSnapshot` into its `memory` and
 * `processes` parts. Units as on the BEAM: memory in bytes, heap and stack sizes in words.
 * Invariant: the order of keys and of processes (spawn order) is fixed, so the same run prints
 * the same bytes.
 */
import type { Finding, MemorySnapshot, NodeSnapshot, ProcessSnapshot } from "@beamlab/telemetry";
import type { Mode, ParamValues, ProcessGcEvents } from "./scenario-api.js";

export type MemoryReport = Readonly<Record<string, number>>;

export interface ProcessReport {
  readonly pid: string;
  readonly role: string | null;
  readonly name: string | null;
  readonly memory: number;
  readonly heap_size: number;
  readonly total_heap_size: number;
  readonly stack_size: number;
  readonly minor_gcs: number;
  readonly message_queue_len: number;
  /** `process_info(P, binary)` as `[[Id, Size, Refc]]`. */
  readonly binary: readonly (readonly [number, number, number])[];
}

export interface SampleReport {
  readonly t_ms: number;
  readonly memory: MemoryReport;
}

export interface BandStat {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface BandReport {
  readonly runs: number;
  /** How far (in words) each free choice of the model was moved. */
  readonly words: number;
  readonly headlines: Readonly<Record<string, BandStat>>;
}

export interface BeamComparison {
  /** The twin's own report, as it printed it. */
  readonly report: LabReport;
  readonly headlines: Readonly<Record<string, { readonly simulated: number; readonly real: number; readonly ratio: number | null }>>;
  /**
   * When both runs traced their processes (`gc_events`): per role, the events of each side and
   * how many of them, from the first, are identical (kind, wordsize and the 11 info items).
   */
  readonly gc_events?: Readonly<Record<string, GcEventsMatch>>;
}

export interface GcEventsMatch {
  readonly simulated: number;
  readonly real: number;
  /** Leading events equal in kind and every info item. */
  readonly identical: number;
}

/** A process that exited with a reason other than normal or shutdown (an error report on the BEAM). */
export interface AbnormalExit {
  readonly pid: string;
  readonly role: string | null;
  /** The exit reason, printed as Erlang prints it. */
  readonly reason: string;
  readonly t_ms: number;
}

export interface CrashReport {
  /** The BEAM's last words, e.g. `eheap_alloc: Cannot allocate … (of type "heap").` */
  readonly slogan: string;
  readonly t_ms: number;
  readonly pid: string;
  readonly bytes: number;
  readonly dump: string | null;
}

export interface LabReport {
  readonly scenario: string;
  readonly mode: Mode;
  readonly params: ParamValues;
  readonly samples: readonly SampleReport[];
  readonly peak: { readonly memory: MemoryReport };
  readonly final: { readonly memory: MemoryReport; readonly processes: readonly ProcessReport[] };
  readonly findings?: readonly Finding[];
  /**
   * The GC trace of every process the scenario traces (gc-lifecycle), dead ones included:
   * `[{pid, role, events: [{event, info: {wordsize, …the 11 garbage_collection_info items}}]}]`,
   * as its twin prints it. Absent for scenarios that trace nothing.
   */
  readonly gc_events?: readonly ProcessGcEvents[];
  readonly crash?: CrashReport;
  /** Processes that exited abnormally during the run: how many, and the first ones. */
  readonly abnormal_exits?: { readonly count: number; readonly first: readonly AbnormalExit[] };
  /** The workload could not reach its end: at `t_ms` every process waited and no timer was pending. */
  readonly stalled?: { readonly t_ms: number; readonly message: string };
  readonly band?: BandReport;
  readonly beam?: BeamComparison | { readonly skipped: string };
}

const MEMORY_KEYS = ["total", "processes", "processes_used", "system", "atom", "atom_used", "binary", "code", "ets"] as const;

export function memoryReport(m: MemorySnapshot): MemoryReport {
  const out: Record<string, number> = {};
  for (const k of MEMORY_KEYS) {
    const v = m[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function processReport(p: ProcessSnapshot): ProcessReport {
  return {
    pid: p.pid,
    role: p.role ?? null,
    name: p.registered_name ?? null,
    memory: p.memory,
    heap_size: p.heap_size,
    total_heap_size: p.total_heap_size,
    stack_size: p.stack_size,
    minor_gcs: p.garbage_collection?.minor_gcs ?? 0,
    message_queue_len: p.message_queue_len,
    binary: (p.binary ?? []).map((b) => [b.id, b.size, b.refc] as const),
  };
}

/** `erlang:memory()` at the sample with the largest total (one real reading, not a mix). */
export function peakMemory(samples: readonly SampleReport[]): MemoryReport {
  let peak: SampleReport | undefined;
  for (const s of samples) if (peak === undefined || (s.memory.total ?? 0) > (peak.memory.total ?? 0)) peak = s;
  return peak?.memory ?? {};
}

export function finalOf(snap: NodeSnapshot): LabReport["final"] {
  return { memory: memoryReport(snap.memory), processes: snap.processes.map(processReport) };
}
