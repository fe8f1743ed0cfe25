/**
 * The runtime: process table, spawning, message delivery, exit signals and the run loop.
 *
 * Owns: every process of one simulated node and the order in which they run.
 *  - **Process table**: pids `<0.N.S>` in spawn order from `firstPid` (default 1; `<0.0.0>` is
 *    "the outside world": signals and messages from the host program come from it), at most
 *    `processLimit` processes alive (`system_limit` beyond, like `+P`).
 *  - **Send** copies the message flat (`copyTerm`, literals shared) into the receiver: on_heap
 *    onto its young heap when `heap_sz − S − htop > words` (erts_try_alloc_message_on_heap: the
 *    receiver is never running when another process sends, and a process holds its own main
 *    lock when it sends to itself), else into a fragment counted in mbuf_size and
 *    total_heap_size; off_heap outside the heap (only `memory`). Each queued message adds the
 *    88-byte container to `memory`. A received message's fragment becomes part of the heap's
 *    fragments (mbuf) until the next GC. When a receive leaves more fragment words than free
 *    heap, a GC is desired: the process keeps at most 5 reductions and is collected (need 0) at
 *    its next scheduling point or after its next send — measured in sched_traces.json.
 *  - **Exit signals** (erl_proc_sig.c): a dying process sends `{'EXIT', Pid, Reason}` signals to
 *    its links (in link order) and then `'DOWN'` messages to its monitors (in creation order):
 *    a trapping receiver gets a message; otherwise `normal` is ignored and anything else kills
 *    it with the same reason; `exit(P, kill)` kills untrappably with reason `killed`.
 *    Cascades are processed iteratively (a worklist), so a chain of 100,000 links cannot
 *    overflow the JS stack.
 *  - **Run loop**: one slice = one resumption of a body's generator with CONTEXT_REDS (4000)
 *    reductions; a body yields at `receive`/`sleep` (blocks) or at a `call()` that found its
 *    reductions used up (preempted, back to the end of its queue). Priorities: see run-queue.ts.
 *  - **Time**: a virtual clock by default (`run()`), advanced only when nothing is runnable, so
 *    the same program and seed give the same trace byte for byte; `start()` drives the same
 *    scheduler from Node's event loop in real time, a few milliseconds of slices at a time with
 *    `setImmediate` in between so I/O is never starved. Opt-in ({@link SchedulerOptions.workClock}):
 *    `run()`'s virtual clock also moves on with the work done — after every slice by its
 *    reductions × a rate — and fires the timers that came due, so a `receive … after T` can time
 *    out while other processes run, as on a busy BEAM; still deterministic.
 *  - **Isolation**: an exception inside a body (or a heap's max_heap_size kill) ends that
 *    process only; nothing a body does propagates out of `run()`.
 * Invariants: a process is runnable ⇔ it is in a run queue (or is the one running); the
 * `current` process is the only one whose body code is executing; every term a process can reach
 * is on its own heap, in its mailbox, or a literal.
 */
import {
  atom,
  binary,
  copyTerm,
  equals,
  flatSize,
  localCreationNumber,
  localNode,
  Pid,
  printTerm,
  ProcessHeap,
  ProcessKilled,
  type ProcessHeapOptions,
  Tuple,
  type GcTraceEntry,
  type Ref,
  type RootSource,
  type Term,
} from "@beamlab/heap";
import type { RefcStore } from "@beamlab/refc";
import { EVENTS, type EventHandle, type TelemetryBus } from "@beamlab/telemetry";
import { Clock } from "./clock.js";
import {
  CONTEXT_REDS,
  DEFAULT_PROCESS_LIMIT,
  DOWN_SIGNAL_UNITS,
  LEAVE_REDS_AFTER_GC_DESIRED,
  ON_HEAP_MESSAGE_MARGIN,
  SIG_HANDLE_REDS_MAX_PREFERED,
  SIG_REDS_CNT_FACTOR,
} from "./constants.js";
import { ProcessContext } from "./context.js";
import { ErlangError, ExitThrow } from "./errors.js";
import { copiedObjects, copiedVheap, copiedWords, copyMessage } from "./copy-message.js";
import { Mailbox, type Entry, type ScanCount } from "./mailbox.js";
import { freshWords } from "./message-words.js";
import type { Pattern } from "./pattern.js";
import { PidAllocator, pidKey, RefAllocator } from "./pids.js";
import { NO_ARGS, NO_OPTS, printedPid, Proc, type Status } from "./process.js";
import { RefTable } from "./ref-table.js";
import { RunQueues } from "./run-queue.js";
import type { Body, Op, SpawnOptions } from "./types.js";

export interface SchedulerOptions {
  /** `+P`: the most processes alive at once (default 262144, the BEAM's default). */
  readonly processLimit?: number;
  /** The first pid number handed out (default 1). */
  readonly firstPid?: number;
  /** Seed of `ctx.random()` (default 1). */
  readonly seed?: number;
  /** Reductions per slice (default CONTEXT_REDS = 4000). */
  readonly contextReds?: number;
  readonly telemetry?: TelemetryBus;
  /** Record an event trace (`trace()` returns its lines) or stream each line to a function. */
  readonly trace?: boolean | ((line: string) => void);
  /** Heap invariant checks (slow; for tests). */
  readonly debugChecks?: boolean;
  /** The shared refc-binary store every process heap references its ProcBins in. */
  readonly refc?: RefcStore;
  /** Receives the gc trace messages of the processes {@link Scheduler.traceGc} switched on. */
  readonly onGcTrace?: (pid: Pid, entry: GcTraceEntry) => void;
  /**
   * leak-lab's `--band`: every process's stack gets `0..words` extra words for its whole life
   * (a bottom frame pushed when its heap is made), drawn deterministically from `seed` and the
   * pid — the model's free choices (frame words, temporaries) moved by a few words, to show how
   * far a figure depends on them.
   */
  readonly stackJitter?: { readonly seed: number; readonly words: number };
  /**
   * Off by default (time stands still while processes run). When set, `run()`'s virtual clock
   * also advances after every slice by the reductions the slice counted × `msPerReduction`, and
   * the timers that came due fire before the next slice is picked (the BEAM's schedulers check
   * their timers between slices), so a `receive … after T` fires mid-run once T ms of work have
   * been done — how a real node behaves when its work takes longer than T of wall time. The
   * rate is a measured property of a workload on a machine (a twin's wall time over its
   * reductions), not of the BEAM: give the one recorded for the workload you model. Virtual
   * bumps (ERTS_VBUMP_*) are not counted, as they are not in `process_info(P, reductions)`.
   * Deterministic: the same program, seed and rate give the same run. `start()` (real time)
   * ignores it.
   */
  readonly workClock?: { readonly msPerReduction: number };
  /**
   * Charge a receive's work on its queue as OTP 25 does (erl_proc_sig_queue.c
   * erts_proc_sig_receive_helper, the JIT's loop_rec_end): 4 reductions each time the scan
   * reaches the end of the inner queue and fetches the outer signal queue (so a receive that
   * finds nothing pays 4 before it waits, and again when it is woken), and 1 per message it
   * scans without a match. Measured in kit_slice_fit.json (a slice that receives `go` fits 4
   * calls fewer, one that skips it 5). Default off: it moves every slice boundary after a
   * receive, and the recorded twins were made exact without it (see the scheduler README).
   */
  readonly receiveFetchReds?: boolean;
}

export interface RunOptions {
  /** Stop when the virtual clock would pass this time (ms). */
  readonly until?: number;
  /** Stop after this many slices. */
  readonly maxSlices?: number;
  /**
   * Stop as soon as nothing is runnable and the only pending timers are `receive … after`
   * timeouts (no `sleep`, no `send_after`): a node whose processes all loop on
   * `receive … after T -> loop() end` never runs out of timers, so `run()` alone would not
   * return. The clock stays where the last event happened (`now`), and `quiet` is set.
   */
  readonly untilOnlyReceiveTimeouts?: boolean;
}

export interface RunResult {
  readonly slices: number;
  readonly now: number;
  /** Nothing is runnable and no timer is pending. */
  readonly idle: boolean;
  /** Stopped by `untilOnlyReceiveTimeouts`: nothing runnable, only receive timeouts pending. */
  readonly quiet?: boolean;
}

/** A deterministic draw in `0..words` from `seed` and a pid number (mulberry32 of both). */
function jitterWords(seed: number, pid: number, words: number): number {
  let t = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(pid, 0x85ebca6b)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) % (words + 1)) | 0;
}

/** Bytes per word in the after-BIF comparison of {@link Scheduler.afterLightBif}. */
const LIGHT_BIF_BYTES_PER_WORD = 8;
/** The constant the JIT adds to the fragment words in that comparison (see {@link Scheduler.afterLightBif}). */
const LIGHT_BIF_OFFSET = 3;

const NO_TERMS: readonly Term[] = [];

export const RECEIVE_OP: Op = { op: "receive" };
/** Reductions a receive pays each time it fetches the outer signal queue (erts_proc_sig_receive_helper: `consumed_reds += 4`). */
const RECEIVE_FETCH_REDS = 4;
export const SLEEP_OP: Op = { op: "sleep" };
export const YIELD_OP: Op = { op: "yield" };

/** Returned by {@link Scheduler.take} when no queued message matches. */
export const NO_MESSAGE: unique symbol = Symbol("no message");

const A = {
  EXIT: atom("EXIT"),
  DOWN: atom("DOWN"),
  process: atom("process"),
  normal: atom("normal"),
  kill: atom("kill"),
  killed: atom("killed"),
  noproc: atom("noproc"),
  js_exception: atom("js_exception"),
  system_limit: atom("system_limit"),
} as const;

/** The process dictionary as a GC root source: its `{Key, Value}` tuples (erl_gc.c roots the
 * dictionary's tuples, so each entry keeps its 3 words alive besides its key and value). */
class DictRoots implements RootSource {
  constructor(private readonly p: Proc) {}
  forEachRoot(visit: (t: Term) => void): void {
    const d = this.p.dict;
    if (d !== undefined) for (const t of d) visit(t);
  }
  pushRoots(out: Term[]): void {
    const d = this.p.dict;
    if (d !== undefined) for (const t of d) out.push(t);
  }
}

/** erl_gc.c ERTS_ABANDON_HEAP_COST: the reductions a delayed collection's abandoned heap costs. */
const ABANDON_HEAP_COST = 10;

export class Scheduler {
  readonly clock = new Clock();
  readonly contextReds: number;
  readonly processLimit: number;
  /** The pid signals and messages from the host program carry. */
  readonly outside: Pid;
  /** `<0.0.0>`-like text of {@link outside}, the sender of the host program's messages in telemetry. */
  private readonly outsideText: string;
  private readonly table = new Map<number, Proc>();
  private readonly names = new Map<string, Proc>();
  private readonly rq = new RunQueues<Proc>();
  private readonly pids: PidAllocator;
  private readonly refs = new RefAllocator();
  private readonly opts: SchedulerOptions;
  /** Reused by {@link take} when receives are charged their scans (SchedulerOptions.receiveFetchReds). */
  private scanCount: ScanCount | undefined;
  private readonly lines: string[] | undefined;
  private readonly traceFn: ((line: string) => void) | undefined;
  /** An event trace is recorded or streamed: trace lines are only built when this is true. */
  private readonly tracing: boolean;
  private current: Proc | undefined;
  private rng: number;
  private exitQueue: [Proc, Term][] = [];
  private drainingExits = false;
  // real-time driver
  private driving = false;
  private driverIdle = true;
  private driverTimer: ReturnType<typeof setTimeout> | undefined;
  private driverT0 = 0;
  /** Processes that exited in total (for statistics). */
  exited = 0;
  /** Node-wide counters for `erlang:statistics/1` (node-source.ts): collections and the words they
   * reclaimed (every heap's GC events, exited processes included), reductions of exited
   * processes, slices run (context switches). */
  readonly stats = { gcs: 0, wordsReclaimed: 0, exitedReductions: 0, slices: 0 };
  private readonly tel: { spawn: EventHandle; exit: EventHandle; send: EventHandle; slice: EventHandle } | undefined;

  /**
   * `erlang:statistics(scheduler_wall_time)` of the simulator's one scheduler, in real ms: how
   * long it has spent running slices (`run()` or the real-time driver) since it was created.
   * Virtual time does not advance while processes compute, so this is the only busy/idle measure.
   */
  wallTime(): { active: number; total: number } {
    return { active: this.wallActiveMs, total: performance.now() - this.wallT0 };
  }

  /** The telemetry bus this node emits on (the `telemetry` option), for layers above (OTP). */
  get telemetry(): TelemetryBus | undefined {
    return this.opts.telemetry;
  }

  constructor(opts: SchedulerOptions = {}) {
    this.opts = opts;
    const rate = opts.workClock?.msPerReduction;
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw new RangeError(`SchedulerOptions.workClock.msPerReduction: expected a positive finite number of ms, got ${String(rate)}`);
    this.contextReds = opts.contextReds ?? CONTEXT_REDS;
    this.processLimit = opts.processLimit ?? DEFAULT_PROCESS_LIMIT;
    this.pids = new PidAllocator(opts.firstPid ?? 1);
    this.outside = new Pid(localNode(), 0, 0, localCreationNumber());
    this.outsideText = printTerm(this.outside);
    this.rng = (opts.seed ?? 1) >>> 0 || 1;
    this.lines = opts.trace === true ? [] : undefined;
    this.traceFn = typeof opts.trace === "function" ? opts.trace : undefined;
    this.tracing = this.lines !== undefined || this.traceFn !== undefined;
    const bus = opts.telemetry;
    this.tel =
      bus === undefined
        ? undefined
        : {
            spawn: bus.event(EVENTS.process.spawn),
            exit: bus.event(EVENTS.process.exit),
            send: bus.event(EVENTS.message.send),
            slice: bus.event(EVENTS.scheduler.slice),
          };
  }

  // ------------------------------------------------------------------ host API

  /** Spawns a process from outside (no parent): returns its pid. */
  spawn(body: Body, args: readonly Term[] = NO_ARGS, opts: SpawnOptions = NO_OPTS): Pid {
    return this.spawnProc(body, args, opts, undefined).pid;
  }

  /** Sends `msg` from outside to a pid or registered name (dropped if there is no such process). */
  send(to: Pid | string, msg: Term): void {
    const p = typeof to === "string" ? this.names.get(to) : this.lookup(to);
    if (p !== undefined) this.deliver(p, msg);
    this.kick();
  }

  /** `exit(Pid, Reason)` from outside (from {@link outside}). */
  exit(pid: Pid, reason: Term): void {
    const p = this.lookup(pid);
    if (p !== undefined) this.signalExit(p, this.outside, reason, false);
    this.kick();
  }

  /** `erlang:suspend_process/1` from outside. */
  suspend(pid: Pid): boolean {
    const p = this.lookup(pid);
    if (p === undefined) return false;
    p.suspendCount++;
    if (p.status === "runnable" || p.status === "waiting") {
      if (p.status === "runnable") this.wakePending.add(p);
      p.status = "suspended";
    }
    if (this.tracing) this.event(`suspend ${printTerm(pid)}`);
    return true;
  }

  /** `erlang:resume_process/1` from outside. */
  resume(pid: Pid): boolean {
    const p = this.lookup(pid);
    if (p === undefined || p.suspendCount === 0) return false;
    p.suspendCount--;
    if (p.suspendCount === 0 && p.status === "suspended") {
      if (this.wakePending.delete(p) || p.wait === "none") {
        p.status = "runnable";
        p.wait = "none";
        this.rq.enqueue(p);
      } else p.status = "waiting";
    }
    if (this.tracing) this.event(`resume ${printTerm(pid)}`);
    this.kick();
    return true;
  }

  /** `erlang:garbage_collect(Pid)` from outside: a major collection (need 0). */
  garbageCollect(pid: Pid, type: "major" | "minor" = "major"): boolean {
    const p = this.lookup(pid);
    if (p === undefined) return false;
    p.activity++;
    this.guard(p, () => {
      this.heapOf(p).garbageCollect({ type });
    });
    return true;
  }

  /**
   * Names a process's role from outside, as a twin's report does for a process it cannot run
   * code in (a supervisor running OTP's or Elixir's own callbacks: twin_report's `roles`). The
   * node source reports it when the process's dictionary names no `'$beamlab_role'`; nothing is
   * allocated, the process does not run. False when the process is not alive.
   */
  tagRole(pid: Pid, role: string): boolean {
    const p = this.lookup(pid);
    if (p === undefined) return false;
    p.roleTag = role;
    return true;
  }

  /**
   * `erlang:trace(Pid, On, [garbage_collection])`: gc trace messages go to `onGcTrace`, and the
   * heap models the tracer's perturbation (the 5 phantom mbuf words of a trace message that did
   * not fit its heap, see the heap package's `tracePhantom`).
   */
  traceGc(pid: Pid, on = true): boolean {
    const p = this.lookup(pid);
    if (p === undefined || this.opts.onGcTrace === undefined) return false;
    if (on) this.gcTraced.add(p);
    else this.gcTraced.delete(p);
    this.heapOf(p).tracePhantom = on;
    return true;
  }

  private readonly gcTraced = new Set<Proc>();
  /** The reductions the last slice counted (process_info's, virtual bumps excluded): the work clock's step. */
  private sliceReductions = 0;

  /**
   * Runs in virtual time until nothing is runnable and no timer is pending; `until` stops at a
   * virtual time, `maxSlices` after a number of slices, `untilOnlyReceiveTimeouts` when only
   * `receive … after` loops remain (see {@link RunOptions}).
   */
  run(opts: RunOptions = {}): RunResult {
    const started = performance.now();
    try {
      return this.runVirtual(opts);
    } finally {
      this.wallActiveMs += performance.now() - started;
    }
  }

  private runVirtual(opts: RunOptions): RunResult {
    let slices = 0;
    const max = opts.maxSlices ?? Infinity;
    const work = this.opts.workClock?.msPerReduction;
    this.clock.fireDue();
    for (;;) {
      if (slices >= max) return { slices, now: this.clock.now, idle: false };
      if (!this.advanceWorkClock(opts.until)) return { slices, now: this.clock.now, idle: false };
      if (this.runSlice()) {
        slices++;
        if (work !== undefined) this.workOwedMs += this.sliceReductions * work;
        continue;
      }
      const at = this.clock.nextAt();
      if (at === undefined) return { slices, now: this.clock.now, idle: true };
      if (opts.untilOnlyReceiveTimeouts === true && this.clock.waitingTimers === 0) return { slices, now: this.clock.now, idle: false, quiet: true };
      if (opts.until !== undefined && at > opts.until) {
        if (opts.until > this.clock.now) this.clock.now = opts.until;
        return { slices, now: this.clock.now, idle: false };
      }
      if (at > this.clock.now) this.clock.now = at;
      this.clock.fireDue();
    }
  }

  /** Virtual ms of work done that the clock has not moved by yet (SchedulerOptions.workClock). */
  private workOwedMs = 0;

  /**
   * Moves the clock by the work done since it last moved (workClock), firing the timers due by
   * then; false when that would pass `until`: the clock stops there and the rest stays owed, so
   * the next `run()` fires the same timers before the next slice as an unchunked run would.
   */
  private advanceWorkClock(until: number | undefined): boolean {
    if (this.workOwedMs <= 0) return true;
    const to = this.clock.now + this.workOwedMs;
    if (until !== undefined && to > until) {
      if (until > this.clock.now) {
        this.workOwedMs = to - until;
        this.clock.now = until;
        this.clock.fireDue();
      }
      return false;
    }
    this.workOwedMs = 0;
    this.clock.now = to;
    this.clock.fireDue();
    return true;
  }

  /**
   * Real-time driver: runs slices from Node's event loop, at most `budgetMs` of them at a time,
   * then yields to I/O with `setImmediate`; sleeps with `setTimeout` until the next timer when
   * nothing is runnable. Messages and spawns from the host wake it.
   */
  start(opts: { readonly budgetMs?: number } = {}): void {
    if (this.driving) return;
    this.driving = true;
    this.driverBudget = opts.budgetMs ?? 5;
    this.driverT0 = performance.now() - this.clock.now;
    this.driverIdle = true;
    this.kick();
  }

  stop(): void {
    this.driving = false;
    if (this.driverTimer !== undefined) clearTimeout(this.driverTimer);
    this.driverTimer = undefined;
  }

  /** Every live pid, in spawn order (`erlang:processes()`). */
  processes(): Pid[] {
    const out: Pid[] = [];
    for (const p of this.table.values()) out.push(p.pid);
    return out;
  }

  get processCount(): number {
    return this.table.size;
  }

  /** Processes ready to run (`statistics(run_queue)`). */
  get runQueueLength(): number {
    return this.rq.size;
  }

  isAlive(pid: Pid): boolean {
    return this.lookup(pid) !== undefined;
  }

  whereis(name: string): Pid | undefined {
    return this.names.get(name)?.pid;
  }

  /** The event trace recorded so far (with `trace: true`). */
  trace(): readonly string[] {
    return this.lines ?? [];
  }

  /** The PCB of a live process (read-only use: info.ts, tests). */
  lookup(pid: Pid): Proc | undefined {
    const p = this.table.get(pidKey(pid));
    // pids compare by value (a copied pid is a different object with the same numbers)
    return p?.pid.id === pid.id && p.pid.serial === pid.serial ? p : undefined;
  }

  /** Every live PCB (info.ts). */
  procs(): IterableIterator<Proc> {
    return this.table.values();
  }

  /** The process's heap, created on first use. */
  heapOf(p: Proc): ProcessHeap {
    return p.heap ?? this.createHeap(p);
  }

  /**
   * Makes a process's heap on its first use. Kept out of {@link heapOf}, which every `ctx.heap`
   * runs: V8 inlines heapOf at each of those sites, and with the creation in it every kit block
   * compiled that code too (the optimizing compiler's backlog is most of a cold run's excess).
   */
  private createHeap(p: Proc): ProcessHeap {
    const o = p.opts;
    const so = this.opts;
    // the options built field by field (no object spreads: a heap is made for every process)
    const ho: { -readonly [K in keyof ProcessHeapOptions]: ProcessHeapOptions[K] } = {
      owner: printedPid(p),
      spawnArgs: p.args,
    };
    // the event trace prints each collection; otherwise only its cost and reclaimed words are
    // needed, and the heap builds no event object for them
    if (this.tracing) ho.onGc = (e) => {
      this.afterGc(p, e.reductions, e.reclaimed);
      this.event(`gc ${printTerm(p.pid)} ${e.kind} ${e.wordsBefore}->${e.wordsAfter} heap ${e.after.heap_block_size}`);
    };
    else ho.onGcCost = (reductions, reclaimed) => {
      this.afterGc(p, reductions, reclaimed);
    };
    if (o.minHeapSize !== undefined) ho.minHeapSize = o.minHeapSize;
    if (o.minBinVheapSize !== undefined) ho.minBinVheapSize = o.minBinVheapSize;
    if (o.fullsweepAfter !== undefined) ho.fullsweepAfter = o.fullsweepAfter;
    if (o.maxHeapSize !== undefined) ho.maxHeapSize = o.maxHeapSize;
    if (so.telemetry !== undefined) ho.telemetry = so.telemetry;
    if (so.debugChecks === true) ho.debugChecks = true;
    if (so.refc !== undefined) ho.refc = so.refc;
    if (so.onGcTrace !== undefined) {
      ho.onTrace = (t: GcTraceEntry) => {
        if (this.gcTraced.has(p)) this.opts.onGcTrace?.(p.pid, t);
      };
    }
    const h = new ProcessHeap(ho);
    p.heap = h;
    const jitter = this.opts.stackJitter;
    if (jitter !== undefined && jitter.words > 0) {
      const words = jitterWords(jitter.seed, p.pid.id, jitter.words);
      if (words > 0) h.pushFrame(words);
    }
    if (p.mailbox !== undefined) {
      h.addRootSource(p.mailbox);
      h.setQueuedFragments(p.mailbox);
    }
    if (p.dict !== undefined) h.addRootSource(new DictRoots(p));
    return h;
  }

  mailboxOf(p: Proc): Mailbox {
    if (p.mailbox !== undefined) return p.mailbox;
    const mb = new Mailbox();
    p.mailbox = mb;
    p.heap?.addRootSource(mb);
    p.heap?.setQueuedFragments(mb);
    return mb;
  }

  /** The dictionary, created on first use (and registered as a GC root source). */
  dictOf(p: Proc): Tuple[] {
    if (p.dict !== undefined) return p.dict;
    p.dict = [];
    p.heap?.addRootSource(new DictRoots(p));
    return p.dict;
  }

  /** The refc store, when one was given. */
  get refc(): RefcStore | undefined {
    return this.opts.refc;
  }

  makeRef(): Ref {
    return this.refs.make();
  }

  /** Deterministic pseudo-random float in [0, 1) (mulberry32 of the seed). */
  random(): number {
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  // ------------------------------------------------------------------ spawning

  /** spawn/spawn_link/spawn_monitor/spawn_opt; `parent` links/monitors when asked. */
  spawnProc(body: Body, args: readonly Term[], opts: SpawnOptions, parent: Proc | undefined): Proc {
    if (this.table.size >= this.processLimit) throw new ErlangError(A.system_limit);
    const pid = this.pids.allocate();
    const p = new Proc(pid, body, args.length === 0 ? NO_ARGS : args, opts);
    if (parent !== undefined) p.parent = parent.pid;
    this.table.set(pidKey(pid), p);
    if (args.length > 0) this.heapOf(p); // erl_create_process copies the arguments now
    if (parent !== undefined) {
      if (opts.link === true) this.link(parent, p);
      if (opts.monitor === true) this.monitor(parent, p);
    }
    if (this.tracing) this.event(`spawn ${printTerm(pid)} ${p.initialCall}${parent ? ` by ${printTerm(parent.pid)}` : ""}`);
    if (this.tel?.spawn.enabled === true) this.tel.spawn.emit({ processes: this.table.size }, { pid: printedPid(p), parent: parent === undefined ? undefined : printedPid(parent), initial_call: p.initialCall });
    this.rq.enqueue(p);
    this.kick();
    return p;
  }

  // ------------------------------------------------------------------ messages

  /**
   * Puts `msg` (a copy) in `to`'s queue: on its heap when it fits, else in a fragment; `from` is
   * the sender for the `message.send` event (default: the outside world). A `signal` message
   * (the 'EXIT' of a trapped exit signal, a 'DOWN' whose reason has data) stays in the heap
   * fragment the signal carried, as erl_proc_sig.c converts it in place, outside mbuf_size until
   * a receive takes it (see received()); a "down" one (a 'DOWN' for an immediate reason) has no
   * data until it is handled (handleDownSignals).
   */
  deliver(to: Proc, msg: Term, from?: Proc, signal: boolean | "down" = false): void {
    if (to.status === "exited" || to.status === "exiting") return;
    const mb = this.mailboxOf(to);
    let copied = copyMessage(msg);
    let words = copiedWords;
    // the fast copy listed its objects and their vheap words: the heap places them without a walk
    const listed = copied !== undefined;
    const objects = copiedObjects;
    const vheap = copiedVheap;
    if (copied === undefined) {
      copied = copyTerm(msg);
      words = freshWords(copied);
    }
    let e: Entry;
    if (to.opts.messageQueueData === "off_heap") e = { msg: copied, words, where: "off_heap" };
    else if (words === 0) e = { msg: copied, words, where: "heap" };
    else if (signal === "down") e = { msg: copied, words, where: "down" };
    else {
      const h = this.heapOf(to);
      const st = h.state;
      if (!signal && st.heapSz - h.stackSize - st.htop - ON_HEAP_MESSAGE_MARGIN > words) {
        if (listed) h.deliverCopied(objects, words, vheap);
        else h.deliverMessage(copied);
        e = { msg: copied, words, where: "heap" };
      } else if (signal) e = { msg: copied, words, where: "signal" };
      else {
        st.mbufSz += words;
        e = { msg: copied, words, where: "fragment" };
      }
    }
    mb.push(e);
    to.messagesIn++;
    to.activity++;
    if (this.tel?.send.enabled === true) this.tel.send.emit({ words }, { from: from === undefined ? this.outsideText : printedPid(from), to: printedPid(to) });
    if (this.tracing) this.event(`deliver ${printTerm(to.pid)} ${e.where} ${words}w ${printTerm(copied)}`);
    if (to.wait === "receive" && to.pattern !== undefined && this.wakes(to.pattern, copied)) {
      if (e.where === "down") to.wokenBySignal = true;
      this.wake(to);
    }
  }

  /**
   * erts_schedule's signal handling as `p` is scheduled in (or, `limited` false, a receive's):
   * its pending 'DOWN' signals become messages, oldest first — each built on its heap when it
   * fits (the on_heap message rule), else in a heap fragment. Scheduled in with Erlang work to
   * do it stops once SIG_HANDLE_REDS_MAX_PREFERED reductions' worth of units are used, and those
   * reductions come off its new slice; the rest wait for its next schedule-in or receive.
   */
  private handleDownSignals(p: Proc, limited: boolean): void {
    const mb = p.mailbox;
    if (mb === undefined || mb.pendingDowns === 0) return;
    const h = this.heapOf(p);
    const units = mb.handleDowns(limited ? SIG_HANDLE_REDS_MAX_PREFERED * SIG_REDS_CNT_FACTOR : Infinity, DOWN_SIGNAL_UNITS, (e) => {
      const st = h.state;
      if (st.heapSz - h.stackSize - st.htop - ON_HEAP_MESSAGE_MARGIN > e.words) {
        h.deliverMessage(e.msg);
        return "heap";
      }
      st.mbufSz += e.words;
      return "fragment";
    });
    if (limited) p.fcalls -= Math.floor(units / SIG_REDS_CNT_FACTOR);
  }

  /** Whether a new message wakes a receiver: a pattern that throws wakes it too, so that the
   * exception surfaces in the receiver's own scan (and ends the receiver, not the sender). */
  private wakes(pattern: Pattern, msg: Term): boolean {
    try {
      return pattern(msg);
    } catch {
      return true;
    }
  }

  /**
   * The receive step of `ctx.receive`: takes the first message from the save pointer on that
   * `pattern` accepts, moving its data into the heap's fragments when it was outside the heap,
   * and applies the GC-desired rule. Returns NO_MESSAGE when none matches. `beforeRemove`
   * (ReceiveOptions.beforeRemove) runs while the matching message is still queued, with the
   * heap's collections delayed (F_DELAY_GC, set by loop_rec and cleared by remove_message).
   */
  take(p: Proc, pattern: Pattern, charged = false, beforeRemove?: () => void): Term | typeof NO_MESSAGE {
    const mb = p.mailbox;
    if (mb === undefined || mb.length === 0) return NO_MESSAGE;
    const clause =
      beforeRemove === undefined
        ? undefined
        : () => {
            this.delayingGc(p, beforeRemove);
          };
    let e = this.scan(p, mb, pattern, charged, clause);
    if (e === undefined && mb.pendingDowns > 0) {
      // no match among the messages it has: the receive handles its pending signals, in order
      // (down_signals.json: a process scheduled in with 46 'DOWN's and the message it waits
      // for converts 45 and takes the message; the 46th stays a signal)
      this.handleDownSignals(p, false);
      mb.resetScan();
      e = this.scan(p, mb, pattern, charged, clause);
    }
    if (e === undefined) return NO_MESSAGE;
    this.received(p, e);
    if (p.timer !== undefined) {
      this.clock.cancel(p.timer);
      p.timer = undefined;
    }
    return e.msg;
  }

  /** Runs `f` with `p`'s collections delayed (F_DELAY_GC: beam_emu's loop_rec sets it, "We need
   * to disable GC while matching messages in the queue", remove_message clears it). */
  private delayingGc(p: Proc, f: () => void): void {
    const h = this.heapOf(p);
    const abandonedBefore = h.abandonedHeaps;
    h.delayGc = true;
    try {
      f();
    } finally {
      h.delayGc = false;
    }
    if (h.abandonedHeaps !== abandonedBefore) {
      // delay_garbage_collection returns the reductions left and the JIT's garbage_collect
      // takes them all (FCALLS -= reds): the process switches out at its next call or return,
      // and the forced collection runs as it is scheduled in. All but ERTS_ABANDON_HEAP_COST
      // of them are virtual (not in its `reductions`).
      if (p.fcalls > ABANDON_HEAP_COST) p.reductions -= p.fcalls - ABANDON_HEAP_COST;
      if (p.fcalls > 0) p.fcalls = 0;
    }
  }

  /** One scan from the save pointer: of the whole queue, or (`charged`, SchedulerOptions.receiveFetchReds)
   * of the inner queue only, each message skipped a loop_rec_end (a reduction). */
  private scan(p: Proc, mb: Mailbox, pattern: Pattern, charged: boolean, beforeRemove?: () => void): Entry | undefined {
    if (!charged) return mb.take(pattern, beforeRemove);
    const count = (this.scanCount ??= { skipped: 0 });
    count.skipped = 0;
    const e = mb.takeInner(pattern, count, beforeRemove);
    p.fcalls -= count.skipped;
    return e;
  }

  /**
   * A receive at the end of `p`'s inner queue fetches the outer one (erts_proc_sig_receive_helper,
   * `consumed_reds += 4`): charges {@link RECEIVE_FETCH_REDS}; false when nothing new was there.
   * Only with SchedulerOptions.receiveFetchReds (ProcessContext.receive).
   */
  fetchOuter(p: Proc): boolean {
    p.fcalls -= RECEIVE_FETCH_REDS;
    return p.mailbox?.fetchOuter() ?? false;
  }

  /** SchedulerOptions.receiveFetchReds. */
  get chargesReceiveScans(): boolean {
    return this.opts.receiveFetchReds === true;
  }

  /**
   * A message taken out of the queue: its data outside the heap becomes a heap fragment, and
   * the GC-desired rule applies. A trapped 'EXIT' ("signal" entry) joins mbuf_size here, at the
   * receive that takes it, and not before: erts makes the exit signal's message a combined heap
   * fragment (send_gen_exit_signal), which a collection neither counts nor moves onto the heap
   * while it is queued (erl_proc_sig_queue.c move_msg_to_heap leaves combined messages), and which
   * erts_save_message_in_proc adds to the process's fragments when a receive removes it.
   * Measured (exit_signal_fetch.json): an 'EXIT' queued behind a taken message, or skipped by a
   * selective receive, or a second 'EXIT' behind a taken one, is in no collection's mbuf_size and
   * on no collection's heap until its own receive; agent_vs_task_gc.json's supervisor (154 GC
   * events) is exact with it — its 7th collection had one 'EXIT' too many when every queued 'EXIT'
   * joined at the first receive after it arrived.
   */
  private received(p: Proc, e: Entry): void {
    p.messagesOut++;
    if (e.where !== "heap") {
      const h = this.heapOf(p);
      if (e.where === "fragment") h.state.mbufSz -= e.words;
      h.allocFragment(e.msg, { check: false });
    }
    if (this.gcDesired(p)) {
      p.gcDesired = true;
      // ERTS_VBUMP_LEAVE_REDS: a virtual bump — the slice ends sooner, but the reductions it
      // skips are not counted in the process's `reductions` (erl_proc_sig_queue.h: P->reds -=)
      if (p.fcalls > LEAVE_REDS_AFTER_GC_DESIRED) {
        p.reductions -= p.fcalls - LEAVE_REDS_AFTER_GC_DESIRED;
        p.fcalls = LEAVE_REDS_AFTER_GC_DESIRED;
      }
    }
  }

  /** ERTS_IS_GC_DESIRED with the process's real fragments (queued on_heap fragments excluded);
   * a forced GC (F_FORCE_GC: a delayed collection) is desired too. */
  gcDesired(p: Proc): boolean {
    const h = p.heap;
    if (h === undefined) return false;
    const st = h.state;
    const mbuf = st.mbufSz - (p.mailbox?.fragmentWords ?? 0);
    return st.heapSz - h.stackSize - st.htop < mbuf || h.safePointDueBesidesFragments;
  }

  /** Collects now if a GC is desired (a safe point: after a send or a BIF, when switched out);
   * `live`: terms in registers at that point (a BIF's result). */
  safePoint(p: Proc, live: readonly Term[] = NO_TERMS): void {
    if (p.heap === undefined || p.status === "exited" || p.gcDisabled) return;
    if (p.gcDesired || this.gcDesired(p)) {
      p.gcDesired = false;
      if (this.gcDesired(p)) p.heap.safePoint(live);
    }
  }

  /**
   * The check OTP 25's `call_light_bif` runs when a BIF returns (send included: the JIT's `send`
   * goes through the same code): a collection when the binary virtual heap is over its block or
   * a GC was forced, or when `E < HTOP + mbuf_sz + 3` — the x86-64 JIT's
   * `lea ARG1, [HTOP + mbuf_sz*1 + 3]; cmp E, ARG1; jl gc_after_bif_call`
   * (beam_jit_common / instr_bif.cpp, emit_call_light_bif_shared): the free heap in BYTES against
   * the fragments' WORDS plus 3, so fragments pile up to about eight times the free words.
   * Measured on erts 13.1.5 (kit_blocks.json): with 6, 7, 8, 9, 13 and 215 free words the BEAM
   * collects at 49, 54, 63, 70, 104 and 1,720 fragment words and not one result earlier —
   * every collection of the integer_to_list, integer_to_binary, binary_to_list, list_to_binary,
   * term_to_binary, binary:copy/1,2 and binary:part loops; `mbuf ≥ 8 × free` missed the +3.
   */
  afterLightBif(p: Proc, live: readonly Term[] = NO_TERMS): void {
    const h = p.heap;
    if (h === undefined || p.status === "exited" || p.gcDisabled) return;
    const st = h.state;
    const mbuf = st.mbufSz - (p.mailbox?.fragmentWords ?? 0);
    const free = st.heapSz - h.stackSize - st.htop;
    if (h.safePointDueBesidesFragments || p.gcDesired || (mbuf > 0 && LIGHT_BIF_BYTES_PER_WORD * free < mbuf + LIGHT_BIF_OFFSET)) {
      p.gcDesired = false;
      if (this.gcDesired(p)) h.safePoint(live);
    }
  }

  /** After each collection (queued on_heap fragments were copied onto the new heap inside it,
   * see ProcessHeap.setQueuedFragments). */
  private afterGc(p: Proc, reductions: number, reclaimed: number): void {
    if (this.current === p) p.fcalls -= reductions;
    this.stats.gcs++;
    this.stats.wordsReclaimed += reclaimed;
  }

  /**
   * A signal for a waiting process that needs no message — a link, an unlink, a monitor, a
   * demonitor, an exit signal it drops (reason `normal`, not trapping exits): it joins the run
   * queue to handle the signal; when it is picked it runs a collection it deferred
   * ({@link collectOnScheduleIn}) and keeps waiting. Only when a collection is due (nothing
   * else would change). `infoWaits`: a process_info request from another process is handled
   * after it (the target collects first) — so for all of them but a monitor. Measured
   * (pi_collect.json, a process waiting with a heap fragment that does not fit): each of these
   * signals, then a yield of the sender, and the target has collected; followed at once by
   * process_info(P, status) instead, it has collected for a link, an unlink, a demonitor and a
   * dropped exit signal, not for a monitor (the BEAM answers at once when the target has no
   * signal queued: a local monitor reaches the target without one, and still schedules it);
   * is_process_alive/1 and register/2 schedule nothing.
   */
  private queueSignal(p: Proc, infoWaits: boolean): void {
    if (p.status !== "waiting" || p.heap === undefined) return;
    if (p.signalQueued) {
      if (infoWaits) p.signalInfoWaits = true;
      return;
    }
    if (!p.heap.safePointDueBesidesFragments && !this.gcDesired(p)) return;
    p.signalQueued = true;
    p.signalInfoWaits = infoWaits;
    this.rq.enqueue(p);
  }

  /** Handles the signals of a waiting process picked from the run queue for them (see queueSignal). */
  handleQueuedSignals(p: Proc): void {
    if (!p.signalQueued) return;
    p.signalQueued = false;
    p.signalInfoWaits = false;
    p.activity++;
    if (p.status === "waiting") this.collectOnScheduleIn(p);
  }

  /** Makes a blocked process runnable (or remembers the wake-up while it is suspended). */
  wake(p: Proc): void {
    if (p.status === "suspended") {
      this.wakePending.add(p);
      return;
    }
    if (p.status !== "waiting") return;
    p.status = "runnable";
    p.wait = "none";
    p.pattern = undefined;
    this.rq.enqueue(p);
  }

  private readonly wakePending = new Set<Proc>();

  // ------------------------------------------------------------------ links, monitors, exits

  /** `a` links to `b` (link/1, spawn_link): `b` handles the link signal (see queueSignal). */
  link(a: Proc, b: Proc): void {
    if (a === b) return;
    (a.links ??= new Set()).add(b);
    (b.links ??= new Set()).add(a);
    if (this.tracing) this.event(`link ${printTerm(a.pid)} ${printTerm(b.pid)}`);
    this.queueSignal(b, true);
  }

  /** `a` unlinks `b`: `b` handles the unlink signal (see queueSignal). */
  unlink(a: Proc, b: Proc): void {
    a.links?.delete(b);
    b.links?.delete(a);
    this.queueSignal(b, true);
  }

  /** `origin` monitors `target`, which is scheduled to take the monitor (see queueSignal). */
  monitor(origin: Proc, target: Proc, alias = false): Ref {
    const ref = this.refs.make(alias ? "pid" : "ordinary");
    (origin.monitors ??= new RefTable()).set(ref, target);
    (target.monitoredBy ??= new RefTable()).set(ref, origin);
    if (this.tracing) this.event(`monitor ${printTerm(origin.pid)} ${printTerm(target.pid)}`);
    this.queueSignal(target, false);
    return ref;
  }

  /** A monitor on a process that does not exist: its 'DOWN' (noproc) arrives as a signal the
   * origin handles at its next receive (measured: after a link's immediate noproc 'EXIT'). */
  monitorDead(origin: Proc, target: Pid, alias = false): Ref {
    const ref = this.refs.make(alias ? "pid" : "ordinary");
    const pending = (origin.pendingDown ??= []);
    pending.push(ref);
    (origin.pendingSignals ??= []).push(() => {
      const i = pending.indexOf(ref);
      if (i < 0) return; // demonitored before the signal was handled: no 'DOWN'
      pending.splice(i, 1);
      this.deliver(origin, new Tuple([A.DOWN, ref, A.process, target, A.noproc]));
    });
    return ref;
  }

  /**
   * `erlang:demonitor(Ref, [flush?])`. As on the BEAM (measured, OTP 25): no 'DOWN' for `ref`
   * arrives after it returns — a noproc 'DOWN' still in transit is dropped — while one already
   * in the queue stays there unless `flush`.
   */
  demonitor(origin: Proc, ref: Ref, flush: boolean): boolean {
    const pending = origin.pendingDown;
    if (pending !== undefined) {
      const i = pending.findIndex((r) => equals(r, ref));
      if (i >= 0) pending.splice(i, 1);
    }
    const target = origin.monitors?.get(ref);
    if (target !== undefined) {
      origin.monitors?.delete(ref);
      target.monitoredBy?.delete(ref);
      // the demonitor signal schedules a waiting target in to handle it: a collection it
      // deferred when it went to wait runs then (pi_collect.json: a process waiting with a heap
      // fragment that does not fit collects once the monitoring process demonitors it and asks
      // for its status — not for the status request alone; otp_memory's Agents supervisor,
      // collected while the recorder's next call waits)
      this.queueSignal(target, true);
    }
    const mb = origin.mailbox;
    if (flush && mb !== undefined && mb.length > 0) {
      // erlang:flush_monitor_messages/3 receives the 'DOWN' (`receive {_, Ref, _, _, _} -> ok
      // after 0 -> ok end`): its data moves into the heap's fragments like any received message
      const gone = mb.removeAll((m) => m instanceof Tuple && m.elements[0] === A.DOWN && m.elements.length === 5 && equals(m.elements[1] as Term, ref));
      for (const e of gone) this.received(origin, e);
    }
    return target !== undefined;
  }

  /**
   * An exit signal from `from` to `target` (exit/2 when `viaLink` is false, a dying linked
   * process when true).
   */
  signalExit(target: Proc, from: Pid, reason: Term, viaLink: boolean): void {
    if (target.status === "exited") return;
    if (!viaLink && reason === A.kill) this.scheduleExit(target, A.killed);
    else if (target.trapExit) this.deliver(target, new Tuple([A.EXIT, from, reason]), undefined, true);
    else if (reason !== A.normal) this.scheduleExit(target, reason);
    else if (!viaLink && from === target.pid) this.scheduleExit(target, A.normal);
    else this.queueSignal(target, true); // dropped, once the target handles it
  }

  /** Ends `p` with `reason` (now, or when its running body next yields if it is running). */
  scheduleExit(p: Proc, reason: Term): void {
    if (p.status === "exited" || p.status === "exiting") return;
    if (p === this.current) {
      p.exitReason ??= reason;
      return;
    }
    this.exitQueue.push([p, reason]);
    if (this.drainingExits) return;
    this.drainingExits = true;
    try {
      // the queue grows while it is drained (cascades); an array iterator sees the new items
      for (const [q, r] of this.exitQueue) this.terminate(q, r);
    } finally {
      this.exitQueue = [];
      this.drainingExits = false;
    }
  }

  /** Process exit: signals to links then monitors, heap and mailbox released, pid freed. */
  private terminate(p: Proc, reason: Term): void {
    if (p.status === "exited") return;
    p.status = "exited";
    p.exitReason = reason;
    p.wait = "none";
    if (p.timer !== undefined) this.clock.cancel(p.timer);
    p.timer = undefined;
    this.table.delete(pidKey(p.pid));
    this.wakePending.delete(p);
    this.gcTraced.delete(p);
    if (p.registeredName !== undefined) this.names.delete(p.registeredName);
    this.exited++;
    this.stats.exitedReductions += p.reductions;
    if (this.tel?.exit.enabled === true) this.tel.exit.emit({ reductions: p.reductions, processes: this.table.size }, { pid: printedPid(p), reason: printTerm(reason) });
    if (this.tracing) this.event(`exit ${printTerm(p.pid)} ${printTerm(reason)}`);
    const links = p.links;
    p.links = undefined;
    if (links !== undefined) {
      for (const l of links) {
        l.links?.delete(p);
        this.signalExit(l, p.pid, reason, true);
      }
    }
    const held = p.monitors;
    p.monitors = undefined;
    if (held !== undefined) for (const [ref, t] of held.entries()) t.monitoredBy?.delete(ref);
    const by = p.monitoredBy;
    p.monitoredBy = undefined;
    if (by !== undefined) {
      for (const [ref, o] of by.entries()) {
        o.monitors?.delete(ref);
        // an immediate reason (no heap words) travels in the monitor itself: the receiver builds the 'DOWN'
        this.deliver(o, new Tuple([A.DOWN, ref, A.process, p.pid, reason]), undefined, flatSize(reason) === 0 ? "down" : false);
      }
    }
    // Release: the heap, and through its exit hook (when the heap has one) its ProcBins and
    // sub-binaries in the refc store.
    const h = p.heap as (ProcessHeap & { exit?: (reason?: string) => void }) | undefined;
    if (h !== undefined && typeof h.exit === "function") h.exit(printTerm(reason));
    p.heap = undefined;
    p.mailbox = undefined;
    p.dict = undefined;
    p.gen = undefined;
    this.kick();
  }

  // ------------------------------------------------------------------ names

  register(name: string, p: Proc): void {
    if (this.names.has(name) || p.registeredName !== undefined || name === "undefined") throw new ErlangError(atom("badarg"));
    this.names.set(name, p);
    p.registeredName = name;
  }

  unregister(name: string): void {
    const p = this.names.get(name);
    if (p === undefined) throw new ErlangError(atom("badarg"));
    this.names.delete(name);
    p.registeredName = undefined;
  }

  nameLookup(name: string): Proc | undefined {
    return this.names.get(name);
  }

  // ------------------------------------------------------------------ the run loop

  /** The running process, if a body is executing. */
  get running(): Proc | undefined {
    return this.current;
  }

  /** Runs one slice of the next runnable process; false when none is runnable. */
  runSlice(): boolean {
    let p: Proc | undefined;
    for (;;) {
      p = this.rq.next();
      if (p === undefined) return false;
      if (p.status === "runnable") break;
      if (p.status === "suspended") this.wakePending.add(p);
      if (p.status === "waiting") this.handleQueuedSignals(p);
    }
    this.current = p;
    p.activity++;
    p.status = "running";
    p.signalQueued = false; // handled with the message it was woken for
    p.signalInfoWaits = false;
    const counted = p.reductions;
    const start = this.contextReds;
    p.fcalls = start;
    p.fcallsAtReceive = Number.NaN;
    let op: Op | undefined;
    let exit: Term | undefined;
    try {
      this.handleDownSignals(p, !p.wokenBySignal);
      p.wokenBySignal = false;
      this.collectOnScheduleIn(p);
      let gen = p.gen;
      if (gen === undefined) {
        gen = p.body(this.contextOf(p), ...(p.heap?.args ?? p.args));
        p.gen = gen;
      }
      const r = gen.next();
      if (r.done === true) exit = A.normal;
      else op = r.value;
    } catch (err) {
      exit = this.reasonOf(err);
    }
    p.reductions += start - p.fcalls;
    this.sliceReductions = p.reductions - counted;
    this.current = undefined;
    this.stats.slices++;
    if (this.tel?.slice.enabled === true) this.tel.slice.emit({ reductions: start - p.fcalls, duration: 0 }, { pid: printedPid(p), scheduler: 1 });
    if (p.exitReason !== undefined && exit === undefined) exit = p.exitReason;
    if (exit !== undefined) {
      this.scheduleExit(p, exit);
      return true;
    }
    try {
      // a process that goes to wait in a receive with heap fragments that do not fit (and no
      // collection flagged by a receive, see received()) is collected when it is next scheduled
      // in — for a message, or a signal such as another process's process_info; measured:
      // dynsup_memory's supervisor, a HAMT put left in a heap fragment was collected at its next
      // schedule-in (with the next call's fragment: mbuf 30 + 33), not as it went to wait
      if (!(op === RECEIVE_OP && !p.gcDesired)) this.safePoint(p);
    } catch (err) {
      this.scheduleExit(p, this.reasonOf(err)); // a heap kill ends p, not the run loop
    }
    if ((p.status as Status) === "exited") return true;
    if (op !== YIELD_OP && op !== RECEIVE_OP && op !== SLEEP_OP) {
      // a body yielded something that is not one of the context's operations
      this.scheduleExit(p, new Tuple([atom("bad_yield"), binary(typeof op)]));
      return true;
    }
    const preempted = op === YIELD_OP;
    if (p.suspendCount > 0) {
      if (preempted) this.wakePending.add(p);
      p.status = "suspended";
    } else if (preempted) {
      p.status = "runnable";
      this.rq.enqueue(p);
    } else p.status = "waiting";
    return true;
  }

  /**
   * erts_schedule, when it picks a process: a GC forced earlier, a binary virtual heap over its
   * block (messages delivered onto the heap while it waited add their ProcBins) or a collection
   * desired when it went to wait is collected before the process runs, with need 0, its
   * reductions taken from the new slice. Also run for a waiting process that handles a signal
   * (`process_info` from another process: {@link ProcessContext.processInfo}). Measured
   * (router_gc.json, and a running+gc trace of the same router): the router's collections come
   * right after it is scheduled in, with the messages queued since its last slice live.
   */
  collectOnScheduleIn(p: Proc): void {
    const h = p.heap;
    if (h === undefined || p.gcDisabled) return;
    if (!h.safePointDueBesidesFragments && !this.gcDesired(p)) return;
    p.gcDesired = false;
    h.safePoint();
  }

  /** Runs `f` for `p` outside its body (an external GC): a heap kill ends `p`, not the caller. */
  private guard(p: Proc, f: () => void): void {
    try {
      f();
    } catch (err) {
      this.scheduleExit(p, this.reasonOf(err));
    }
  }

  contextOf(p: Proc): ProcessContext {
    return (p.ctx ??= new ProcessContext(this, p));
  }

  /** The exit reason a thrown value stands for. */
  reasonOf(err: unknown): Term {
    if (err instanceof ExitThrow) return err.reason;
    if (err instanceof ErlangError) return err.reason;
    if (err instanceof ProcessKilled) return atom(err.reason);
    if (err instanceof Error) {
      return new Tuple([new Tuple([A.js_exception, binary(err.name), binary(err.message)]), binary(err.stack ?? "")]);
    }
    return new Tuple([new Tuple([A.js_exception, binary("throw"), binary(String(err))]), binary("")]);
  }

  // ------------------------------------------------------------------ trace and driver

  /** Records a trace line (callers build the text only when {@link tracing} is on). */
  event(line: string): void {
    if (!this.tracing) return;
    const l = `${this.clock.now} ${line}`;
    this.lines?.push(l);
    this.traceFn?.(l);
  }

  private driverBudget = 5;
  /** Real (wall-clock) ms this scheduler spent running slices, and when it was created. */
  private wallActiveMs = 0;
  private readonly wallT0 = performance.now();

  /** Wakes the real-time driver when it is idle. */
  private kick(): void {
    if (!this.driving || !this.driverIdle) return;
    this.driverIdle = false;
    if (this.driverTimer !== undefined) clearTimeout(this.driverTimer);
    this.driverTimer = undefined;
    setImmediate(() => {
      this.tick();
    });
  }

  private tick(): void {
    if (!this.driving) return;
    const now = Math.floor(performance.now() - this.driverT0);
    if (now > this.clock.now) this.clock.now = now;
    this.clock.fireDue();
    const started = performance.now();
    const deadline = started + this.driverBudget;
    let n = 0;
    while (this.runSlice()) {
      if (++n % 64 === 0 && performance.now() >= deadline) break;
    }
    this.wallActiveMs += performance.now() - started;
    if (this.rq.size > 0) {
      setImmediate(() => {
        this.tick();
      });
      return;
    }
    const at = this.clock.nextAt();
    if (at === undefined) {
      this.driverIdle = true;
      return;
    }
    this.driverIdle = true;
    this.driverTimer = setTimeout(() => {
      this.driverIdle = false;
      this.driverTimer = undefined;
      this.tick();
    }, Math.max(0, at - (performance.now() - this.driverT0)));
  }
}
