/**
 * Detector 1, tenured garbage: a long-lived process whose old heap is mostly unreachable and
 * keeps filling up again (a minor GC promotes whatever is alive at that moment — per-request
 * temporaries included — and the old heap is only swept by a major, `fullsweep_after` minors away
 * or when the old heap is full).
 *
 * Owns: the rule below. Reads only `liveness` (the simulator's reachability tracing); a process
 * without `liveness` in every sample of its track is skipped (the garbage share is measured, never
 * guessed). `garbage_collection` (fullsweep_after), `garbage_collection_info` (old_heap_size) and
 * `gc_count` (majors) only add evidence.
 *
 * Why a rule over the whole track: old-heap garbage is a sawtooth. It grows while minors promote
 * dead data, then a major (the old heap is full, or `fullsweep_after` is reached) clears it, and
 * it grows again. A rule on the first and last samples fires or not depending on where the last
 * sample lands in the cycle (right after a major the old heap is almost clean). So every number
 * below is taken over all the samples of the track, never at one chosen sample.
 *
 * Rule: over the process's track of at least `minSamples` samples, with per sample
 * g = old-heap garbage words and f = g / (old-heap live + garbage words) (0 when empty),
 *  - the old heap is mostly garbage most of the time: f ≥ `minGarbageFraction` in at least
 *    `minHighFractionShare` of the samples (the median sample, by default), and
 *  - garbage accumulated within the window: the largest rise of g from an earlier low point
 *    (max over i of g[i] − min over j ≤ i of g[j]) is ≥ `minGarbageGrowthWords`. A rise counts
 *    across majors too, so a sawtooth that refills after each major qualifies as much as a
 *    monotonic climb.
 * Evidence: the peak fraction and peak garbage (bytes), the median fraction, how many samples
 * were over the fraction, how many times the garbage refilled by ≥ `minGarbageGrowthWords` after
 * a drop (`garbage_refills`), majors in the window and the old heap's peak size when the source
 * reports them, plus the first / last sample values for reference.
 */
import { culpritOf, round, tracks, WORD_BYTES, type Finding } from "./finding.js";
import type { NodeSnapshot } from "../snapshot.js";
import { formatBytes } from "../format-bytes.js";

export interface TenuredGarbageOptions {
  /** Samples the process must span (default 3). */
  readonly minSamples?: number;
  /** Share of the old heap that is unreachable, in a sample that counts as "mostly garbage" (default 0.5). */
  readonly minGarbageFraction?: number;
  /** Share of the track's samples that must be "mostly garbage" (default 0.5: at least half). */
  readonly minHighFractionShare?: number;
  /** Largest rise of old-heap garbage from an earlier low within the track, in words (default 1024 = 8 KiB). */
  readonly minGarbageGrowthWords?: number;
}

export const TENURED_GARBAGE_DEFAULTS: Required<TenuredGarbageOptions> = Object.freeze({
  minSamples: 3,
  minGarbageFraction: 0.5,
  minHighFractionShare: 0.5,
  minGarbageGrowthWords: 1024,
});

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Rise {
  /** max over i of g[i] − min over j ≤ i of g[j]. */
  readonly growth: number;
  /**
   * Refills: rises of ≥ `step` words from a low point, each after the garbage had dropped by
   * ≥ `step` from its previous peak (hysteresis, so a few words of jitter are not a cycle).
   */
  readonly refills: number;
}

function rises(g: readonly number[], step: number): Rise {
  let growth = 0;
  let low = Number.POSITIVE_INFINITY; // lowest so far (for growth)
  let refills = 0;
  let filling = true; // looking for a rise from `trough`; else for a drop from `peak`
  let trough = Number.POSITIVE_INFINITY;
  let peak = Number.NEGATIVE_INFINITY;
  for (const v of g) {
    low = Math.min(low, v);
    growth = Math.max(growth, v - low);
    if (filling) {
      trough = Math.min(trough, v);
      if (v - trough >= step && v > trough) {
        refills++;
        filling = false;
        peak = v;
      }
    } else {
      peak = Math.max(peak, v);
      if (peak - v >= step && v < peak) {
        filling = true;
        trough = v;
      }
    }
  }
  return { growth, refills };
}

export function detectTenuredGarbage(series: readonly NodeSnapshot[], options: TenuredGarbageOptions = {}): Finding[] {
  const o = { ...TENURED_GARBAGE_DEFAULTS, ...options };
  const out: Finding[] = [];
  for (const track of tracks(series).values()) {
    if (track.length < o.minSamples) continue;
    const lv = track.map((t) => t.p.liveness);
    if (lv.some((l) => l === undefined)) continue;
    const liveness = lv as NonNullable<(typeof lv)[number]>[];
    const garbage = liveness.map((l) => l.old_heap_garbage_words);
    const fractions = liveness.map((l) => {
      const old = l.old_heap_live_words + l.old_heap_garbage_words;
      return old === 0 ? 0 : l.old_heap_garbage_words / old;
    });
    const high = fractions.filter((f) => f >= o.minGarbageFraction).length;
    const { growth, refills } = rises(garbage, o.minGarbageGrowthWords);
    if (high < o.minHighFractionShare * track.length || growth < o.minGarbageGrowthWords) continue;

    const first = track[0]?.p;
    const last = track[track.length - 1]?.p;
    if (first === undefined || last === undefined) continue;
    const firstL = liveness[0] as (typeof liveness)[number];
    const lastL = liveness[liveness.length - 1] as (typeof liveness)[number];
    const peakGarbage = Math.max(...garbage);
    const peakFraction = Math.max(...fractions);
    const medianFraction = median(fractions);
    const oldSizes = track.flatMap((t) => (t.p.garbage_collection_info === undefined ? [] : [t.p.garbage_collection_info.old_heap_size]));
    const peakOldHeap = oldSizes.length === track.length ? Math.max(...oldSizes) : undefined;
    const majors = first.gc_count !== undefined && last.gc_count !== undefined ? last.gc_count.major - first.gc_count.major : undefined;
    const fullsweep = last.garbage_collection?.fullsweep_after;
    const name = culpritOf(last).name;
    out.push({
      kind: "tenured_garbage",
      culprits: [culpritOf(last)],
      evidence: {
        samples: track.length,
        garbage_fraction: round(peakFraction),
        garbage_bytes: peakGarbage * WORD_BYTES,
        median_garbage_fraction: round(medianFraction),
        samples_over_fraction: high,
        garbage_growth_words: growth,
        garbage_refills: refills,
        old_heap_garbage_words_first: firstL.old_heap_garbage_words,
        old_heap_garbage_words_last: lastL.old_heap_garbage_words,
        old_heap_live_words_last: lastL.old_heap_live_words,
        ...(peakOldHeap !== undefined ? { old_heap_size_peak: peakOldHeap } : {}),
        ...(last.garbage_collection_info !== undefined ? { old_heap_size: last.garbage_collection_info.old_heap_size } : {}),
        ...(majors !== undefined ? { majors_in_window: majors } : {}),
        ...(fullsweep !== undefined ? { fullsweep_after: fullsweep } : {}),
        ...(last.garbage_collection !== undefined ? { minor_gcs: last.garbage_collection.minor_gcs } : {}),
      },
      fix:
        "Per-request data is promoted to the old heap and stays there until a fullsweep. Do the work in a short-lived " +
        "spawned process (its heap is freed when it exits), or hibernate between requests (erlang:hibernate/3, " +
        "{reply, R, S, hibernate}: a fullsweep that shrinks the heap), or lower fullsweep_after " +
        `(spawn_opt/process_flag; now ${fullsweep ?? "the default"}) so majors run sooner.`,
      summary:
        `${name} (${last.pid}): up to ${Math.round(peakFraction * 100)}% of its old heap is garbage (${formatBytes(peakGarbage * WORD_BYTES)}), ` +
        `≥ ${Math.round(o.minGarbageFraction * 100)}% in ${high} of ${track.length} samples, ` +
        `refilled ${refills} time${refills === 1 ? "" : "s"}${majors !== undefined ? ` across ${majors} major GC${majors === 1 ? "" : "s"}` : ""}`,
    });
  }
  return out;
}
