/**
 * The binary holder index: who holds each refc binary, and through what.
 *
 * Owns: lookups over rows that the refc layer (`@beamlab/refc`'s store, `holdersOf`) reports;
 * this package cannot import refc, so the rows are plain data: one {@link BinaryHolderRow} per
 * off-heap binary, listing each holding process with `via: "procbin"` (the process can reach the
 * whole binary) or `via: "sub_binary"` (it reaches only a part of `subSize` bytes; one entry per
 * sub-binary kept).
 *
 * Invariants: built once from rows (immutable afterwards); a binary's `pinnedOnlyBySubBinaries`
 * is true iff it has at least one holder and every holder entry is a sub-binary; `wastedBytes` is
 * size − Σ subSize, floored at 0 (overlapping sub-binaries are not de-duplicated, so the waste is
 * a lower bound).
 */

export interface BinaryHolder {
  readonly pid: string;
  readonly via: "procbin" | "sub_binary";
  /** Bytes of the part a sub-binary keeps (required for `via: "sub_binary"`). */
  readonly subSize?: number;
}

export interface BinaryHolderRow {
  readonly binaryId: number;
  /** Bytes of the off-heap binary. */
  readonly size: number;
  readonly holders: readonly BinaryHolder[];
}

export interface PinnedBinary {
  readonly binaryId: number;
  readonly size: number;
  /** Σ bytes of the sub-binaries that keep it alive. */
  readonly usedBytes: number;
  /** size − usedBytes (≥ 0). */
  readonly wastedBytes: number;
  /** Pids holding it through sub-binaries, sorted. */
  readonly pids: readonly string[];
}

export class BinaryHolderIndex {
  private readonly byBinary = new Map<number, BinaryHolderRow>();
  private readonly byPid = new Map<string, BinaryHolderRow[]>();

  constructor(rows: Iterable<BinaryHolderRow>) {
    for (const row of rows) {
      this.byBinary.set(row.binaryId, row);
      const pids = new Set(row.holders.map((h) => h.pid));
      for (const pid of pids) {
        const list = this.byPid.get(pid) ?? [];
        list.push(row);
        this.byPid.set(pid, list);
      }
    }
  }

  /** Who holds binary `id`, and how (empty when unknown). */
  holdersOf(id: number): readonly BinaryHolder[] {
    return this.byBinary.get(id)?.holders ?? [];
  }

  /** The binaries `pid` holds. */
  binariesOf(pid: string): readonly BinaryHolderRow[] {
    return this.byPid.get(pid) ?? [];
  }

  /** Bytes of the distinct binaries `pid` holds (whole size, however it holds them). */
  bytesHeldBy(pid: string): number {
    let total = 0;
    for (const row of this.binariesOf(pid)) total += row.size;
    return total;
  }

  /** Every binary kept alive only by sub-binaries, most wasted bytes first (ties by id). */
  pinnedBySubBinaries(): PinnedBinary[] {
    return pinnedOf(this.byBinary.values());
  }

  get size(): number {
    return this.byBinary.size;
  }
}

const pinnedByRows = new WeakMap<readonly BinaryHolderRow[], readonly PinnedBinary[]>();

/**
 * {@link BinaryHolderIndex.pinnedBySubBinaries} of a snapshot's rows, without the index's per-pid
 * lists; computed once per rows array (a snapshot's rows are not changed once taken: the
 * detectors ask it of the same last snapshot several times). Do not mutate the result.
 */
export function pinnedBySubBinaries(rows: readonly BinaryHolderRow[]): readonly PinnedBinary[] {
  let out = pinnedByRows.get(rows);
  if (out === undefined) {
    const byBinary = new Map<number, BinaryHolderRow>();
    for (const row of rows) byBinary.set(row.binaryId, row); // (a later row of one id wins, as in the index)
    out = pinnedOf(byBinary.values());
    pinnedByRows.set(rows, out);
  }
  return out;
}

function pinnedOf(rows: Iterable<BinaryHolderRow>): PinnedBinary[] {
  const out: PinnedBinary[] = [];
  for (const row of rows) {
    if (row.holders.length === 0 || row.holders.some((h) => h.via !== "sub_binary")) continue;
    let used = 0;
    for (const h of row.holders) used += h.subSize ?? 0;
    out.push({
      binaryId: row.binaryId,
      size: row.size,
      usedBytes: used,
      wastedBytes: Math.max(0, row.size - used),
      pids: [...new Set(row.holders.map((h) => h.pid))].sort(),
    });
  }
  return out.sort((a, b) => b.wastedBytes - a.wastedBytes || a.binaryId - b.binaryId);
}
