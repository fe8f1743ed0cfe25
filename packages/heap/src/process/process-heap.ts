/**
 * One process's heap and its garbage collector driver: erl_gc.c `garbage_collect`, the heap test
 * of compiled code, `ERTS_IS_GC_DESIRED`, `erl_create_process`'s sizing, `erts_heap_alloc`.
 *
 * Owns: the {@link HeapState} of one process, its {@link RootSet}, the allocation API and the
 * decision of which collection to run when:
 *  - **heap test** (`alloc`, `allocGarbage`): GC iff `htop + need + S_RESERVED − 1 > heap_sz − S`,
 *    called with that `need`;
 *  - **safe points** (`safePoint`, after `allocFragment` by default): GC with need 0 iff the
 *    fragments do not fit the free space (`stop − htop < mbuf_sz`), the binary virtual heap is
 *    over its block, or a GC was forced;
 *  - **explicit** `garbageCollect()` (major unless `{type: "minor"}`) and `hibernate()`;
 *  - **minor or major**: minor unless F_NEED_FULLSWEEP or `minor_gcs ≥ fullsweep_after`; a failed
 *    minor becomes a major in the same GC (trace: minor start, minor end 0, major start, major end);
 *  - **dirty GC**: when `ygen + S (+ old use for a major) ≥ 128 Ki words` the BEAM satisfies the
 *    pending need in a fragment and collects later with need 0 and one stack word less (the
 *    return address the JIT pushed is gone); the model places the allocation first and then
 *    collects that way;
 *  - **delayed GC** (F_DELAY_GC, set by the scheduler between a receive's match and its
 *    remove_message, {@link delayGc}): a heap test that fails does not collect; the heap is
 *    abandoned for a temporary one of `S + need + 40` words (erl_gc.c
 *    delay_garbage_collection) and a GC is forced (F_FORCE_GC) for the next safe point;
 *  - **max_heap_size**: checked before copying; `kill` makes the heap report that the process
 *    must exit with reason `killed` (`exitReason`, and a {@link ProcessKilled} thrown out of the
 *    allocation) without collecting; `error_logger` produces a report event.
 * Invariants: see heap-state.ts. Every allocation is O(new objects) (O(1) for `allocGarbage`),
 * every collection O(objects reached from the roots in the generations it collects).
 */
import { Blob } from "./blob.js";
import type { RefcStore } from "@beamlab/refc";
import type { EventHandle, TelemetryBus } from "@beamlab/telemetry";
import { Cons, nil, type Binary, type SubBinary, type Term } from "../term/types.js";
import { copyTerm } from "./copy-term.js";
import type { GcEvent, GcKind, GcReason, GcTraceEntry, GcTraceTag, MaxHeapSizeReport } from "./gc-event.js";
import { processMemoryBytes, type GcInfo, type MaxHeapSize, type ProcessInfoItems } from "./gc-info.js";
import {
  DEFAULT_FULLSWEEP_AFTER,
  DELAY_GC_EXTRA_FREE,
  F_FORCE_GC,
  F_HIBERNATED,
  F_NEED_FULLSWEEP,
  LONG_GC_HSIZE,
  S_RESERVED,
  type HeapState,
} from "./heap-state.js";
import { BIN_VH_MIN_SIZE, ertsNextHeapSize, H_MIN_SIZE, nextVheapSize } from "./heap-sizes.js";
import { hibernateCollection } from "./hibernate.js";
import { majorCollection } from "./major.js";
import { minorCollection, type CollectContext, type CollectResult } from "./minor.js";
import { Tag } from "../term/tag.js";
import { integerWords, subBinaryBecomesHeapBinary, type HeapObject } from "./node-words.js";
import { RootSet, type Frame, type RootSource } from "./roots.js";
import { freshStamp, newHeapId, trackStampOwners } from "./stamps.js";
import { claimFresh } from "./trace-live.js";
import { emptyScratch } from "./scratch.js";
import { RefcHolders } from "./refc-holders.js";
import { traceLiveness, type Liveness } from "./liveness.js";

/** Extra roots of a collection that has none (never written: `collect` only reads its extra roots). */
const NO_EXTRA_ROOTS: readonly Term[] = Object.freeze([]);
/** The gc info a collection nobody observes carries (see ProcessHeap.wantsGcInfo): never read. */
const UNREAD_GC_INFO: GcInfo = Object.freeze({
  old_heap_block_size: 0,
  heap_block_size: 0,
  mbuf_size: 0,
  recent_size: 0,
  stack_size: 0,
  old_heap_size: 0,
  heap_size: 0,
  bin_vheap_size: 0,
  bin_vheap_block_size: 0,
  bin_old_vheap_size: 0,
  bin_old_vheap_block_size: 0,
});

// Scratch lists (scratch.ts): the new objects of a message or fragment being placed
// (deliverMessage, allocFragment: nothing between claiming and stamping them places another
// term), the roots of a collection (collections never nest: one runs no process code) and the
// roots of a liveness trace (traces never nest).
const FRESH: HeapObject[] = [];
const GC_ROOTS: Term[] = [];
const LIVENESS_ROOTS: Term[] = [];

/** A module-local copy of the tag (folded by V8; an imported `Tag.Cons` is a load on every allocation). */
const T_CONS = Tag.Cons;

export interface ProcessHeapOptions {
  /** The owner's label (its pid string), used in events. */
  readonly owner?: string;
  /** `min_heap_size` (rounded up to a table size; below 233 means 233). */
  readonly minHeapSize?: number;
  /** `min_bin_vheap_size` (default 46422 words). */
  readonly minBinVheapSize?: number;
  /** `fullsweep_after` (default 65535). */
  readonly fullsweepAfter?: number;
  /** `max_heap_size`: a size in words (kill and error_logger true) or the map form. 0 = off. */
  readonly maxHeapSize?: number | { readonly size: number; readonly kill?: boolean; readonly errorLogger?: boolean };
  /** The spawn arguments: copied onto the new heap as the BEAM copies `[A1, …, An]`. */
  readonly spawnArgs?: readonly Term[];
  /** Initial GC-visible stack words (default 0). */
  readonly stack?: number;
  readonly telemetry?: TelemetryBus;
  /** Called after each collection. */
  readonly onGc?: (e: GcEvent) => void;
  /**
   * Called after each collection when `onGc` is not given, with only what an owner charging the
   * collection needs (its reductions and the words it reclaimed): no event object, nor the gc
   * info before and after, is built for it (a scheduler collects hundreds of thousands of times).
   */
  readonly onGcCost?: (reductions: number, reclaimed: number) => void;
  /** Called with each gc trace message the BEAM would send to a `garbage_collection` tracer. */
  readonly onTrace?: (t: GcTraceEntry) => void;
  /** Called for each refc binary whose ProcBin a collection found dead (after the refc store, if any, was told). */
  readonly onProcBinSwept?: (b: Binary) => void;
  /**
   * The shared refc-binary store: every ProcBin placed on this heap adds a reference (keyed by
   * the binary's `bytes`), every ProcBin a collection finds dead and every ProcBin left at
   * {@link ProcessHeap.exit} releases one; sub-binaries into refc binaries are registered as
   * holders (see refc-holders.ts).
   */
  readonly refc?: RefcStore;
  /** max_heap_size error_logger report. */
  readonly onMaxHeapSize?: (r: MaxHeapSizeReport) => void;
  /** Check invariants (old heap never points into the young one, no use of collected terms…). */
  readonly debugChecks?: boolean;
  /**
   * Model the perturbation a `garbage_collection` tracer causes on the BEAM: the erl_tracer NIF
   * builds each 5-word `{trace, Pid, Tag, Info}` tuple in the traced process, and when fewer than
   * 8 words are free (heap_block_size − heap_size − stack_size of the message's own info) it
   * lands in a heap fragment whose 5 words stay counted in `mbuf_size` until the next GC
   * (recorded and explained in tooling/beam-oracle/recorders/gc_traces.escript).
   */
  readonly tracePhantom?: boolean;
}

/** The process was killed by max_heap_size (or had already exited) and can run no further. */
export class ProcessKilled extends Error {
  constructor(readonly reason: string) {
    super(`process exited: ${reason}`);
    this.name = "ProcessKilled";
  }
}

/**
 * `erts_try_alloc_message_on_heap` copies a message onto the receiver's heap iff
 * `HEAP_LIMIT − HTOP > size`; measured on OTP 25.2.3 (refc_traces.json, router_200: 6-word
 * messages to processes parked with 2 and 3 stack words) the limit lies 3 words
 * (S_REDZONE) below the stack: 8 free words did not take a 6-word message, 10 did.
 * (The data allows 2 or 3; 3 = S_REDZONE is the value the JIT keeps free below the stack.)
 */
export const MESSAGE_HEAP_MARGIN = 3;

/** A queued message whose data is in a heap fragment (see {@link QueuedFragments}). */
export interface QueuedFragment {
  readonly msg: Term;
  readonly words: number;
}

/** Where a collection finds the queued fragment messages it copies onto the heap. */
export interface QueuedFragments {
  /** Σ words of the queued fragment messages. */
  readonly fragmentWords: number;
  /** Each queued fragment message, oldest first. */
  forEachFragment(f: (e: QueuedFragment) => void): void;
  /** Bookkeeping: `e` is on the heap now (a GC root while it stays queued). */
  movedToHeap(e: QueuedFragment): void;
}

export interface AllocOptions {
  /** Words the heap test asks for (default: the words of the new objects). */
  readonly need?: number;
  /** Also GC first when the new refc binaries would fill the binary virtual heap (binary construction). */
  readonly vheapTest?: boolean;
  /**
   * The words the allocation takes at htop, when the BEAM builds fewer than the new objects'
   * words because the new term shares structure the model keeps in one object: a flatmap
   * update from `maps:put` shares the old map's keys tuple (`mapPutWords`). A later GC copies
   * the term's full size. (A HAMT needs no charge: its nodes are objects of their own, and
   * `maps:put` shares every node off the key's path — process/hamt-nodes.ts.)
   */
  readonly charge?: number;
}

type GcHandles = Readonly<Record<"minorStart" | "minorStop" | "majorStart" | "majorStop" | "maxHeap", EventHandle>>;
/** The GC event handles of a bus, resolved once per bus and shared by all its heaps (a handle's
 * `enabled` follows attach/detach, so sharing changes nothing; spawning does no lookups). */
const gcHandles = new WeakMap<TelemetryBus, GcHandles>();
function gcHandlesOf(bus: TelemetryBus): GcHandles {
  let t = gcHandles.get(bus);
  if (t === undefined) {
    t = Object.freeze({
      minorStart: bus.event(["beamlab", "gc", "minor", "start"]),
      minorStop: bus.event(["beamlab", "gc", "minor", "stop"]),
      majorStart: bus.event(["beamlab", "gc", "major", "start"]),
      majorStop: bus.event(["beamlab", "gc", "major", "stop"]),
      maxHeap: bus.event(["beamlab", "gc", "max_heap_size"]),
    });
    gcHandles.set(bus, t);
  }
  return t;
}

/** The default max_heap_size (0: no limit), one shared object (a heap is made for every process). */
const NO_MAX_HEAP_SIZE: MaxHeapSize = Object.freeze({ size: 0, kill: true, errorLogger: true });

export class ProcessHeap {
  readonly state: HeapState;
  readonly roots = new RootSet();
  readonly owner: string;
  /** The copied spawn arguments (root them, e.g. in a frame, while they are used). */
  readonly args: readonly Term[];
  private readonly debug: boolean;
  private readonly opts: ProcessHeapOptions;
  private readonly tel: GcHandles | undefined;
  private readonly ctx: CollectContext;
  private readonly refcHolders: RefcHolders | undefined;
  private reason: GcReason = "alloc";
  /** See {@link ProcessHeapOptions.tracePhantom}; switch on when a tracer is attached. */
  tracePhantom: boolean;

  constructor(opts: ProcessHeapOptions = {}) {
    this.opts = opts;
    this.debug = opts.debugChecks ?? false;
    if (this.debug) trackStampOwners();
    this.tracePhantom = opts.tracePhantom ?? false;
    this.owner = opts.owner ?? "<0.0.0>";
    const heapId = newHeapId();
    const minHeap = opts.minHeapSize === undefined || opts.minHeapSize <= H_MIN_SIZE ? H_MIN_SIZE : ertsNextHeapSize(opts.minHeapSize);
    const minVheap = opts.minBinVheapSize ?? BIN_VH_MIN_SIZE;
    const mhs = opts.maxHeapSize;
    const maxHeapSize: MaxHeapSize =
      mhs === undefined ? NO_MAX_HEAP_SIZE : typeof mhs === "number" ? { size: mhs, kill: true, errorLogger: true } : { size: mhs.size, kill: mhs.kill ?? true, errorLogger: mhs.errorLogger ?? true };
    this.state = {
      heapId,
      heapSz: minHeap,
      htop: 0,
      highWater: 0,
      baseStack: opts.stack ?? 0,
      oldSz: 0,
      oldHtop: 0,
      mbufSz: 0,
      genGcs: 0,
      maxGenGcs: opts.fullsweepAfter ?? DEFAULT_FULLSWEEP_AFTER,
      minHeapSize: minHeap,
      minVheapSize: minVheap,
      flags: 0,
      vheap: 0,
      vheapSz: minVheap,
      oldVheap: 0,
      oldVheapSz: minVheap,
      newStamp: freshStamp(heapId),
      matureStamp: freshStamp(heapId),
      oldStamp: freshStamp(heapId),
      youngMso: [],
      oldMso: [],
      maxHeapSize,
      minorCount: 0,
      majorCount: 0,
      failedMinorCount: 0,
      reductions: 0,
      exitReason: undefined,
    };
    const bus = opts.telemetry;
    this.tel = bus === undefined ? undefined : gcHandlesOf(bus);
    this.refcHolders = opts.refc === undefined ? undefined : new RefcHolders(opts.refc, this.owner);
    const holders = this.refcHolders;
    const swept = opts.onProcBinSwept;
    this.ctx = {
      debug: this.debug,
      onProcBinSwept:
        holders === undefined
          ? swept
          : (b: Binary) => {
              holders.procBinSwept(b);
              swept?.(b);
            },
      maxHeapReached: (total, extraHeap, extraOld) => this.maxHeapReached(total, extraHeap, extraOld),
      moveQueuedMessages: () => {
        this.moveQueuedMessages();
      },
    };
    // erl_create_process: the argument list is copied onto the new heap.
    if (opts.spawnArgs !== undefined && opts.spawnArgs.length > 0) {
      // copyTerm(list(args)), built directly: a fresh cell per argument over its flat copy
      const spawnArgs = opts.spawnArgs;
      const args: Term[] = new Array<Term>(spawnArgs.length);
      let copied: Term = nil;
      for (let i = spawnArgs.length - 1; i >= 0; i--) {
        const a = copyTerm(spawnArgs[i] as Term);
        args[i] = a;
        copied = new Cons(a, copied);
      }
      const fresh: HeapObject[] = [];
      const { words, vheap } = claimFresh(copied, fresh);
      const need = words + S_RESERVED;
      this.state.heapSz = need < minHeap ? minHeap : ertsNextHeapSize(need);
      this.place(fresh, words, vheap);
      this.args = args;
    } else this.args = [];
  }

  // ---------------------------------------------------------------- stack and roots

  /** The GC-visible stack size S: the base set by the program plus the frames' declared words. */
  get stackSize(): number {
    return this.state.baseStack + this.roots.frameStackWords();
  }

  /** Sets the base stack words (what the compiled code has on its stack at this point). */
  setStack(words: number): void {
    this.state.baseStack = words;
  }

  pushFrame(stackWords = 0): Frame {
    return this.roots.pushFrame(stackWords);
  }

  popFrame(frame?: Frame): void {
    this.roots.popFrame(frame);
  }

  addRootSource(s: RootSource): void {
    this.roots.addSource(s);
  }

  removeRootSource(s: RootSource): void {
    this.roots.removeSource(s);
  }

  // ---------------------------------------------------------------- allocation

  /**
   * Places a freshly built term (its objects that are on no heap yet) at htop, collecting first
   * when the heap test fails. Objects already on this heap may be shared; literals cost nothing.
   * Returns `term`.
   */
  alloc<T extends Term>(term: T, opts?: AllocOptions): T {
    this.ensureAlive();
    // Fast path (list building): one new cons whose head and tail are already placed, and the
    // heap test passes — stamped in place, no arrays. Same result as the general path.
    if (opts?.charge === undefined && typeof term === "object" && term.tag === T_CONS && term.gcStamp === 0 && this.placeConsFast(term, opts?.need)) {
      if (this.debug && opts?.need === undefined) this.checkInvariants();
      return term;
    }
    const fresh: HeapObject[] = [];
    const claimed = claimFresh(term, fresh);
    const vheap = claimed.vheap;
    const words = opts?.charge ?? claimed.words;
    const need = opts?.need ?? words;
    const st = this.state;
    const vheapFull = opts?.vheapTest === true && vheap > 0 && st.vheap + vheap >= st.vheapSz;
    if (this.heapTestFails(need) || vheapFull) {
      this.reason = "alloc";
      const placed = this.collect(need, [term], this.mayDelay(need) ? () => { this.place(fresh, words, vheap); } : undefined);
      if (!placed) this.place(fresh, words, vheap);
      this.afterAllocGc();
    } else this.place(fresh, words, vheap);
    if (this.debug && opts?.need === undefined) this.checkInvariants();
    return term;
  }

  /**
   * `[head | tail]` built and placed on this heap: {@link alloc} of `new Cons(head, tail)` with
   * the heap test asking for `need` words (default: the cell's words, 2 plus any bignums).
   * The cheap way to build lists cell by cell.
   */
  allocCons(head: Term, tail: Term, need?: number): Cons {
    const c = new Cons(head, tail);
    const st = this.state;
    // Inline fast path: a small-integer head, a tail that is not a fresh object ([], an atom or
    // a placed object: no `gcStamp` or a nonzero one), no debug checks, the heap test passes.
    // Everything else goes through alloc (same result).
    if (
      typeof head === "number" &&
      typeof tail === "object" &&
      (tail as { gcStamp?: number }).gcStamp !== 0 &&
      !this.debug &&
      st.exitReason === undefined &&
      st.htop + (need ?? 2) + S_RESERVED - 1 <= st.heapSz - st.baseStack - this.roots.frameStackWords()
    ) {
      c.gcStamp = st.newStamp;
      st.htop += 2;
      return c;
    }
    return this.allocConsSlow(c, need);
  }

  private allocConsSlow(c: Cons, need: number | undefined): Cons {
    this.ensureAlive();
    if (this.placeConsFast(c, need)) {
      if (this.debug && need === undefined) this.checkInvariants();
      return c;
    }
    return this.alloc(c, need === undefined ? undefined : { need });
  }

  /**
   * Places the fresh cons `c` (stamp 0) when neither its head nor its tail is a fresh object and
   * the heap test with `need` (default: its words) passes; returns false (nothing done) otherwise.
   */
  private placeConsFast(c: Cons, need: number | undefined): boolean {
    const h = c.head;
    const tl = c.tail;
    let words = 2;
    if (typeof h === "object") {
      if ((h as { gcStamp?: number }).gcStamp === 0) return false;
    } else if (typeof h === "bigint") words += integerWords(h);
    if (typeof tl === "object") {
      if ((tl as { gcStamp?: number }).gcStamp === 0) return false;
    } else if (typeof tl === "bigint") words += integerWords(tl);
    const st = this.state;
    if (st.htop + (need ?? words) + S_RESERVED - 1 > st.heapSz - this.stackSize) return false;
    c.gcStamp = st.newStamp;
    st.htop += words;
    return true;
  }

  /**
   * Allocates `words` heap words of temporaries that are garbage at once (no objects: O(1)).
   * `need` is the heap test's need (default `words`).
   */
  allocGarbage(words: number, opts: { readonly need?: number } = {}): void {
    this.ensureAlive();
    const need = opts.need ?? words;
    if (this.heapTestFails(need)) {
      this.reason = "alloc";
      const placed = this.mayDelay(need)
        ? this.collect(need, [], () => {
            this.state.htop += words;
          })
        : this.collect(need, NO_EXTRA_ROOTS, undefined);
      if (!placed) this.state.htop += words;
      this.afterAllocGc();
    } else this.state.htop += words;
  }

  // ---------------------------------------------------------------- blobs (workload kit)

  /**
   * The heap test of `test_heap`/`allocate` for `need` words (heap + stack), collecting with
   * that need when it fails — and nothing placed. A kit block runs it before the words it then
   * places with {@link growBlob}.
   */
  heapTest(need: number): void {
    if (this.heapTestFails(need)) this.allocGarbage(0, { need });
  }

  /**
   * Free words between the heap top and the stack (`stop − htop`): what `HAlloc` and the heap
   * tests compare against. A kit block batches the cells that fit without a collection.
   */
  get freeWords(): number {
    return this.state.heapSz - this.stackSize - this.state.htop;
  }

  /**
   * `words` heap words for a run kept as one {@link Blob} behind a heap test for `need` words
   * (default `words`), exactly as {@link alloc} places a term of that many words: a failed test
   * collects first (or, for a heap large enough for a dirty GC, places the words and collects
   * after them). Returns the blob that holds them (see {@link growBlob}); the caller's roots must
   * reach `blob` (the words placed before a delayed collection are kept alive here).
   */
  allocBlob(blob: Blob | undefined, words: number, need: number = words): Blob {
    this.ensureAlive();
    if (!this.heapTestFails(need)) return this.growBlob(blob, words);
    this.reason = "alloc";
    if (!this.mayDelay(need)) {
      this.collect(need, NO_EXTRA_ROOTS, undefined);
      const out = this.growBlob(blob, words);
      this.afterAllocGc();
      return out;
    }
    const pendingRoots: Term[] = [];
    let out: Blob | undefined;
    const placed = this.collect(need, pendingRoots, () => {
      out = this.growBlob(blob, words);
      pendingRoots.push(out as unknown as Term);
    });
    if (!placed) out = this.growBlob(blob, words);
    this.afterAllocGc();
    return out as Blob;
  }

  /**
   * Places `words` heap words at htop for a run kept as one {@link Blob} (no heap test: the
   * caller ran it). Returns the blob that holds them: `blob` while it is still in the current
   * young generation (no collection since it was started), else a new blob the caller must link
   * into its structure and roots before the next collection.
   */
  growBlob(blob: Blob | undefined, words: number): Blob {
    this.ensureAlive();
    const b = this.currentBlob(blob);
    this.state.htop += words;
    b.words += words;
    return b;
  }

  /** `blob` while it is in the current young generation, else a new blob stamped into it. */
  private currentBlob(blob: Blob | undefined): Blob {
    const stamp = this.state.newStamp;
    if (blob?.gcStamp === stamp) return blob;
    const b = new Blob();
    b.gcStamp = stamp;
    return b;
  }

  /**
   * A BIF's result of `words` words for a run kept as one {@link Blob}, placed as `HAlloc` does
   * (on the heap when `stop − htop` holds it, else in a heap fragment), without the after-BIF
   * check: the caller runs {@link safePoint} once the returned blob is reachable from its roots.
   * `reserve`: stack words the BIF call itself holds below the frame (see {@link allocBif}).
   */
  bifBlob(blob: Blob | undefined, words: number, reserve = 0): Blob {
    const st = this.state;
    if (st.heapSz - this.stackSize - reserve - st.htop >= words) return this.growBlob(blob, words);
    this.ensureAlive();
    const b = this.currentBlob(blob);
    st.mbufSz += words;
    b.words += words;
    return b;
  }

  /** Alias of {@link allocGarbage}: words the program allocates and drops. */
  allocWords(words: number, opts: { readonly need?: number } = {}): void {
    this.allocGarbage(words, opts);
  }

  /**
   * Puts a term in a heap fragment (a BIF result that did not fit, a bignum result, a received
   * message's data): counted in `mbuf_size` until the next collection moves its live part into
   * the young heap. Runs the safe-point check afterwards unless `check` is false.
   */
  allocFragment<T extends Term>(term: T, opts: { readonly check?: boolean } = {}): T {
    this.ensureAlive();
    const fresh = FRESH;
    emptyScratch(fresh); // a placement that threw may have left objects
    const { words, vheap } = claimFresh(term, fresh);
    const st = this.state;
    this.stampAll(fresh);
    emptyScratch(fresh);
    st.mbufSz += words;
    st.vheap += vheap;
    if (opts.check !== false) this.safePoint([term]);
    return term;
  }

  /**
   * A BIF's result built with `HAlloc`: on the heap when the free space (`stop − htop`) holds it,
   * else in a heap fragment; then the safe-point check the BEAM runs after a BIF returns.
   * Options (both measured for one BIF only, see the caller): `reserve` — stack words the call
   * holds below the caller's frame while the BIF runs (HAlloc's limit is that much lower);
   * `check: false` — no collection for the fragment when the BIF returns (the next heap test
   * collects); `charge` — as in {@link AllocOptions.charge} (a flatmap update sharing its keys tuple).
   */
  allocBif<T extends Term>(term: T, opts: { readonly reserve?: number; readonly check?: boolean; readonly charge?: number } = {}): T {
    this.ensureAlive();
    const fresh: HeapObject[] = [];
    const claimed = claimFresh(term, fresh);
    const words = opts.charge ?? claimed.words;
    const vheap = claimed.vheap;
    const st = this.state;
    if (st.heapSz - this.stackSize - (opts.reserve ?? 0) - st.htop >= words) this.place(fresh, words, vheap);
    else {
      this.stampAll(fresh);
      st.mbufSz += words;
      st.vheap += vheap;
    }
    if (opts.check !== false) this.safePoint([term]);
    return term;
  }

  /**
   * An off-heap thing a BIF builds with `HAlloc` and drops before the next collection can run —
   * the magic ref of a trapping BIF's state (`erts_mk_magic_ref`: 3 words, and the magic
   * binary's `orig_size / 8` words added to the binary virtual heap by OH_OVERHEAD): on the heap
   * when `stop − htop − reserve` holds it, else in a heap fragment; no GC. The next collection
   * finds it dead (and recomputes the virtual heap from the live binaries).
   */
  allocBifGarbage(words: number, opts: { readonly reserve?: number; readonly vheap?: number } = {}): void {
    this.ensureAlive();
    const st = this.state;
    if (st.heapSz - this.stackSize - (opts.reserve ?? 0) - st.htop >= words) st.htop += words;
    else st.mbufSz += words;
    st.vheap += opts.vheap ?? 0;
  }

  /** Garbage words in a heap fragment (e.g. a BIF's temporary result dropped at once). */
  allocFragmentGarbage(words: number, opts: { readonly check?: boolean } = {}): void {
    this.ensureAlive();
    this.state.mbufSz += words;
    if (opts.check !== false) this.safePoint();
  }

  /**
   * A message delivered to this process with `message_queue_data = on_heap`: its (copied) data
   * goes directly to the young heap when it fits (`HEAP_LIMIT − HTOP > size`, HEAP_LIMIT being
   * {@link MESSAGE_HEAP_MARGIN} words below the stack; no GC), otherwise
   * into a fragment. Returns where it went. The queue itself (and the 88-byte container) belongs
   * to the mailbox, which must register itself as a root source.
   */
  deliverMessage<T extends Term>(term: T): { where: "heap" | "fragment"; term: T } {
    this.ensureAlive();
    const fresh = FRESH;
    emptyScratch(fresh); // a placement that threw may have left objects
    const { words, vheap } = claimFresh(term, fresh);
    const st = this.state;
    if (st.heapSz - this.stackSize - st.htop - MESSAGE_HEAP_MARGIN > words) {
      this.place(fresh, words, vheap);
      emptyScratch(fresh);
      return { where: "heap", term };
    }
    this.stampAll(fresh);
    emptyScratch(fresh);
    st.mbufSz += words;
    st.vheap += vheap;
    return { where: "fragment", term };
  }

  /**
   * {@link deliverMessage} for a message the caller copied and already measured, known to fit on
   * the heap (the caller made the on-heap test): `objects` are the copy's new objects that take
   * heap words, each once, in the order claimFresh would visit them (preorder; a tuple's
   * elements first to last, a cons's head before its tail, a sub-binary before its binary),
   * `words` and `vheap` their sums. Places them without walking the message again: the
   * scheduler's send path (its copy-message.ts lists them while copying).
   */
  deliverCopied(objects: readonly HeapObject[], words: number, vheap: number): void {
    this.ensureAlive();
    this.place(objects, words, vheap);
  }

  /**
   * Whether {@link safePoint} would collect now for a reason other than fragments (the binary
   * virtual heap over its block, or a forced GC): a kit block batches only while it is false.
   */
  get safePointDueBesidesFragments(): boolean {
    const st = this.state;
    return st.vheap > st.vheapSz || (st.flags & F_FORCE_GC) !== 0;
  }

  /**
   * `ERTS_IS_GC_DESIRED` at a safe point (after a BIF returns, after a receive): collects with
   * need 0 when fragments do not fit the free space, the binary virtual heap is over its block,
   * or a GC was forced. `extraRoots`: terms live in registers (e.g. the BIF's result).
   */
  safePoint(extraRoots: readonly Term[] = []): boolean {
    this.ensureAlive();
    const st = this.state;
    let reason: GcReason | undefined;
    if (st.heapSz - this.stackSize - st.htop < st.mbufSz) reason = "mbuf";
    else if (st.vheap > st.vheapSz) reason = "vheap";
    else if ((st.flags & F_FORCE_GC) !== 0) reason = "explicit";
    if (reason === undefined) return false;
    this.reason = reason;
    this.collect(0, extraRoots, undefined);
    this.afterAllocGc();
    return true;
  }

  /** `erlang:garbage_collect/0,1,2`: a major unless `type: "minor"` is asked for. Need 0. */
  garbageCollect(opts: { readonly type?: "major" | "minor"; readonly extraRoots?: readonly Term[] } = {}): void {
    this.ensureAlive();
    if ((opts.type ?? "major") === "major") this.state.flags |= F_NEED_FULLSWEEP;
    this.reason = "explicit";
    this.collect(0, [...(opts.extraRoots ?? [])], undefined);
    this.afterAllocGc();
  }

  /**
   * `erlang:hibernate/3`: keeps what `liveRoots` and the root sources reach, in a heap of exactly
   * that size + S_RESERVED; drops every frame (the stack is discarded). No gc trace messages.
   */
  hibernate(liveRoots: readonly Term[] = []): void {
    this.ensureAlive();
    this.endAbandoned();
    const st = this.state;
    const before = this.gcInfo();
    this.roots.dropFrames();
    const roots: Term[] = [];
    this.roots.collect(roots, false);
    for (const t of liveRoots) if (typeof t === "object") roots.push(t);
    this.emitStart("major", 0, before, "hibernate");
    const r = hibernateCollection(st, roots, this.ctx);
    this.finish("major", "hibernate", 0, false, false, r, before);
  }

  /**
   * Process exit: every ProcBin and sub-binary of this heap is released in the refc store (the
   * BEAM's `erts_cleanup_offheap` when the process is freed), the heap is emptied and any
   * further use throws {@link ProcessKilled} with `reason`. Idempotent.
   */
  exit(reason = "normal"): void {
    const st = this.state;
    if (this.exited) return;
    this.exited = true;
    this.refcHolders?.releaseAll();
    st.youngMso = [];
    st.oldMso = [];
    st.vheap = 0;
    st.oldVheap = 0;
    st.exitReason ??= reason;
  }

  /** True after {@link exit}. */
  get hasExited(): boolean {
    return this.exited;
  }

  private exited = false;

  /** `process_info(P, binary)` (needs the `refc` option): one `{id, size, refc}` per ProcBin of this process. */
  binaries(): { id: number; size: number; refc: number }[] {
    return this.opts.refc?.processBinaries(this.owner) ?? [];
  }

  // ---------------------------------------------------------------- reporting

  /**
   * What a collection would keep, without collecting: traces from the roots (sources and frames)
   * with the collector's rules and reports live and garbage words of the young generation (heap
   * and fragments) and of the old heap, and how each refc binary of the MSO lists is reached.
   * Changes no state and no stamp (see liveness.ts). An exited heap reports zeros.
   */
  liveness(extraRoots: readonly Term[] = []): Liveness {
    if (this.exited) return traceLiveness({ ...this.state, htop: 0, mbufSz: 0, oldHtop: 0, youngMso: [], oldMso: [] }, []);
    const roots = LIVENESS_ROOTS;
    try {
      this.roots.collect(roots, true);
      for (const t of extraRoots) if (typeof t === "object") roots.push(t);
      return traceLiveness(this.state, roots);
    } finally {
      emptyScratch(roots);
    }
  }

  /** The 11 `garbage_collection_info` items. */
  gcInfo(): GcInfo {
    const st = this.state;
    const a = this.abandoned;
    return {
      old_heap_block_size: st.oldSz,
      heap_block_size: a === undefined ? st.heapSz : a.heapSz,
      mbuf_size: st.mbufSz,
      recent_size: st.highWater,
      stack_size: this.stackSize,
      old_heap_size: st.oldHtop,
      // with an abandoned heap, its use (ERTS_GET_ORIG_HEAP): the temporary heap is not shown
      heap_size: a === undefined ? st.htop - this.hiddenWords : a.tempBase,
      bin_vheap_size: st.vheap,
      bin_vheap_block_size: st.vheapSz,
      bin_old_vheap_size: st.oldVheap,
      bin_old_vheap_block_size: st.oldVheapSz,
    };
  }

  /** `heap_size`: the young block (heap + stack); the abandoned block while one is. */
  get heapSize(): number {
    return this.abandoned?.heapSz ?? this.state.heapSz;
  }

  /** `total_heap_size`: young block + old block + fragments (gcInfo's three blocks). */
  get totalHeapSize(): number {
    const st = this.state;
    return (this.abandoned?.heapSz ?? st.heapSz) + st.oldSz + st.mbufSz;
  }

  /** `process_info/2` items; `extraBytes` = what the owner adds to `memory` (links, monitors, queue, dictionary). */
  processInfo(extraBytes = 0, stack: number = this.stackSize): ProcessInfoItems {
    const st = this.state;
    return {
      heap_size: st.heapSz,
      total_heap_size: this.totalHeapSize,
      stack_size: stack,
      memory: processMemoryBytes(this.totalHeapSize, extraBytes),
      garbage_collection: {
        max_heap_size: { size: st.maxHeapSize.size, kill: st.maxHeapSize.kill, error_logger: st.maxHeapSize.errorLogger },
        min_bin_vheap_size: st.minVheapSize,
        min_heap_size: st.minHeapSize,
        fullsweep_after: st.maxGenGcs,
        minor_gcs: st.genGcs,
      },
    };
  }

  /** Why the process must exit (max_heap_size kill), if it must. */
  get exitReason(): string | undefined {
    return this.state.exitReason;
  }

  /** Throws when a structural invariant of heap-state.ts is broken. */
  checkInvariants(): void {
    const st = this.state;
    const S = this.stackSize;
    const fail = (m: string): never => {
      throw new Error(`heap invariant broken: ${m} (${JSON.stringify(this.gcInfo())})`);
    };
    if (st.highWater < 0 || st.highWater > st.htop) fail("high-water mark outside [0, htop]");
    if (st.htop + S > st.heapSz && (st.flags & F_HIBERNATED) === 0) fail("heap and stack overlap");
    if (st.oldHtop > st.oldSz) fail("old heap overfull");
    if (st.oldSz === 0 && st.oldHtop !== 0) fail("old data without an old heap");
  }

  // ---------------------------------------------------------------- internals

  private heapTestFails(need: number): boolean {
    const st = this.state;
    return st.htop + need + S_RESERVED - 1 > st.heapSz - this.stackSize;
  }

  private ensureAlive(): void {
    if (this.state.exitReason !== undefined) throw new ProcessKilled(this.state.exitReason);
  }

  private afterAllocGc(): void {
    if (this.state.exitReason !== undefined) throw new ProcessKilled(this.state.exitReason);
  }

  private stampNew(o: HeapObject): void {
    o.gcStamp = this.state.newStamp;
    if (o.tag === Tag.Binary && (o).isRefc) {
      this.state.youngMso.push(o);
      this.refcHolders?.procBinPlaced(o);
    }
  }

  /** Stamps newly placed objects; registers ProcBins first, then the sub-binaries pointing into them. */
  private stampAll(fresh: readonly HeapObject[]): void {
    let subs: SubBinary[] | undefined;
    for (const o of fresh) {
      this.stampNew(o);
      if (o.tag === Tag.SubBinary && this.refcHolders !== undefined && o.orig.isRefc) (subs ??= []).push(o);
    }
    if (subs !== undefined) for (const s of subs) this.refcHolders?.subBinaryPlaced(s);
  }

  /**
   * The process's queued messages whose data is in heap fragments (on_heap message queue data,
   * not yet received): every collection copies them onto the new heap, see
   * {@link moveQueuedMessages}. The scheduler registers the mailbox here.
   */
  setQueuedFragments(q: QueuedFragments | undefined): void {
    this.queued = q;
  }

  private queued: QueuedFragments | undefined;

  /**
   * erl_gc.c `move_msgs_to_heap`, run inside a minor (after the sweep) and a major (after the
   * high-water mark is set) collection: each queued fragment message that fits below the stack
   * ({@link MESSAGE_HEAP_MARGIN} words kept free, measured in sched_traces.json's on_heap cases)
   * is copied onto the young heap, its ProcBins joining the young off-heap list; one that does
   * not fit stays a fragment counted in mbuf_size. When ProcBins were added, the binary virtual
   * heap block becomes `next_vheap_size(overhead, bin_vheap_sz)`.
   */
  private moveQueuedMessages(): void {
    const q = this.queued;
    if (q === undefined || q.fragmentWords === 0) return;
    const st = this.state;
    const overheadBefore = st.vheap;
    const stack = this.stackSize;
    q.forEachFragment((e) => {
      if (st.heapSz - stack - st.htop - MESSAGE_HEAP_MARGIN > e.words) {
        const fresh: HeapObject[] = [];
        const { words, vheap } = claimFresh(e.msg, fresh);
        this.place(fresh, words, vheap);
        q.movedToHeap(e);
      } else st.mbufSz += e.words;
    });
    if (st.vheap !== overheadBefore) st.vheapSz = nextVheapSize(st.minVheapSize, st.vheap, st.vheapSz);
  }

  private place(fresh: readonly HeapObject[], words: number, vheap: number): void {
    const st = this.state;
    this.stampAll(fresh);
    st.htop += words;
    st.vheap += vheap;
  }

  /**
   * erl_gc.c `garbage_collect`. `pending` places the allocation that asked for `need` words when
   * the GC has to be delayed to a dirty scheduler (then the GC runs after it, with need 0 and one
   * stack word less): returns true when it did so.
   */
  private collect(need: number, extraRoots: readonly Term[], pending: (() => void) | undefined): boolean {
    if (this.delayGc) {
      if (need > 0) this.abandon(need);
      return false;
    }
    this.endAbandoned();
    const st = this.state;
    const S = this.stackSize;
    const ygen = st.htop + st.mbufSz;
    const wantMajor = (st.flags & F_NEED_FULLSWEEP) !== 0 || st.genGcs >= st.maxGenGcs;
    if (pending !== undefined && need > 0 && ygen + S + (wantMajor ? st.oldHtop : 0) >= LONG_GC_HSIZE) {
      this.delayed(pending, extraRoots);
      return true;
    }
    return this.run(need, extraRoots, ygen, S, pending, false);
  }

  /**
   * delay_garbage_collection + the dirty GC that follows. The pending allocation lands in the
   * temporary heap (a fragment) that replaces the abandoned heap block: it counts in the young
   * generation's usage, but the gc info of the dirty GC's start message still describes the
   * abandoned block (heap_size without it).
   */
  private delayed(pending: () => void, extraRoots: readonly Term[], afterFailedMinor = false): void {
    const st = this.state;
    const htop0 = st.htop;
    pending();
    this.hiddenWords = st.htop - htop0;
    st.baseStack -= 1;
    try {
      this.run(0, extraRoots, st.htop + st.mbufSz, this.stackSize, undefined, true, afterFailedMinor);
    } finally {
      st.baseStack += 1;
      this.hiddenWords = 0;
    }
  }

  /** Words in the delayed GC's temporary heap, not shown as heap_size until that GC has run. */
  private hiddenWords = 0;

  /**
   * F_DELAY_GC: while true, a collection a heap test asks for is delayed ({@link abandon}). The
   * scheduler sets it for the code a receive runs between its match and remove_message.
   */
  delayGc = false;

  /**
   * The heap abandoned for a temporary one (erl_gc.c delay_garbage_collection), until the next
   * collection: the abandoned block's size, and where the temporary heap starts (in the model's
   * word count, which goes on from the abandoned heap's top).
   */
  private abandoned: { readonly heapSz: number; readonly tempBase: number } | undefined;

  /**
   * delay_garbage_collection for `need` words: a temporary heap of the stack + need +
   * ERTS_DELAY_GC_EXTRA_FREE words takes over (its stack copied) and a GC is forced. The model
   * keeps counting words from the abandoned heap's top, so heap_sz stands for the temporary
   * heap's end until the collection restores the abandoned block's size (young_gen_usage — the
   * abandoned heap's use plus the temporary heap's and the other fragments — is then htop +
   * mbuf_sz, as for any heap). Meanwhile gcInfo reports the abandoned heap (its block and use;
   * the temporary heap in neither heap_size nor mbuf_size), as the BEAM's gc trace does at the
   * collection's start. The reductions it takes are the scheduler's (Scheduler.delayingGc).
   */
  private abandon(need: number): void {
    this.abandonedCount++;
    const st = this.state;
    this.abandoned = { heapSz: this.abandoned?.heapSz ?? st.heapSz, tempBase: st.htop };
    st.heapSz = st.htop + this.stackSize + need + DELAY_GC_EXTRA_FREE;
    st.flags |= F_FORCE_GC;
  }

  private abandonedCount = 0;

  /** How many times a delayed collection abandoned this heap (F_DELAY_GC, see {@link delayGc}). */
  get abandonedHeaps(): number {
    return this.abandonedCount;
  }

  /**
   * Ends the abandoned state as a collection starts: heap_sz is the abandoned block's again, and
   * the temporary heap's words stay out of the start event's heap_size, as the BEAM's gc trace
   * shows them (gen-server-work's fix server: gc_minor_start at the abandoned heap's top).
   */
  private endAbandoned(): void {
    const a = this.abandoned;
    if (a === undefined) return;
    this.state.heapSz = a.heapSz;
    this.hiddenWords = this.state.htop - a.tempBase;
    this.abandoned = undefined;
  }

  /**
   * Whether a collection with this `need` could be delayed to a dirty scheduler ({@link collect},
   * and {@link run} after a failed minor): only then does an allocation hand `collect` its
   * pending placement (a closure); otherwise it places after the collection, the same result.
   */
  private mayDelay(need: number): boolean {
    const st = this.state;
    return need > 0 && st.htop + st.mbufSz + this.stackSize + st.oldHtop >= LONG_GC_HSIZE;
  }

  /** The roots of one collection, in a buffer reused by every collection (the trace consumes it). */
  private rootTerms(extra: readonly Term[]): Term[] {
    // the trace pops it empty; one that ended early (killed, threw) left roots: dropped here
    const roots = GC_ROOTS;
    emptyScratch(roots);
    this.roots.collect(roots, true);
    if (extra.length > 0) for (const t of extra) if (typeof t === "object") roots.push(t);
    return roots;
  }

  /** Runs one GC; returns true when the pending allocation was placed (delayed after a failed minor). */
  private run(need: number, extraRoots: readonly Term[], ygen: number, S: number, pending: (() => void) | undefined, dirty: boolean, afterFailedMinor = false): boolean {
    const st = this.state;
    const reason = this.reason;
    let failedMinor = afterFailedMinor;
    if (!((st.flags & F_NEED_FULLSWEEP) !== 0 || st.genGcs >= st.maxGenGcs)) {
      const before = this.wantsGcInfo() ? this.gcInfo() : UNREAD_GC_INFO;
      if (this.opts.onTrace !== undefined) this.trace("gc_minor_start", need, before, dirty);
      this.emitStart("minor", need, before, reason);
      const r = minorCollection(st, S, need, ygen, this.rootTerms(extraRoots), this.ctx);
      if (r !== "failed") this.hiddenWords = 0;
      if (r === "killed") return this.killed();
      if (r !== "failed") {
        if (this.opts.onTrace !== undefined) this.trace("gc_minor_end", r.sizeBefore - r.sizeAfter, this.gcInfo());
        this.finish("minor", reason, need, false, dirty, r, before);
        st.flags &= ~(F_FORCE_GC | F_HIBERNATED);
        return false;
      }
      if (this.opts.onTrace !== undefined) this.trace("gc_minor_end", 0, this.gcInfo(), dirty);
      this.tel?.minorStop.emit({ failed: 1, need }, { owner: this.owner, reason });
      st.flags |= F_NEED_FULLSWEEP;
      st.failedMinorCount++;
      failedMinor = true;
      if (!dirty && pending !== undefined && need > 0 && ygen + S + st.oldHtop >= LONG_GC_HSIZE) {
        this.delayed(pending, extraRoots, true);
        return true;
      }
    }
    const before = this.wantsGcInfo() ? this.gcInfo() : UNREAD_GC_INFO;
    if (this.opts.onTrace !== undefined) this.trace("gc_major_start", need, before, dirty);
    this.emitStart("major", need, before, reason);
    const r = majorCollection(st, S, need, ygen, this.rootTerms(extraRoots), this.ctx);
    this.hiddenWords = 0;
    if (r === "killed") return this.killed();
    if (this.opts.onTrace !== undefined) this.trace("gc_major_end", r.sizeBefore - r.sizeAfter, this.gcInfo());
    this.finish("major", reason, need, failedMinor, dirty, r, before);
    st.flags &= ~(F_FORCE_GC | F_HIBERNATED);
    return false;
  }

  /**
   * Whether anyone reads a collection's gc info: a tracer, an `onGc` listener or an enabled
   * telemetry handler. When nobody does, {@link run} hands {@link UNREAD_GC_INFO} around instead.
   */
  private wantsGcInfo(): boolean {
    if (this.opts.onTrace !== undefined || this.opts.onGc !== undefined) return true;
    const t = this.tel;
    return t !== undefined && (t.minorStart.enabled || t.minorStop.enabled || t.majorStart.enabled || t.majorStop.enabled);
  }

  private killed(): boolean {
    this.state.exitReason = "killed";
    return false;
  }

  private maxHeapReached(total: number, extraHeap: number, extraOld: number): boolean {
    const st = this.state;
    const mhs = st.maxHeapSize;
    const info = this.gcInfo();
    // The trace message carries the block sizes including the prospective ones
    // (erts_process_gc_info with extra_heap_size / extra_old_heap_size added).
    this.trace("gc_max_heap_size", 0, { ...info, heap_block_size: info.heap_block_size + extraHeap, old_heap_block_size: info.old_heap_block_size + extraOld }, false, info);
    const report: MaxHeapSizeReport = {
      owner: this.owner,
      kill: mhs.kill,
      maxHeapSize: mhs.size,
      totalHeapSize: total,
      oldHeapBlockSize: extraOld + st.oldSz,
      heapBlockSize: extraHeap,
      mbufSize: st.mbufSz,
      stackSize: this.stackSize,
      oldHeapSize: st.oldHtop,
      heapSize: st.htop,
    };
    if (mhs.errorLogger) {
      this.opts.onMaxHeapSize?.(report);
      this.tel?.maxHeap.emit({ total_heap_size: total, max_heap_size: mhs.size }, { owner: this.owner, kill: mhs.kill });
    }
    return mhs.kill;
  }

  /**
   * Delivers a trace message. `onTempHeap`: the process runs on the delayed GC's temporary heap
   * (≥ 40 free words), where the tracer's tuple always fits, so no phantom fragment is left.
   */
  private trace(tag: GcTraceTag, wordsize: number, info: GcInfo, onTempHeap = false, actual: GcInfo = info): void {
    if (this.opts.onTrace === undefined) return;
    this.opts.onTrace({ tag, wordsize, info });
    if (this.tracePhantom && !onTempHeap && actual.heap_block_size - actual.heap_size - actual.stack_size < 8) this.state.mbufSz += 5;
  }

  private emitStart(kind: GcKind, need: number, before: GcInfo, reason: GcReason): void {
    const h = kind === "minor" ? this.tel?.minorStart : this.tel?.majorStart;
    if (h?.enabled === true) h.emit({ need, heap_block_size: before.heap_block_size, heap_size: before.heap_size, old_heap_size: before.old_heap_size }, { owner: this.owner, reason });
  }

  private finish(kind: GcKind, reason: GcReason, need: number, afterFailedMinor: boolean, dirty: boolean, r: CollectResult, before: GcInfo): void {
    this.refcHolders?.afterCollection(this.state.matureStamp, this.state.oldStamp, subBinaryBecomesHeapBinary);
    const h = kind === "minor" ? this.tel?.minorStop : this.tel?.majorStop;
    const onGc = this.opts.onGc;
    if (onGc === undefined && h?.enabled !== true) {
      this.opts.onGcCost?.(r.reductions, r.sizeBefore - r.sizeAfter);
      return;
    }
    const after = this.gcInfo();
    if (h?.enabled === true) {
      h.emit(
        {
          words_before: r.sizeBefore,
          words_after: r.sizeAfter,
          promoted: r.promoted,
          reclaimed: r.sizeBefore - r.sizeAfter,
          copied: r.copied,
          need,
          heap_block_size: after.heap_block_size,
          old_heap_block_size: after.old_heap_block_size,
          heap_size: after.heap_size,
          old_heap_size: after.old_heap_size,
          mbuf_size: before.mbuf_size,
          stack_size: after.stack_size,
          reductions: r.reductions,
        },
        { owner: this.owner, reason },
      );
    }
    if (onGc === undefined) {
      this.opts.onGcCost?.(r.reductions, r.sizeBefore - r.sizeAfter);
      return;
    }
    onGc({
      kind,
      reason,
      need,
      afterFailedMinor,
      dirty,
      wordsBefore: r.sizeBefore,
      wordsAfter: r.sizeAfter,
      promoted: r.promoted,
      reclaimed: r.sizeBefore - r.sizeAfter,
      copied: r.copied,
      reductions: r.reductions,
      before,
      after,
    });
  }
}
