/**
 * Detector 3, refc binaries pinned by a process that rarely collects (the router pattern: a
 * process that passes large binaries along does little heap allocation, so its heap rarely fills,
 * it rarely collects, and the ProcBins it has dropped keep their binaries alive off-heap).
 *
 * Owns: the rule below. Reads `binary` (process_info; its sums, so a compacted snapshot does), `total_heap_size`, and the cumulative
 * `gc_count` (beamlab field; `garbage_collection.minor_gcs` resets at every fullsweep and cannot
 * count collections): a process without them in every sample of its track is skipped. When the
 * source traced liveness (`liveness.binary_garbage_bytes`), the unreachable share is required too.
 * Rule: over at least `minSamples` samples,
 *  - binary bytes referenced (recon's binary_memory) at the last sample ≥ `minBinaryBytes` and
 *    grew by ≥ `minGrowthBytes`,
 *  - collections during the track ≤ `maxGcs`,
 *  - binary bytes ≥ `minBinaryToHeapRatio` × heap bytes (8 · total_heap_size), and
 *  - if traced: unreachable binary bytes ≥ `minGarbageFraction` of the binary bytes.
 */
import { culpritOf, round, tracks, WORD_BYTES, type Finding } from "./finding.js";
import { binaryCount, binaryMemory, reportsBinary, type NodeSnapshot } from "../snapshot.js";
import { formatBytes } from "../format-bytes.js";

export interface PinnedRefcOptions {
  readonly minSamples?: number;
  /** Default 1 MiB. */
  readonly minBinaryBytes?: number;
  /** Default 256 KiB. */
  readonly minGrowthBytes?: number;
  /** Collections (minor + major) allowed during the track (default 1). */
  readonly maxGcs?: number;
  /** Default 4. */
  readonly minBinaryToHeapRatio?: number;
  /** Only used when the source traced binary liveness (default 0.5). */
  readonly minGarbageFraction?: number;
}

export const PINNED_REFC_DEFAULTS: Required<PinnedRefcOptions> = Object.freeze({
  minSamples: 3,
  minBinaryBytes: 1024 * 1024,
  minGrowthBytes: 256 * 1024,
  maxGcs: 1,
  minBinaryToHeapRatio: 4,
  minGarbageFraction: 0.5,
});

export function detectPinnedRefc(series: readonly NodeSnapshot[], options: PinnedRefcOptions = {}): Finding[] {
  const o = { ...PINNED_REFC_DEFAULTS, ...options };
  const out: Finding[] = [];
  for (const track of tracks(series).values()) {
    if (track.length < o.minSamples) continue;
    if (track.some((t) => !reportsBinary(t.p) || t.p.gc_count === undefined)) continue;
    const first = track[0]?.p;
    const last = track[track.length - 1]?.p;
    if (first?.gc_count === undefined || last?.gc_count === undefined) continue;
    const binFirst = binaryMemory(first);
    const binLast = binaryMemory(last);
    const gcs = last.gc_count.minor + last.gc_count.major - (first.gc_count.minor + first.gc_count.major);
    const heapBytes = last.total_heap_size * WORD_BYTES;
    const ratio = heapBytes === 0 ? Number.POSITIVE_INFINITY : binLast / heapBytes;
    if (binLast < o.minBinaryBytes || binLast - binFirst < o.minGrowthBytes || gcs > o.maxGcs || ratio < o.minBinaryToHeapRatio) continue;
    const garbage = last.liveness?.binary_garbage_bytes;
    if (garbage !== undefined && garbage < o.minGarbageFraction * binLast) continue;
    out.push({
      kind: "refc_binaries_pinned",
      culprits: [culpritOf(last)],
      evidence: {
        samples: track.length,
        binary_bytes_first: binFirst,
        binary_bytes_last: binLast,
        procbins_last: binaryCount(last),
        gcs_in_window: gcs,
        heap_bytes: heapBytes,
        binary_to_heap_ratio: round(ratio, 2),
        ...(garbage !== undefined ? { binary_garbage_bytes: garbage } : {}),
        ...(last.garbage_collection_info !== undefined ? { bin_vheap_size: last.garbage_collection_info.bin_vheap_size } : {}),
      },
      fix:
        "The process handles large refc binaries but allocates little on its own heap, so it rarely collects and " +
        "keeps dead ProcBins (and their binaries) alive. Hibernate it when idle or call erlang:garbage_collect/0 after " +
        "forwarding big binaries; lower min_bin_vheap_size (spawn_opt) so the binary virtual heap triggers " +
        "collections sooner; or keep such binaries out of long-lived routers (let the final consumer fetch them).",
      summary: `${culpritOf(last).name} (${last.pid}): references ${formatBytes(binLast)} of refc binaries (${round(ratio, 1)}× its heap) after ${gcs} GCs in ${track.length} samples`,
    });
  }
  return out;
}
