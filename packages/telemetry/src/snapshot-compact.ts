/**
 * Compacted snapshots: a {@link NodeSnapshot} reduced to what the series leak detectors read of a
 * snapshot that is not the last one of their series, so a long series of a node with many refc
 * binaries fits in memory (the routers scenario's 2,000 processes reference ~200,000 binaries:
 * ~60 MB per full snapshot).
 *
 * Owns: the reduction, and its invariant: `detectLeaks(series)` gives the same findings when
 * every snapshot but the last is compacted (test/snapshot-compact.test.ts checks it on the
 * built-in shapes). What goes:
 *  - a process's `binary` list becomes `binary_summary` ({count, bytes}): the series detectors
 *    read only its sums ({@link binaryMemory}, {@link binaryCount}) and whether it was reported;
 *  - `binaries` (the holder rows) keeps only the rows of binaries held through sub-binaries alone
 *    (at least one holder, every one `via: "sub_binary"`): the only rows
 *    {@link BinaryHolderIndex.pinnedBySubBinaries} (what the sub-binary detector asks) returns,
 *    and a snapshot with rows keeps rows (possibly none), one without stays without.
 * Everything else is shared with the full snapshot, not copied. The single-moment detectors and
 * the reports read the last snapshot in full: never compact that one.
 */
import type { BinaryHolderRow } from "./binary-holders.js";
import type { NodeSnapshot, ProcessSnapshot } from "./snapshot.js";

export function compactSnapshot(s: NodeSnapshot): NodeSnapshot {
  const processes = s.processes.map(compactProcess);
  if (s.binaries === undefined) return { ...s, processes };
  return { ...s, processes, binaries: s.binaries.filter(pinnedOnlyBySubBinaries) };
}

function compactProcess(p: ProcessSnapshot): ProcessSnapshot {
  if (p.binary === undefined) return p;
  const { binary, ...rest } = p;
  let bytes = 0;
  for (const b of binary) bytes += b.size;
  return { ...rest, binary_summary: { count: binary.length, bytes } };
}

function pinnedOnlyBySubBinaries(row: BinaryHolderRow): boolean {
  return row.holders.length > 0 && row.holders.every((h) => h.via === "sub_binary");
}
