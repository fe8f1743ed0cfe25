/**
 * Detector 1, tenured garbage: a long-lived process whose old heap is mostly unreachable and
 * keeps growing across samples (a minor GC promotes whatever is alive at that moment — per-request
 * temporaries included — and the old heap is only swept by a major, `fullsweep_after` minors away).
 *
 * Owns: the rule below. Reads only `liveness` (the simulator's reachability tracing) and
 * `garbage_collection_info.old_heap_size`; a process without `liveness` in every sample of its
 * track is skipped (the garbage share is measured, never guessed).
 * Rule: the process is present in the last `minSamples` samples or more, and over its track
 *  - old-heap garbage words grew by at least `minGarbageGrowthWords` (first → last), and
 *  - at the last sample, old-heap garbage / (old-heap live + garbage) ≥ `minGarbageFraction`.
 */
import { culpritOf, round, tracks, WORD_BYTES, type Finding } from "./finding.js";
import type { NodeSnapshot } from "../snapshot.js";

export interface TenuredGarbageOptions {
  /** Samples the process must span (default 3). */
  readonly minSamples?: number;
  /** Share of the old heap that is unreachable at the last sample (default 0.5). */
  readonly minGarbageFraction?: number;
  /** Growth of old-heap garbage over the track, in words (default 1024 = 8 KiB). */
  readonly minGarbageGrowthWords?: number;
}

export const TENURED_GARBAGE_DEFAULTS: Required<TenuredGarbageOptions> = Object.freeze({
  minSamples: 3,
  minGarbageFraction: 0.5,
  minGarbageGrowthWords: 1024,
});

export function detectTenuredGarbage(series: readonly NodeSnapshot[], options: TenuredGarbageOptions = {}): Finding[] {
  const o = { ...TENURED_GARBAGE_DEFAULTS, ...options };
  const out: Finding[] = [];
  for (const track of tracks(series).values()) {
    if (track.length < o.minSamples) continue;
    if (track.some((t) => t.p.liveness === undefined)) continue;
    const first = track[0]?.p;
    const last = track[track.length - 1]?.p;
    if (first?.liveness === undefined || last?.liveness === undefined) continue;
    const garbageFirst = first.liveness.old_heap_garbage_words;
    const garbageLast = last.liveness.old_heap_garbage_words;
    const oldLast = last.liveness.old_heap_live_words + garbageLast;
    const fraction = oldLast === 0 ? 0 : garbageLast / oldLast;
    const growth = garbageLast - garbageFirst;
    if (growth < o.minGarbageGrowthWords || fraction < o.minGarbageFraction) continue;
    const fullsweep = last.garbage_collection?.fullsweep_after;
    out.push({
      kind: "tenured_garbage",
      culprits: [culpritOf(last)],
      evidence: {
        samples: track.length,
        old_heap_garbage_words_first: garbageFirst,
        old_heap_garbage_words_last: garbageLast,
        old_heap_live_words_last: last.liveness.old_heap_live_words,
        garbage_fraction: round(fraction),
        garbage_bytes: garbageLast * WORD_BYTES,
        ...(last.garbage_collection_info !== undefined ? { old_heap_size: last.garbage_collection_info.old_heap_size } : {}),
        ...(fullsweep !== undefined ? { fullsweep_after: fullsweep } : {}),
        ...(last.garbage_collection !== undefined ? { minor_gcs: last.garbage_collection.minor_gcs } : {}),
      },
      fix:
        "Per-request data is promoted to the old heap and stays there until a fullsweep. Do the work in a short-lived " +
        "spawned process (its heap is freed when it exits), or hibernate between requests (erlang:hibernate/3, " +
        "{reply, R, S, hibernate}: a fullsweep that shrinks the heap), or lower fullsweep_after " +
        `(spawn_opt/process_flag; now ${fullsweep ?? "the default"}) so majors run sooner.`,
      summary: `${culpritOf(last).name} (${last.pid}): ${Math.round(fraction * 100)}% of its old heap is garbage (${garbageLast * WORD_BYTES} bytes), up ${growth * WORD_BYTES} bytes over ${track.length} samples`,
    });
  }
  return out;
}
