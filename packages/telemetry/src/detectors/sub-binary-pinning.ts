/**
 * Detector 4, sub-binary pinning: a small part (a sub-binary: a match context, `binary:part/3`,
 * `<<Head:10/binary, _/binary>>`) keeps a large refc binary alive, so the whole binary stays
 * allocated for the sake of a few bytes.
 *
 * Owns: the rule below, over the binary holder rows in `NodeSnapshot.binaries` (filled from the
 * refc store; see binary-holders.ts). Snapshots without `binaries` are ignored.
 * Rule: per holding process, over the binaries it holds only through sub-binaries (every holder
 * entry of the binary is a sub-binary) in each of the last `minSamples` snapshots that carry
 * holder rows, and that waste ≥ `minWastedFraction` of their size each (wasted = size − Σ
 * sub-binary sizes): the process fires when the wasted bytes summed over those binaries are
 * ≥ `minWastedBytes`. The threshold is per process, not per binary: the canonical leak is many
 * payloads each pinned by a small part (a cache keeping 100 bytes of each 64 KiB payload wastes
 * 65 436 bytes per binary, megabytes in all), while one small binary kept through a sub-binary
 * (a few KiB at most) stays far below it. A binary held through sub-binaries by several
 * processes counts in full for each of them. One finding per pid, most wasted bytes first; the
 * evidence keeps the per-binary detail (binaries, total and largest binary, largest waste).
 */
import { pinnedBySubBinaries, type PinnedBinary } from "../binary-holders.js";
import { byPid, comparePids, type NodeSnapshot } from "../snapshot.js";
import { culpritOf, round, type Culprit, type Finding } from "./finding.js";
import { formatBytes } from "../format-bytes.js";

export interface SubBinaryPinningOptions {
  /** Consecutive snapshots (with holder rows) the binary must stay pinned in (default 2). */
  readonly minSamples?: number;
  /** Wasted bytes summed over the binaries one process pins (default 64 KiB). */
  readonly minWastedBytes?: number;
  /** Share of a binary's size its sub-binaries must leave unused for it to count (default 0.9). */
  readonly minWastedFraction?: number;
}

export const SUB_BINARY_PINNING_DEFAULTS: Required<SubBinaryPinningOptions> = Object.freeze({
  minSamples: 2,
  minWastedBytes: 64 * 1024,
  minWastedFraction: 0.9,
});

export function detectSubBinaryPinning(series: readonly NodeSnapshot[], options: SubBinaryPinningOptions = {}): Finding[] {
  const o = { ...SUB_BINARY_PINNING_DEFAULTS, ...options };
  const withRows = series.filter((s) => s.binaries !== undefined);
  if (withRows.length < o.minSamples) return [];
  const recent = withRows.slice(withRows.length - o.minSamples);
  const pinnedSets = recent.map((s) => new Set(pinnedBySubBinaries(s.binaries ?? []).map((b) => b.binaryId)));
  const last = recent[recent.length - 1];
  if (last === undefined) return [];
  const perPid = new Map<string, PinnedBinary[]>();
  for (const b of pinnedBySubBinaries(last.binaries ?? [])) {
    if (!pinnedSets.every((set) => set.has(b.binaryId))) continue;
    if (b.size === 0 || b.wastedBytes / b.size < o.minWastedFraction) continue;
    for (const pid of b.pids) {
      const list = perPid.get(pid);
      if (list === undefined) perPid.set(pid, [b]);
      else list.push(b);
    }
  }
  const procs = byPid(last);
  const out: { wasted: number; pid: string; finding: Finding }[] = [];
  for (const [pid, bins] of perPid) {
    let wasted = 0;
    let size = 0;
    let used = 0;
    for (const b of bins) {
      wasted += b.wastedBytes;
      size += b.size;
      used += b.usedBytes;
    }
    if (wasted < o.minWastedBytes) continue;
    const p = procs.get(pid);
    const culprit: Culprit = p !== undefined ? culpritOf(p) : { pid, name: pid, initialCall: "undefined" };
    out.push({
      pid,
      wasted,
      finding: {
        kind: "sub_binary_pinning",
        culprits: [culprit],
        evidence: {
          samples: recent.length,
          binaries: bins.length,
          binary_bytes: size,
          used_bytes: used,
          wasted_bytes: wasted,
          wasted_fraction: round(wasted / size),
          largest_binary_bytes: Math.max(...bins.map((b) => b.size)),
          largest_wasted_bytes: Math.max(...bins.map((b) => b.wastedBytes)),
        },
        fix:
          "The process keeps a small part of a large binary (a sub-binary), which keeps the whole binary alive. " +
          "Copy the part with binary:copy/1 before storing it (or sending it on), so the large binary can be freed.",
        summary: `${culprit.name} (${pid}): ${formatBytes(used)} of sub-binaries keep ${bins.length} refc binar${bins.length === 1 ? "y" : "ies"} of ${formatBytes(size)} alive (${formatBytes(wasted)} wasted)`,
      },
    });
  }
  return out.sort((a, b) => b.wasted - a.wasted || comparePids(a.pid, b.pid)).map((e) => e.finding);
}
