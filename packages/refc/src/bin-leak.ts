/**
 * recon's `bin_leak/1` over the model: collect every process, report who released most.
 *
 * Owns: the before/after comparison of each process's ProcBin count around a full collection.
 * The collection itself belongs to the caller (a callback that runs `garbage_collect/1` on every
 * process), so this package stays below the heap package.
 * Invariant: processes are ranked by ProcBins released, descending, ties by owner name; a process
 * that released nothing is still listed (as recon does) when it is among the first `n`.
 */
import type { RefcStore } from "./store.js";

export interface BinLeakEntry {
  readonly owner: string;
  /** ProcBins released by the collection (before − after; negative if it gained some). */
  readonly released: number;
  /** ProcBins it still holds. */
  readonly remaining: number;
  /** Bytes of the refc binaries it still references (distinct binaries). */
  readonly remainingBytes: number;
}

/**
 * `binLeak(store, n, collectAll)`: counts every owner's ProcBins, runs `collectAll` (which must
 * garbage-collect every process), counts again, returns the `n` owners that released most.
 */
export function binLeak(store: RefcStore, n: number, collectAll: () => void): BinLeakEntry[] {
  const before = new Map<string, number>();
  for (const owner of store.owners()) before.set(owner, store.processBinaries(owner).length);
  collectAll();
  const owners = new Set([...before.keys(), ...store.owners()]);
  const out: BinLeakEntry[] = [];
  for (const owner of owners) {
    const bins = store.processBinaries(owner);
    const seen = new Set<number>();
    let bytes = 0;
    for (const b of bins) {
      if (seen.has(b.id)) continue;
      seen.add(b.id);
      bytes += b.size;
    }
    out.push({ owner, released: (before.get(owner) ?? 0) - bins.length, remaining: bins.length, remainingBytes: bytes });
  }
  out.sort((a, b) => b.released - a.released || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  return out.slice(0, n);
}
