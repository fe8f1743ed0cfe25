/**
 * The scheduler as a telemetry {@link NodeSource}: `snapshot()` reads the simulated node's real
 * data into a `NodeSnapshot`, `collectAll()` is `[erlang:garbage_collect(P) || P <- processes()]`.
 *
 * Owns: the mapping from the scheduler's PCBs, heaps and refc store to telemetry's shapes:
 *  - `memory` = `erlang:memory()` (info.ts); `system_info` = process_count, process_limit,
 *    schedulers = schedulers_online = 1 (the simulator runs one scheduler);
 *  - `statistics`: `garbage_collection` = every collection of every heap since the scheduler
 *    started (exited processes included) and the words they reclaimed (the GC events' `reclaimed`);
 *    `reductions` = Σ live reductions + reductions of exited processes; `run_queue`;
 *    `context_switches` = slices run; with `wallTime: true`, `scheduler_wall_time` = the real
 *    time the simulator's scheduler spent running slices vs the real time since it was created
 *    (virtual time does not advance while processes compute, so that is the only busy measure;
 *    off by default because it differs between runs and snapshots must be deterministic);
 *  - every process's `process_info` items (pids printed `<0.N.S>`), plus the beamlab fields:
 *    `role`    — the process dictionary key `'$beamlab_role'` (an atom or binary value; {@link ROLE_KEY}),
 *                else the role given from outside (`Scheduler.tagRole`);
 *    `parent`  — the first pid of the dictionary key `'$ancestors'` (proc_lib's convention), else
 *                the process that spawned it;
 *    `children`— reported only for a supervisor, i.e. a process whose role ends in "supervisor":
 *                the live processes it is linked to whose `parent` is it (what
 *                `supervisor:which_children/1` lists for linked children), sorted by pid;
 *    `gc_count`— the heap's successful minors and its majors (a failed minor counts as the major it
 *                became), cumulative; `messages_in` / `messages_out` — queued / taken out, cumulative;
 *    `liveness`— `ProcessHeap.liveness()` (traced, nothing changed). Queued on_heap messages held in
 *                fragments (counted in mbuf_size, copied onto the heap after a GC) are counted as
 *                live young words; `binary_garbage_bytes` = bytes of the refc binaries the process
 *                holds only through ProcBins it can no longer reach;
 *  - `binaries` (when the scheduler has a refc store): one {@link BinaryHolderRow} per live refc
 *    binary that some live process's heap references, from the store's `holdersOf`. A holder is
 *    `via: "sub_binary"` (one entry per sub-binary, `subSize` its bytes) iff the refc store lists
 *    sub-binaries of that process into the binary AND the process's traced liveness reaches the
 *    ProcBin only through those sub-binaries; otherwise it is `via: "procbin"` (the process reaches
 *    the whole binary, or holds it through a dead ProcBin its next collection will sweep — pinned
 *    whole, not by a part). On the BEAM a sub-binary always points at a ProcBin of its own
 *    process, so the store alone cannot tell the two apart: the tracing decides.
 *  - `compactSnapshot()`: telemetry's `compactSnapshot(snapshot())`, built without the lists it
 *    drops (`binary_summary` from the refc store's sums; holder rows only for the binaries whose
 *    every holder keeps sub-binaries into them): what a long series keeps of each sample.
 * Invariants: `snapshot()` changes nothing the simulation can observe: no collection, no
 * re-stamping, no allocation, the clock does not move — so sampling cannot perturb what it
 * measures (`process_info` may create the heap object of a never-touched process, which reports
 * exactly the spawn sizing it reported before); processes are listed in spawn order.
 * Cost: O(live objects of every heap that changed since the source's previous snapshot) when
 * `liveness` is on (the default): a process that has not run, received nothing and was not
 * collected since (its `activity` and its heap's counters are the same) has the same liveness,
 * and the source reuses the one it traced then (`livenessCache: false` traces every heap every
 * time; test/liveness-cache.test.ts runs the scenarios both ways); pass
 * `liveness: false` to skip the tracing and `binaries: false` to skip the holder rows (then the
 * snapshot carries no `liveness` and no `binaries`: gaps, not zeros). A sampler that reads only
 * {@link NODE_METRICS}-style node totals needs neither ({@link SAMPLING_SOURCE_OPTIONS}). Pids are
 * printed once per pid (cached), not once per snapshot.
 */
import { atom, Binary, Pid, printTerm, type Liveness, type ProcessHeap, type Term } from "@beamlab/heap";
import type { BinaryHolder, BinaryHolderRow, LivenessSnapshot, NodeSnapshot, NodeSource, ProcessSnapshot } from "@beamlab/telemetry";
import { memory, processInfo, processMemory, type SchedulerMemoryOptions } from "./info.js";
import { printedPid, type Proc } from "./process.js";
import type { Scheduler } from "./scheduler.js";

/** The process dictionary key whose value names a process's role (`put('$beamlab_role', router)`). */
export const ROLE_KEY = atom("$beamlab_role");
const ANCESTORS = atom("$ancestors");

export interface NodeSourceOptions {
  /** Passed to `memory()` (atom/code/ets constants). */
  readonly memory?: SchedulerMemoryOptions;
  /** Trace every heap for `liveness` (default true). */
  readonly liveness?: boolean;
  /** List the refc binary holder rows (`binaries`, default true; they need the store). */
  readonly binaries?: boolean;
  /** Include the process dictionary in each process (default false: it can be large). */
  readonly dictionary?: boolean;
  /** Report `statistics.scheduler_wall_time` in real ms (default false: not deterministic). */
  readonly wallTime?: boolean;
  /** Which roles report `children` (default: roles ending in "supervisor"). */
  readonly isSupervisor?: (role: string) => boolean;
  /** Reuse a process's traced liveness while it is unchanged (default true; see the header). */
  readonly livenessCache?: boolean;
}

/** Options for a source that only feeds node-level metrics (telemetry's NODE_METRICS): every
 * process's process_info, no traced liveness, no binary holder rows. */
export const SAMPLING_SOURCE_OPTIONS: NodeSourceOptions = Object.freeze({ liveness: false, binaries: false });

/** A telemetry `NodeSource` over a scheduler (see the header). */
export function nodeSource(s: Scheduler, opts: NodeSourceOptions = {}): Required<NodeSource> {
  const cache = opts.livenessCache === false ? undefined : new LivenessCache();
  return {
    snapshot: () => snapshotOf(s, opts, false, cache),
    compactSnapshot: () => snapshotOf(s, opts, true, cache),
    collectAll: () => {
      for (const pid of s.processes()) s.garbageCollect(pid);
    },
  };
}

/** The role of a process (its `'$beamlab_role'` dictionary value, else its `tagRole`), if it has one. */
export function roleOf(p: Proc): string | undefined {
  const v = dictGet(p, ROLE_KEY);
  if (v === undefined) return p.roleTag;
  if (typeof v === "object" && "name" in v && typeof v.name === "string") return v.name; // atom
  if (v instanceof Binary) return new TextDecoder().decode(v.bytes);
  return printTerm(v);
}

/** `<0.N.S>` of a pid, printed once (pids are immutable; snapshots print every pid each time). */
const pidTexts = new WeakMap<Pid, string>();
function pidText(pid: Pid): string {
  let text = pidTexts.get(pid);
  if (text === undefined) {
    text = printTerm(pid);
    pidTexts.set(pid, text);
  }
  return text;
}

function dictGet(p: Proc, key: Term): Term | undefined {
  for (const t of p.dict ?? []) if (t.elements[0] === key) return t.elements[1];
  return undefined;
}

function parentOf(p: Proc): string | undefined {
  let a = dictGet(p, ANCESTORS);
  while (typeof a === "object" && "head" in a) {
    const h = (a as { head: Term }).head;
    if (h instanceof Pid) return pidText(h);
    a = (a as { tail: Term }).tail;
  }
  return p.parent === undefined ? undefined : pidText(p.parent);
}

/**
 * The liveness a source traced for each process, with what it depended on: the process's
 * `activity` (slices run, messages and signals queued to it, outside collections) and its heap's
 * collection counts, block sizes and tops. While all of them are the same, nothing on the heap
 * or among its roots has changed, so the trace would give the same result.
 */
class LivenessCache {
  private readonly entries = new WeakMap<Proc, { readonly key: number[]; live: Liveness }>();

  get(p: Proc, h: ProcessHeap): Liveness {
    const e = this.entries.get(p);
    if (e === undefined) {
      const live = h.liveness();
      const key: number[] = [];
      refreshKey(key, p, h);
      this.entries.set(p, { key, live });
      return live;
    }
    // the key is rewritten in place: a process that changed costs a trace, not an allocation
    if (refreshKey(e.key, p, h)) e.live = h.liveness();
    return e.live;
  }
}

/** Brings `key` up to date with what a process's liveness depends on; true when anything changed. */
function refreshKey(key: number[], p: Proc, h: ProcessHeap): boolean {
  const st = h.state;
  // a sum, not `||`: every slot is written
  const changed =
    slot(key, 0, p.activity) +
    slot(key, 1, st.minorCount) +
    slot(key, 2, st.majorCount) +
    slot(key, 3, st.failedMinorCount) +
    slot(key, 4, st.htop) +
    slot(key, 5, st.oldHtop) +
    slot(key, 6, st.mbufSz) +
    slot(key, 7, st.heapSz) +
    slot(key, 8, st.oldSz) +
    slot(key, 9, h.stackSize) +
    slot(key, 10, st.youngMso.length) +
    slot(key, 11, st.oldMso.length);
  return changed > 0;
}

function slot(key: number[], i: number, value: number): number {
  if (key[i] === value) return 0;
  key[i] = value;
  return 1;
}

function snapshotOf(s: Scheduler, opts: NodeSourceOptions, compact: boolean, cache: LivenessCache | undefined): NodeSnapshot {
  const traceOn = opts.liveness ?? true;
  const isSup = opts.isSupervisor ?? ((r: string) => r.endsWith("supervisor"));
  const mem = memory(s, opts.memory);
  const procs = [...s.procs()];
  const lives = new Map<Proc, Liveness>();
  let reductions = s.stats.exitedReductions;
  const out: ProcessSnapshot[] = [];
  for (const p of procs) {
    reductions += p.reductions;
    const h = p.heap;
    const live = !traceOn || h === undefined ? undefined : cache === undefined ? h.liveness() : cache.get(p, h);
    if (live !== undefined) lives.set(p, live);
    out.push(processSnapshot(s, p, h, live, opts, isSup, compact));
  }
  const wall = opts.wallTime === true ? s.wallTime() : undefined;
  const snap: NodeSnapshot = {
    time: s.clock.now,
    memory: mem,
    system_info: { process_count: s.processCount, process_limit: s.processLimit, schedulers: 1, schedulers_online: 1 },
    statistics: {
      garbage_collection: { number_of_gcs: s.stats.gcs, words_reclaimed: s.stats.wordsReclaimed },
      reductions,
      run_queue: s.runQueueLength,
      context_switches: s.stats.slices,
      ...(wall === undefined ? {} : { scheduler_wall_time: [{ id: 1, active_time: wall.active, total_time: wall.total }] }),
    },
    processes: out,
  };
  return s.refc === undefined || opts.binaries === false ? snap : { ...snap, binaries: binaryRows(s, procs, lives, compact) };
}

function processSnapshot(s: Scheduler, p: Proc, h: ProcessHeap | undefined, live: Liveness | undefined, opts: NodeSourceOptions, isSup: (r: string) => boolean, compact: boolean): ProcessSnapshot {
  // The items of `processInfo(s, p)` (info.ts), read the same way, without what a snapshot does
  // not report (message_queue_data; the dictionary unless asked) and with pids printed once.
  // Built as one object, fields in the report's order (`children` and `liveness` last, when
  // present): a snapshot is taken of every process at every sample.
  const hh = s.heapOf(p);
  const st = hh.state;
  const role = roleOf(p);
  const snap: { -readonly [K in keyof ProcessSnapshot]: ProcessSnapshot[K] } = {
    pid: printedPid(p),
    registered_name: p.registeredName,
    initial_call: p.initialCall,
    current_function: p.currentFunction ?? p.initialCall,
    status: p.status,
    message_queue_len: p.mailbox?.length ?? 0,
    memory: processMemory(p),
    heap_size: st.heapSz,
    total_heap_size: hh.totalHeapSize,
    stack_size: hh.stackSize,
    reductions: p.reductions,
    garbage_collection: { minor_gcs: st.genGcs, fullsweep_after: st.maxGenGcs },
    garbage_collection_info: hh.gcInfo(),
  };
  // added in the report's order (insertion order is the JSON's); no spread in the literal, which
  // would copy the object field by field at every sample
  if (compact) snap.binary_summary = binarySummary(s, h);
  else snap.binary = h?.binaries() ?? [];
  snap.links = p.links === undefined ? [] : [...p.links].map(printedPid);
  snap.monitors = (p.monitors?.values() ?? []).map(printedPid);
  snap.monitored_by = (p.monitoredBy?.values() ?? []).map(printedPid);
  snap.trap_exit = p.trapExit;
  snap.priority = p.priority;
  if (opts.dictionary === true) snap.dictionary = processInfo(s, p).dictionary;
  snap.role = role;
  snap.parent = parentOf(p);
  snap.gc_count = { minor: h?.state.minorCount ?? 0, major: h?.state.majorCount ?? 0 };
  snap.messages_in = p.messagesIn;
  snap.messages_out = p.messagesOut;
  if (role !== undefined && isSup(role)) snap.children = childrenOf(p);
  if (live !== undefined) snap.liveness = livenessOf(p, live);
  return snap;
}

/** `process_info(P, binary)` summed as `ProcessHeap.binaries()` lists it, without the list. */
function binarySummary(s: Scheduler, h: ProcessHeap | undefined): { count: number; bytes: number } {
  return h === undefined || s.refc === undefined ? { count: 0, bytes: 0 } : s.refc.processBinarySummary(h.owner);
}

function childrenOf(p: Proc): string[] {
  const out: Proc[] = [];
  for (const c of p.links ?? []) if (c.status !== "exited" && c.parent?.id === p.pid.id && c.parent.serial === p.pid.serial) out.push(c);
  out.sort((a, b) => a.pid.serial - b.pid.serial || a.pid.id - b.pid.id);
  return out.map(printedPid);
}

function livenessOf(p: Proc, l: Liveness): LivenessSnapshot {
  // Queued on_heap messages in fragments: in mbuf_size, not roots of the heap (the scheduler moves
  // them onto the new heap after each GC), so the heap counted them as garbage.
  const queued = Math.min(p.mailbox?.fragmentWords ?? 0, l.heapGarbageWords);
  return {
    heap_live_words: l.heapLiveWords + queued,
    heap_garbage_words: l.heapGarbageWords - queued,
    old_heap_live_words: l.oldHeapLiveWords,
    old_heap_garbage_words: l.oldHeapGarbageWords,
    binary_garbage_bytes: l.binaryGarbageBytes,
  };
}

/** The off-heap data of every ProcBin on the live heaps. */
function procBinDatas(procs: readonly Proc[]): Set<object> {
  const datas = new Set<object>();
  for (const p of procs) {
    const h = p.heap;
    if (h !== undefined) for (const list of [h.state.youngMso, h.state.oldMso]) for (const b of list) datas.add(b.data);
  }
  return datas;
}

function binaryRows(s: Scheduler, procs: readonly Proc[], lives: ReadonlyMap<Proc, Liveness>, compact: boolean): BinaryHolderRow[] {
  const store = s.refc;
  if (store === undefined) return [];
  const reachByOwner = new Map<string, ReadonlyMap<object, string>>();
  for (const p of procs) {
    const l = lives.get(p);
    if (p.heap !== undefined && l !== undefined) reachByOwner.set(p.heap.owner, l.binaries);
  }
  // the binaries the live heaps' ProcBins point at; compacted, only those some holder keeps
  // sub-binaries into can give a row, and the store indexes them (each such holder is a live
  // process with a ProcBin over it in its MSO lists: the store's invariant), so the lists of
  // every heap are not walked
  const datas = compact ? store.binariesWithSubBinaries() : procBinDatas(procs);
  const rows: BinaryHolderRow[] = [];
  for (const data of datas) {
    const bin = store.get(data);
    if (bin === undefined || (compact && !store.everyHolderKeepsSubBinaries(data))) continue;
    const holders: BinaryHolder[] = [];
    for (const hd of store.holdersOf(data)) {
      const reach = reachByOwner.get(hd.owner)?.get(data);
      if (hd.subBinaries.length > 0 && reach === "sub_binary") for (const size of hd.subBinaries) holders.push({ pid: hd.owner, via: "sub_binary", subSize: size });
      else holders.push({ pid: hd.owner, via: "procbin" });
    }
    if (compact && holders.some((h) => h.via !== "sub_binary")) continue;
    rows.push({ binaryId: bin.id, size: bin.size, holders });
  }
  return rows.sort((a, b) => a.binaryId - b.binaryId);
}
