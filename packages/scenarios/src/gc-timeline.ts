/**
 * A process's GC trace (`erlang:trace(Pid, true, [garbage_collection])` messages, see
 * {@link GcEventRecord}) read as a timeline of collections: what a BEAM memory article draws.
 *
 * Owns the pairing rule: a `gc_*_start` and the next `gc_*_end` of the same kind are one
 * collection; a minor whose end reclaimed nothing and changed no size (heap, old heap, recent
 * size), followed at once by `gc_major_start`, is
 * a failed minor that became a major in the same GC (the BEAM's first collection of a fresh
 * process, and every minor that finds no room in the old heap): one step of kind "minor→major"
 * from the minor's start to the major's end. A `gc_max_heap_size` message is kept as its own step.
 * Invariant: pure; every event lands in exactly one step, in order.
 */
import type { GcEventRecord } from "./scenario.js";

export type GcStepKind = "minor" | "major" | "minor→major" | "max_heap_size";

/** The sizes a step shows before and after (words). */
export interface GcSizes {
  readonly heap_size: number;
  readonly heap_block_size: number;
  readonly old_heap_size: number;
  readonly old_heap_block_size: number;
  readonly mbuf_size: number;
}

export interface GcStep {
  readonly kind: GcStepKind;
  /** The heap need that triggered it (`wordsize` of the start; 0 for explicit or dirty GCs). */
  readonly need: number;
  readonly before: GcSizes;
  readonly after: GcSizes;
  /** Words the collection freed (`wordsize` of the last end). */
  readonly reclaimed: number;
}

function sizes(info: Readonly<Record<string, number>>): GcSizes {
  return {
    heap_size: info.heap_size ?? 0,
    heap_block_size: info.heap_block_size ?? 0,
    old_heap_size: info.old_heap_size ?? 0,
    old_heap_block_size: info.old_heap_block_size ?? 0,
    mbuf_size: info.mbuf_size ?? 0,
  };
}

const UNCHANGED = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "recent_size"] as const;

/** A minor that could not be done: it reclaimed nothing and left every size as it was (gc_traces.escript's rule). */
function failedMinor(start: GcEventRecord, end: GcEventRecord): boolean {
  return end.info.wordsize === 0 && UNCHANGED.every((k) => start.info[k] === end.info[k]);
}

/** The collections of one process's GC trace, in order. */
export function gcTimeline(events: readonly GcEventRecord[]): GcStep[] {
  const out: GcStep[] = [];
  let i = 0;
  const at = (k: number): GcEventRecord | undefined => events[k];
  while (i < events.length) {
    const e = at(i) as GcEventRecord;
    if (e.event === "gc_max_heap_size") {
      out.push({ kind: "max_heap_size", need: 0, before: sizes(e.info), after: sizes(e.info), reclaimed: 0 });
      i += 1;
      continue;
    }
    const kind = e.event === "gc_minor_start" || e.event === "gc_minor_end" ? "minor" : "major";
    const end = at(i + 1);
    if (!e.event.endsWith("_start") || end?.event !== `gc_${kind}_end`) {
      // an end without its start (tracing switched on mid-GC) or a start cut off: shown alone
      out.push({ kind, need: e.info.wordsize ?? 0, before: sizes(e.info), after: sizes(e.info), reclaimed: e.event.endsWith("_end") ? (e.info.wordsize ?? 0) : 0 });
      i += 1;
      continue;
    }
    const majorStart = at(i + 2);
    const majorEnd = at(i + 3);
    if (kind === "minor" && failedMinor(e, end) && majorStart?.event === "gc_major_start" && majorEnd?.event === "gc_major_end") {
      out.push({ kind: "minor→major", need: e.info.wordsize ?? 0, before: sizes(e.info), after: sizes(majorEnd.info), reclaimed: majorEnd.info.wordsize ?? 0 });
      i += 4;
      continue;
    }
    out.push({ kind, need: e.info.wordsize ?? 0, before: sizes(e.info), after: sizes(end.info), reclaimed: end.info.wordsize ?? 0 });
    i += 2;
  }
  return out;
}
