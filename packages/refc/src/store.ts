/**
 * The shared refc-binary store: the BEAM's off-heap `Binary` objects (erl_binary.h) and who
 * references them.
 *
 * Owns: one {@link OffHeapBinary} per off-heap data object (binaries above 64 bytes), its
 * reference count, its id and byte size; and per process ("owner") the holder bookkeeping —
 * how many ProcBins the owner has over each binary, and which sub-binaries (with their byte
 * size) it keeps that point into it.
 *
 * The store is keyed by the *identity* of the off-heap data (any object: the heap package uses
 * the term's `Uint8Array`), so it depends on no term representation; the heap tells it when a
 * ProcBin appears on a heap (`addProcBin`), when a collection found one dead or the process
 * exited (`releaseProcBin`, `releaseOwner`), and when a sub-binary into a refc binary is kept
 * or dropped (`addSubBinary`, `releaseSubBinary`).
 *
 * Invariants (checked by {@link RefcStore.checkInvariants}):
 *  - a binary's `refc` = the number of ProcBins over it, summed over all holders; never negative;
 *  - a binary is in the store iff `refc > 0`; it is freed (removed, `freed` set, `onFree` called)
 *    exactly when its last ProcBin is released;
 *  - sub-binaries add no reference (as on the BEAM: a sub-binary points at a ProcBin of the same
 *    process, which is what holds the reference); they are bookkeeping for {@link holdersOf};
 *  - `bytes()` = Σ size of the binaries in the store; `allocatedBytes()` = Σ of what
 *    erlang:memory(binary) counts for each ({@link binaryAllocatedBytes}: header and alignment);
 *  - per owner, its ProcBin count and their Σ size are kept as they change
 *    ({@link RefcStore.processBinarySummary} answers in O(1));
 *  - the binaries some holder keeps sub-binaries into are indexed
 *    ({@link RefcStore.binariesWithSubBinaries}).
 * Cost: every operation is O(1) except the reports, which are O(binaries of the owner) or
 * O(holders of the binary).
 */
import type { EventHandle, TelemetryBus } from "@beamlab/telemetry";
import { binaryAllocatedBytes } from "./constants.js";

/** One off-heap binary (the BEAM's `Binary`: `refc`, `orig_size`, the bytes). */
export interface OffHeapBinary {
  /** A stable id, unique for the life of the store (the BEAM shows an address). */
  readonly id: number;
  /** Byte size (`orig_size`). */
  readonly size: number;
  /** Reference count: ProcBins over it, in all processes. */
  readonly refc: number;
  /** Set when the last reference went away. */
  readonly freed: boolean;
}

/**
 * A local pid as the refc store needs it: its number and serial (`<0.Id.Serial>`). The heap
 * package's `Pid` is one; the store depends on no term representation, so it takes the shape.
 */
export interface LocalPidLike {
  readonly id: number;
  readonly serial: number;
}

/** The owner key the heaps register under: the printed local pid `<0.Id.Serial>`. */
export function ownerKey(owner: string | LocalPidLike): string {
  return typeof owner === "string" ? owner : `<0.${owner.id}.${owner.serial}>`;
}

/** What one process holds of one binary. */
export interface Holder {
  readonly owner: string;
  /** ProcBins of this owner over the binary (each is one reference). */
  readonly procBins: number;
  /** Byte sizes of the sub-binaries the owner keeps into the binary (sorted, ascending). */
  readonly subBinaries: readonly number[];
}

/** A `process_info(P, binary)` entry: `{Id, Size, RefCount}`, one per ProcBin. */
export interface ProcessBinary {
  readonly id: number;
  readonly size: number;
  readonly refc: number;
}

export interface RefcStoreOptions {
  /** Emits `[beamlab, refc, free]` with `{size}` and `[beamlab, refc, alloc]` with `{size}`. */
  readonly telemetry?: TelemetryBus;
  /** Called when a binary is freed (its refcount reached zero). */
  readonly onFree?: (b: OffHeapBinary) => void;
}

class Entry implements OffHeapBinary {
  refc = 0;
  freed = false;
  /** owner → ProcBin count and sub-binary sizes (sizes kept as a multiset: size → count). */
  readonly holders = new Map<string, OwnerRefs>();
  /** Holders whose `subs` is not empty. */
  subHolders = 0;
  constructor(
    readonly id: number,
    readonly size: number,
  ) {}
}

/** One owner's references into one binary: its ProcBins, and its sub-binaries' sizes (a multiset:
 * size → count), created with the first sub-binary (most holders never keep one). */
class OwnerRefs {
  procBins = 0;
  subs: Map<number, number> | undefined = undefined;
}

function hasSubs(h: OwnerRefs): boolean {
  return h.subs !== undefined && h.subs.size > 0;
}

export class RefcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefcError";
  }
}

export class RefcStore {
  private readonly entries = new Map<object, Entry>();
  /** owner → the binaries (data keys) it holds anything of. */
  private readonly byOwner = new Map<string, Set<object>>();
  /** owner → its ProcBins and their Σ size (what processBinarySummary reports). */
  private readonly ownerSums = new Map<string, { count: number; bytes: number }>();
  /** The binaries (data keys) with at least one holder keeping sub-binaries into them. */
  private readonly withSubs = new Set<object>();
  private nextId = 1;
  private total = 0;
  private allocated = 0;
  private readonly onFree: ((b: OffHeapBinary) => void) | undefined;
  private readonly tel: { alloc: EventHandle; free: EventHandle } | undefined;

  constructor(opts: RefcStoreOptions = {}) {
    this.onFree = opts.onFree;
    const bus = opts.telemetry;
    this.tel = bus === undefined ? undefined : { alloc: bus.event(["beamlab", "refc", "alloc"]), free: bus.event(["beamlab", "refc", "free"]) };
  }

  /** The binary whose off-heap data is `data`, if it is alive. */
  get(data: object): OffHeapBinary | undefined {
    return this.entries.get(data);
  }

  /** A ProcBin over `data` (of `size` bytes) appeared on `owner`'s heap: one more reference. Creates the binary on first use. */
  addProcBin(owner: string, data: object, size: number): OffHeapBinary {
    let e = this.entries.get(data);
    if (e === undefined) {
      e = new Entry(this.nextId++, size);
      this.entries.set(data, e);
      this.total += size;
      this.allocated += binaryAllocatedBytes(size);
      if (this.tel?.alloc.enabled === true) this.tel.alloc.emit({ size }, { id: e.id });
    } else if (e.size !== size) throw new RefcError(`binary ${e.id}: size ${size} given, ${e.size} stored`);
    e.refc++;
    this.holder(e, owner, data).procBins++;
    const sums = this.ownerSums.get(owner);
    if (sums === undefined) this.ownerSums.set(owner, { count: 1, bytes: size });
    else {
      sums.count++;
      sums.bytes += size;
    }
    return e;
  }

  /** `owner` let go of one ProcBin over `data` (its GC found it dead, or it exited). Frees the binary at zero. */
  releaseProcBin(owner: string, data: object): void {
    const e = this.entries.get(data);
    const h = e?.holders.get(owner);
    if (e === undefined || h === undefined || h.procBins <= 0) throw new RefcError(`${owner} releases a ProcBin it does not hold`);
    h.procBins--;
    e.refc--;
    const sums = this.ownerSums.get(owner) as { count: number; bytes: number };
    if (--sums.count === 0) this.ownerSums.delete(owner);
    else sums.bytes -= e.size;
    this.dropHolderIfEmpty(e, owner, data);
    if (e.refc === 0) this.free(data, e);
  }

  /** `owner` keeps a sub-binary of `size` bytes into `data` (it holds a ProcBin over it too). */
  addSubBinary(owner: string, data: object, size: number): void {
    const e = this.entries.get(data);
    if (e === undefined) throw new RefcError(`${owner}: sub-binary into a binary that is not in the store`);
    const h = this.holder(e, owner, data);
    const subs = (h.subs ??= new Map<number, number>());
    if (subs.size === 0 && ++e.subHolders === 1) this.withSubs.add(data);
    subs.set(size, (subs.get(size) ?? 0) + 1);
  }

  /** `owner` dropped a sub-binary of `size` bytes into `data`. */
  releaseSubBinary(owner: string, data: object, size: number): void {
    const e = this.entries.get(data);
    const subs = e?.holders.get(owner)?.subs;
    const n = subs?.get(size);
    if (e === undefined || subs === undefined || n === undefined) throw new RefcError(`${owner} releases a sub-binary it does not hold`);
    if (n === 1) {
      subs.delete(size);
      if (subs.size === 0) this.lostSubHolder(e, data);
    } else subs.set(size, n - 1);
    this.dropHolderIfEmpty(e, owner, data);
  }

  /** Process exit: every ProcBin and sub-binary of `owner` is released. Returns the references dropped. */
  releaseOwner(owner: string): number {
    const keys = this.byOwner.get(owner);
    if (keys === undefined) return 0;
    let dropped = 0;
    for (const data of [...keys]) {
      const e = this.entries.get(data);
      const h = e?.holders.get(owner);
      if (e === undefined || h === undefined) continue;
      if (hasSubs(h)) {
        h.subs?.clear();
        this.lostSubHolder(e, data);
      }
      const n = h.procBins;
      for (let i = 0; i < n; i++) this.releaseProcBin(owner, data);
      if (n === 0) this.dropHolderIfEmpty(e, owner, data);
      dropped += n;
    }
    this.byOwner.delete(owner);
    return dropped;
  }

  /**
   * `process_info(P, binary)`: one `{Id, Size, RefCount}` per ProcBin of `owner` (ordered by id).
   * `owner` is the printed pid (`"<0.83.0>"`, what the heaps register under) or a local pid
   * object (`{id, serial}`, e.g. the heap package's `Pid`), printed the same way.
   */
  processBinaries(owner: string | LocalPidLike): ProcessBinary[] {
    const key = ownerKey(owner);
    const out: ProcessBinary[] = [];
    for (const data of this.byOwner.get(key) ?? []) {
      const e = this.entries.get(data);
      const h = e?.holders.get(key);
      if (e === undefined || h === undefined) continue;
      for (let i = 0; i < h.procBins; i++) out.push({ id: e.id, size: e.size, refc: e.refc });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * {@link processBinaries} summed, without building the list: its entries (ProcBins of `owner`)
   * and their Σ size (recon's `binary_memory`).
   */
  processBinarySummary(owner: string | LocalPidLike): { count: number; bytes: number } {
    const sums = this.ownerSums.get(ownerKey(owner));
    return sums === undefined ? { count: 0, bytes: 0 } : { count: sums.count, bytes: sums.bytes };
  }

  /** {@link processBinarySummary} summed from the holders (what the running sums must equal). */
  private summedBinaries(key: string): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (const data of this.byOwner.get(key) ?? []) {
      const h = this.entries.get(data)?.holders.get(key);
      if (h === undefined) continue;
      count += h.procBins;
      bytes += h.procBins * (this.entries.get(data)?.size ?? 0);
    }
    return { count, bytes };
  }

  /** The binaries (data keys) into which at least one holder keeps a sub-binary: a superset of
   * those {@link everyHolderKeepsSubBinaries} is true of, without looking at every binary. */
  binariesWithSubBinaries(): ReadonlySet<object> {
    return this.withSubs;
  }

  /** Whether `data` has holders and every one keeps a sub-binary into it (a cheap {@link holdersOf} question). */
  everyHolderKeepsSubBinaries(data: object): boolean {
    const e = this.entries.get(data);
    if (e === undefined || e.holders.size === 0) return false;
    for (const h of e.holders.values()) if (!hasSubs(h)) return false;
    return true;
  }

  /** Who holds `data`: per process, its ProcBins and the sizes of its sub-binaries into it. */
  holdersOf(data: object): Holder[] {
    const e = this.entries.get(data);
    if (e === undefined) return [];
    const out: Holder[] = [];
    for (const [owner, h] of e.holders) {
      const subs: number[] = [];
      if (h.subs !== undefined) for (const [size, n] of h.subs) for (let i = 0; i < n; i++) subs.push(size);
      if (subs.length > 1) subs.sort((a, b) => a - b);
      out.push({ owner, procBins: h.procBins, subBinaries: subs });
    }
    if (out.length > 1) out.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
    return out;
  }

  /** The processes that hold anything. */
  owners(): string[] {
    return [...this.byOwner.keys()];
  }

  /** Σ byte sizes of the live binaries (see the README for how this differs from `erlang:memory(binary)`). */
  bytes(): number {
    return this.total;
  }

  /** What erlang:memory(binary) counts for the live binaries: data, headers and alignment. */
  allocatedBytes(): number {
    return this.allocated;
  }

  /** Number of live binaries. */
  get size(): number {
    return this.entries.size;
  }

  /** Live binaries, ordered by id. */
  binaries(): OffHeapBinary[] {
    return [...this.entries.values()].sort((a, b) => a.id - b.id);
  }

  /** Throws when an invariant (see the header) does not hold. O(binaries + holders). */
  checkInvariants(): void {
    let total = 0;
    for (const [data, e] of this.entries) {
      let sum = 0;
      for (const [owner, h] of e.holders) {
        if (h.procBins < 0) throw new RefcError(`binary ${e.id}: negative ProcBin count for ${owner}`);
        sum += h.procBins;
        if (!this.byOwner.get(owner)?.has(data)) throw new RefcError(`binary ${e.id}: ${owner} missing from the owner index`);
      }
      if (sum !== e.refc) throw new RefcError(`binary ${e.id}: refc ${e.refc}, holders have ${sum} ProcBins`);
      let subHolders = 0;
      for (const h of e.holders.values()) if (hasSubs(h)) subHolders++;
      if (subHolders !== e.subHolders || (subHolders > 0) !== this.withSubs.has(data)) throw new RefcError(`binary ${e.id}: sub-binary index out of date`);
      if (e.refc <= 0 || e.freed) throw new RefcError(`binary ${e.id}: in the store with refc ${e.refc}`);
      total += e.size;
    }
    if (total !== this.total) throw new RefcError(`bytes ${this.total}, binaries sum to ${total}`);
    for (const data of this.withSubs) if (!this.entries.has(data)) throw new RefcError("a freed binary is still in the sub-binary index");
    for (const owner of new Set([...this.byOwner.keys(), ...this.ownerSums.keys()])) {
      const want = this.summedBinaries(owner);
      const got = this.processBinarySummary(owner);
      if (want.count !== got.count || want.bytes !== got.bytes) throw new RefcError(`${owner}: binary sums ${got.count}/${got.bytes}, holders have ${want.count}/${want.bytes}`);
    }
  }

  private holder(e: Entry, owner: string, data: object): OwnerRefs {
    let h = e.holders.get(owner);
    if (h === undefined) {
      h = new OwnerRefs();
      e.holders.set(owner, h);
      let set = this.byOwner.get(owner);
      if (set === undefined) this.byOwner.set(owner, (set = new Set()));
      set.add(data);
    }
    return h;
  }

  private dropHolderIfEmpty(e: Entry, owner: string, data: object): void {
    const h = e.holders.get(owner);
    if (h === undefined || h.procBins > 0 || hasSubs(h)) return;
    e.holders.delete(owner);
    const set = this.byOwner.get(owner);
    set?.delete(data);
    if (set?.size === 0) this.byOwner.delete(owner);
  }

  /** A holder of `e` kept its last sub-binary into it. */
  private lostSubHolder(e: Entry, data: object): void {
    if (--e.subHolders === 0) this.withSubs.delete(data);
  }

  private free(data: object, e: Entry): void {
    // Sub-binaries cannot outlive the ProcBins of their own process; any left are stale bookkeeping.
    if (e.subHolders > 0) {
      e.subHolders = 0;
      this.withSubs.delete(data);
    }
    for (const owner of e.holders.keys()) {
      const set = this.byOwner.get(owner);
      set?.delete(data);
      if (set?.size === 0) this.byOwner.delete(owner);
    }
    e.holders.clear();
    this.entries.delete(data);
    this.total -= e.size;
    this.allocated -= binaryAllocatedBytes(e.size);
    e.freed = true;
    if (this.tel?.free.enabled === true) this.tel.free.emit({ size: e.size }, { id: e.id });
    this.onFree?.(e);
  }
}
