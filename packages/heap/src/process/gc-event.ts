/**
 * What a collection reports: the records given to listeners and the telemetry events.
 *
 * Owns: the shapes of {@link GcEvent} (one per collection, for tests and tools), {@link GcTraceEntry}
 * (the same sequence `erlang:trace(Pid, true, [garbage_collection])` delivers, so a model run
 * can be compared with a recorded BEAM trace message by message), and the telemetry emission.
 *
 * Telemetry: `["beamlab","gc",kind,"start"]` before and `["beamlab","gc",kind,"stop"]` after each
 * collection (kind "minor" | "major"; a minor that fails and becomes a major emits a minor start,
 * a minor stop with `failed: 1`, then the major's pair). Measurements of "stop": words_before,
 * words_after, promoted, reclaimed, copied (words moved: the cost), need, heap_block_size,
 * old_heap_block_size, heap_size, old_heap_size, mbuf_size, stack_size, reductions. Metadata:
 * `{ owner, reason }` with reason "alloc" | "explicit" | "vheap" | "mbuf" | "hibernate".
 */
import type { GcInfo } from "./gc-info.js";

export type GcKind = "minor" | "major";
export type GcReason = "alloc" | "explicit" | "vheap" | "mbuf" | "hibernate";

/** One collection, as the listener option `onGc` receives it. */
export interface GcEvent {
  readonly kind: GcKind;
  readonly reason: GcReason;
  /** Words the triggering allocation needed (0 for safe-point, explicit and dirty collections). */
  readonly need: number;
  /** A major that started as a minor which could not be done (no usable old heap). */
  readonly afterFailedMinor: boolean;
  /** Ran as a delayed ("dirty") collection because the heap was large (erl_gc.c `check_for_possibly_long_gc`). */
  readonly dirty: boolean;
  /** Young generation usage (+ old heap use for a major) before, and what survived after. */
  readonly wordsBefore: number;
  readonly wordsAfter: number;
  /** Words moved to the old heap (minor). */
  readonly promoted: number;
  /** `wordsBefore − wordsAfter`: the `wordsize` of the BEAM's gc_*_end trace message. */
  readonly reclaimed: number;
  /** Words copied by the collection (live words moved): its cost. */
  readonly copied: number;
  /** Reductions charged (`gc_cost`). */
  readonly reductions: number;
  readonly before: GcInfo;
  readonly after: GcInfo;
}

export type GcTraceTag = "gc_minor_start" | "gc_minor_end" | "gc_major_start" | "gc_major_end" | "gc_max_heap_size";

/** One `{trace, Pid, Tag, Info}` message of `erlang:trace/3` with `garbage_collection`. */
export interface GcTraceEntry {
  readonly tag: GcTraceTag;
  /** `wordsize`: the need at *_start, the words reclaimed at *_end. */
  readonly wordsize: number;
  readonly info: GcInfo;
}

/** Maximum heap size report (error_logger), as the BEAM's `reached_max_heap_size` logs it. */
export interface MaxHeapSizeReport {
  readonly owner: string;
  readonly kill: boolean;
  readonly maxHeapSize: number;
  readonly totalHeapSize: number;
  readonly oldHeapBlockSize: number;
  readonly heapBlockSize: number;
  readonly mbufSize: number;
  readonly stackSize: number;
  readonly oldHeapSize: number;
  readonly heapSize: number;
}
