/**
 * The link between one process heap and the shared refc-binary store (@beamlab/refc).
 *
 * Owns: telling the store what this process holds —
 *  - a ProcBin placed on the heap (allocation, a BIF result, a received message, spawn
 *    arguments: every path goes through the heap's stamping) adds one reference;
 *  - a ProcBin a collection found dead (`sweep_off_heap`) releases one;
 *  - a sub-binary into a refc binary is registered as a holder with its byte size, and dropped
 *    when a collection finds it dead or turns it into a heap binary (byte-aligned, ≤ 24 bytes:
 *    erl_gc.c `erts_sub_binary_to_heap_binary` — from then on it no longer pins its parent);
 *  - process exit releases everything.
 * Invariant: `subs` holds exactly the sub-binaries registered in the store for this owner; the
 * ProcBins registered are exactly the heap's MSO lists (youngMso + oldMso) plus those released.
 * Cost: O(1) per ProcBin/sub-binary placed or released; O(live sub-binaries) per collection.
 */
import type { RefcStore } from "@beamlab/refc";
import type { Binary, SubBinary } from "../term/types.js";

export class RefcHolders {
  /** Sub-binaries into refc binaries that this heap holds (young and old). */
  private subs: SubBinary[] = [];
  /** ProcBins registered and not yet released, by data (for exit); created with the first one
   * (a heap is made for every process, most never hold a ProcBin). */
  private procBins: Map<object, number> | undefined = undefined;

  constructor(
    readonly store: RefcStore,
    readonly owner: string,
  ) {}

  procBinPlaced(b: Binary): void {
    this.store.addProcBin(this.owner, b.data, b.byteSize);
    const held = (this.procBins ??= new Map<object, number>());
    held.set(b.data, (held.get(b.data) ?? 0) + 1);
  }

  procBinSwept(b: Binary): void {
    const held = this.procBins;
    const n = held?.get(b.data);
    if (held === undefined || n === undefined) return; // placed before the store was attached
    if (n === 1) held.delete(b.data);
    else held.set(b.data, n - 1);
    this.store.releaseProcBin(this.owner, b.data);
  }

  subBinaryPlaced(s: SubBinary): void {
    if (this.store.get(s.orig.data) === undefined || this.procBins?.has(s.orig.data) !== true) return;
    this.store.addSubBinary(this.owner, s.orig.data, subBytes(s));
    this.subs.push(s);
  }

  /**
   * After a collection: a sub-binary survived iff it carries the young survivors' stamp
   * (`matureStamp`) or the old heap's; survivors the GC turned into heap binaries stop pinning.
   */
  afterCollection(matureStamp: number, oldStamp: number, becomesHeapBinary: (s: SubBinary) => boolean): void {
    if (this.subs.length === 0) return;
    const kept: SubBinary[] = [];
    for (const s of this.subs) {
      const alive = s.gcStamp === matureStamp || s.gcStamp === oldStamp;
      if (alive && !becomesHeapBinary(s)) kept.push(s);
      else this.releaseSub(s);
    }
    this.subs = kept;
  }

  releaseAll(): void {
    for (const s of this.subs) this.releaseSub(s);
    this.subs = [];
    const held = this.procBins;
    if (held === undefined) return;
    for (const [data, n] of held) for (let i = 0; i < n; i++) this.store.releaseProcBin(this.owner, data);
    held.clear();
  }

  private releaseSub(s: SubBinary): void {
    if (this.store.get(s.orig.data) !== undefined) this.store.releaseSubBinary(this.owner, s.orig.data, subBytes(s));
  }
}

/** Byte size of a sub-binary (bits rounded up). */
function subBytes(s: SubBinary): number {
  return Math.ceil(s.bitSize / 8);
}
