/**
 * What a process body can do: the BIF-like API handed to every body as `ctx`.
 *
 * Owns: the operations of the running process on itself and on others — receive (selective,
 * with `after`), send, spawn*, links, monitors, exits, trap_exit, registered names, the process
 * dictionary, timers, heap access, hibernation and queries.
 * Blocking operations are generators used with `yield*`:
 *
 *     function* echo(ctx: ProcessContext) {
 *       for (;;) {
 *         const m = yield* ctx.receive(tagged("ping"), { after: 1000 });
 *         if (m === undefined) return;                 // timed out
 *         ctx.send((m as Tuple).elements[1] as Pid, atom("pong"));
 *         yield* ctx.call();                           // a function call: may be preempted
 *       }
 *     }
 *
 * Reductions: `call()` 1, `send` 1, `spawn*` 1, other BIFs 1, a GC what the collector reports;
 * a slice has CONTEXT_REDS. Receiving costs nothing by itself.
 * Heap: messages a body receives are on its heap (or its fragments); a body that keeps one
 * across a point where it may collect must hold it (`ctx.heap.pushFrame().hold(m)`), like the
 * heap package's twins. `ctx.setStack(n)` states the Erlang stack words at the current point.
 * Invariant: only the running process's context may be used (checked: a context used while its
 * process is not running throws).
 */
import { atom, Binary, binary, equals, factoryPlacement, flatmapWords, hamtFromListUnits, isFlatmap, LazyBytes, mapAssocWords, mapPut, ON_HEAP_BINARY_LIMIT, SubBinary, Tuple, type AllocOptions, type ErlMap, type Pid, type ProcessHeap, type Ref, type Term } from "@beamlab/heap";
import { BIF_CALL_STACK_WORDS, BINARY_COPY_LOOP_FACTOR } from "./constants.js";
import { ErlangError, ExitThrow } from "./errors.js";
import { processInfo, type InfoItem, type ProcessInfo } from "./info.js";

/** process_info items of another process that the target answers itself, running a collection
 * it deferred (pi_collect.json). */
const TARGET_HANDLED_ITEMS: ReadonlySet<InfoItem> = new Set<InfoItem>(["memory", "total_heap_size", "current_function", "dictionary"]);

import { any, type Pattern } from "./pattern.js";
import { NO_ARGS, NO_OPTS, type Proc } from "./process.js";
import type { Priority } from "./run-queue.js";
import { NO_MESSAGE, RECEIVE_OP, SLEEP_OP, YIELD_OP, type Scheduler } from "./scheduler.js";
import type { Body, Op, SpawnOptions } from "./types.js";

export interface ReceiveOptions {
  /** `after` in milliseconds (0: only look at what is queued). */
  readonly after?: number;
  /**
   * What the matching clause runs between the match and `remove_message`: the compiler puts the
   * clause's own `test_heap` there (`{result, W, R} -> {reply, R, fix}`: `test_heap 4`). It runs
   * with the message still queued and the heap's collections delayed (F_DELAY_GC): a test that
   * fails abandons the heap for a temporary one and forces a collection at the next safe point
   * (ProcessHeap.delayGc). Runs once, for the message the receive takes.
   */
  readonly beforeRemove?: () => void;
}

const A = {
  badarg: atom("badarg"),
  noproc: atom("noproc"),
  EXIT: atom("EXIT"),
  true: atom("true"),
  undefined: atom("undefined"),
};

/** `src` repeated `n` times. */
function repeat(src: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(src.length * n);
  for (let i = 0; i < n; i++) out.set(src, i * src.length);
  return out;
}

/** The bytes of a byte-aligned sub-binary (binary:copy's `badarg` otherwise). */
function subBinaryBytes(b: SubBinary): Uint8Array {
  if (b.bitOffset % 8 !== 0 || b.bitSize % 8 !== 0) throw new ErlangError(atom("badarg"));
  return b.orig.slice(b.bitOffset / 8, (b.bitOffset + b.bitSize) / 8);
}

/** What `yield* ctx.call()` runs through when the call does not preempt: nothing (one shared object). */
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const NO_OPS: Iterable<Op> & Iterator<Op, undefined> = Object.freeze({
  [Symbol.iterator]() {
    return NO_OPS;
  },
  next: () => DONE,
});
/** A preempting call: one yield to the scheduler. */
function* preempt(): Generator<Op, void, unknown> {
  yield YIELD_OP;
}

export class ProcessContext {
  /** The `after` timer's action of this process's receives (one closure per process: a receive's
   * timer is always fired or cancelled before the next receive arms one). */
  private onAfter: (() => void) | undefined = undefined;

  constructor(
    private readonly s: Scheduler,
    private readonly p: Proc,
  ) {}

  /** `self()`. */
  get self(): Pid {
    return this.p.pid;
  }

  /** The scheduler this process runs on (for libraries that keep per-node state, e.g. OTP's
   * registries and logger). */
  get scheduler(): Scheduler {
    return this.s;
  }

  /** This process's heap (frames, alloc, stack words). */
  get heap(): ProcessHeap {
    return this.s.heapOf(this.p);
  }

  /** The virtual (or real-time) clock in ms (`erlang:monotonic_time(millisecond)`). */
  now(): number {
    return this.s.clock.now;
  }

  /** Seeded random float in [0, 1) (deterministic per scheduler seed). */
  random(): number {
    return this.s.random();
  }

  /** Sets the GC-visible Erlang stack words at this point (see the heap package's twins). */
  setStack(words: number): void {
    this.heap.setStack(words);
  }

  /** Places a term built by the body on this heap (heap test, may collect). */
  alloc<T extends Term>(term: T, opts: AllocOptions = {}): T {
    return this.heap.alloc(term, opts);
  }

  // ---------------------------------------------------------------- control flow

  /**
   * A function call: costs one reduction; yields to the scheduler when the slice is used up.
   * Use it as `yield* ctx.call()`: the reductions are charged when it is called, and only a call
   * that preempts makes a generator (the others return one shared, empty iterable: the hot loops
   * of a workload call it hundreds of thousands of times).
   */
  call(reductions = 1): Iterable<Op> {
    const p = this.p;
    p.fcalls -= reductions;
    return p.fcalls <= 0 ? preempt() : NO_OPS;
  }

  /**
   * A call of a BIF through its export (`call_ext` / `call_ext_only` to erlang:spawn/3,
   * erlang:spawn_opt/4, erlang:phash2/1 …): one reduction; when that leaves none, the process
   * is switched out before the BIF runs and, scheduled back in, enters the export again and is
   * charged the call a second time. Measured (fixtures/bif_preempt.json, erts 13.1.5): a loop's
   * reductions are 3 per iteration + 1 per switch-out at a BIF's export, none per switch-out at
   * a function's entry. The BIF's own work (and any BUMP_REDS) is charged by the BIF itself.
   */
  *callBif(): Generator<Op, void, unknown> {
    const p = this.p;
    p.fcalls -= 1;
    if (p.fcalls <= 0) {
      yield YIELD_OP;
      p.fcalls -= 1;
    }
  }

  /**
   * Reductions left in this slice (`FCALLS`): a workload-kit block batches the calls that end
   * before the process would be preempted, and charges them with {@link chargeCalls}.
   */
  get reductionsLeft(): number {
    return this.p.fcalls;
  }

  /**
   * Charges `reductions` without a preemption check: for calls a kit block batched, every one
   * of which leaves reductions in the slice (the caller checked `reductionsLeft`).
   */
  chargeCalls(reductions: number): void {
    this.p.fcalls -= reductions;
  }

  /**
   * A BIF call's reductions: 1 for the call, then `bumped` more as the BIF's BUMP_REDS — which
   * never takes the slice's remaining reductions below 0 (erl_vm.h clamps FCALLS at 0: what a
   * BIF charges beyond the end of the slice is not counted; measured in bif_reductions.json:
   * ten 64 KB binary:copy calls cost 5,972, not 6,570). The process is preempted at its next
   * call, receive or yield once nothing is left.
   */
  bif(bumped = 0): void {
    const p = this.p;
    p.fcalls -= 1;
    if (bumped > 0) p.fcalls = Math.max(0, p.fcalls - bumped);
  }

  /**
   * `BUMP_REDS(n)` inside a BIF: `n` more reductions, never taking the slice below 0 (see
   * {@link bif}). For kit BIFs that count their own work (kit/list-to-binary.ts).
   */
  bumpReductions(n: number): void {
    const p = this.p;
    if (n > 0) p.fcalls = Math.max(0, p.fcalls - n);
  }

  /**
   * `binary:copy(Bin)` / `binary:copy(Bin, N)`: a new binary of N copies, placed on this heap
   * (a ProcBin and an off-heap binary above 64 bytes; no GC is triggered by the BIF itself).
   * Costs, from erl_bif_binary.c (OTP 25) do_binary_copy: the call plus
   * BUMP_REDS(bytes / BINARY_COPY_LOOP_FACTOR) with the factor 100. Gap: a copy with N > 1
   * big enough to trap (target − size ≥ 100 × reductions left) is charged as one
   * BUMP_ALL_REDS here; the BEAM continues it over the next slices.
   */
  binaryCopy(bin: Binary | SubBinary, times = 1): Binary {
    const n = Math.max(0, Math.floor(times));
    const size = bin.bitSize / 8;
    // above 64 bytes the result is a refc binary: its bytes are made only where read
    const lazy = size * n > ON_HEAP_BINARY_LIMIT;
    // a copy of a lazy binary reads through to it; otherwise the source bytes repeat
    const whole = bin instanceof Binary ? bin : undefined;
    const out =
      lazy && n === 1 && whole?.data instanceof LazyBytes
        ? new LazyBytes(size, new Uint8Array(0), (from, to) => whole.slice(from, to))
        : lazy
          ? new LazyBytes(size * n, whole !== undefined ? whole.slice(0, size) : subBinaryBytes(bin as SubBinary))
          : repeat(whole !== undefined ? whole.slice(0, size) : subBinaryBytes(bin as SubBinary), n);
    const left = Math.max(0, this.p.fcalls) * BINARY_COPY_LOOP_FACTOR;
    const outSize = size * n;
    const traps = n > 1 && outSize - size >= left;
    this.bif(traps ? Number.MAX_SAFE_INTEGER : Math.floor(outSize / BINARY_COPY_LOOP_FACTOR));
    const result = this.alloc(out instanceof LazyBytes ? new Binary(out) : binary(out));
    // after a BIF returns the BEAM collects at once when the binary virtual heap is full
    // (ERTS_IS_GC_AFTER_BIF_DESIRED), with the BIF's result live in x0
    this.s.afterLightBif(this.p, [result]);
    return result;
  }

  /**
   * The check the BEAM runs when a BIF returns (call_light_bif, {@link Scheduler.afterLightBif}):
   * a collection with need 0 when 8 × the free words < the heap fragments' words + 3 (the JIT's
   * bytes-against-words comparison, {@link Scheduler.afterLightBif}) or the
   * binary virtual heap is over its block, with `result` (the BIF's value, in x0) live. For
   * workload-kit BIFs that place their result themselves.
   */
  afterBif(result: Term): void {
    this.s.afterLightBif(this.p, [result]);
  }

  /**
   * A BIF's result placed as the BEAM's BIFs place theirs: one `HAlloc` (no heap test) — on the
   * heap when it fits in the free space less {@link BIF_CALL_STACK_WORDS}, else in a heap
   * fragment — then the after-BIF check ({@link afterBif}). `charge`: the words the BIF builds
   * when the model keeps shared structure in one object (a flatmap update's keys tuple).
   */
  bifResult<T extends Term>(result: T, opts: { readonly charge?: number } = {}): T {
    this.heap.allocBif(result, { check: false, reserve: BIF_CALL_STACK_WORDS, ...(opts.charge !== undefined ? { charge: opts.charge } : {}) });
    this.s.afterLightBif(this.p, [result]);
    return result;
  }

  /**
   * `M#{K => V}` (the put_map_assoc instruction, erts_gc_update_map_assoc): on a flatmap a heap
   * test for the whole new flatmap (`mapAssocWords`; a collection when it fails), and a flatmap
   * growing past 32 keys first built as a 33-key flatmap (garbage) and then turned into a HAMT
   * through a heap factory (erts_hashmap_from_ks_and_vs: the leaves, then node by node, as
   * `maps:from_list` places them — @beamlab/heap's factoryPlacement); on a HAMT the path is
   * inserted with HAlloc and no test (erts_hashmap_insert): on the heap while it fits, then in
   * heap fragments that only the next heap test collects. HAlloc's limit is
   * {@link BIF_CALL_STACK_WORDS} below the free space a heap test sees (the runtime call's red
   * zone, hamt_put_limit.json). Checked against kit_blocks.json's maps_put loop and sup_gc.json.
   */
  putMapAssoc(m: ErlMap, key: Term, value: Term): ErlMap {
    const updated = mapPut(m, key, value);
    if (updated === m) return m;
    const heap = this.heap;
    if (!isFlatmap(m)) return heap.allocBif(updated, { check: false, reserve: BIF_CALL_STACK_WORDS });
    const words = mapAssocWords(m, updated, key);
    if (!isFlatmap(updated)) {
      heap.allocGarbage(flatmapWords(updated.keys.length)); // the 33-key flatmap, after its heap test
      const { onHeap, inFragments } = factoryPlacement(heap, hamtFromListUnits(updated), BIF_CALL_STACK_WORDS);
      heap.alloc(updated, { charge: onHeap, need: onHeap });
      if (inFragments > 0) heap.allocFragmentGarbage(inFragments, { check: false });
      return updated;
    }
    return heap.alloc(updated, { charge: words, need: words });
  }

  /**
   * A BIF that traps or yields (`ERTS_BIF_PREP_TRAP` / `ERTS_BIF_PREP_YIELD` after
   * BUMP_ALL_REDS): the slice's reductions are all used and the process is scheduled out; its
   * continuation runs when it is scheduled in again, with a fresh slice. For kit BIFs that model
   * their own yielding (kit/list-to-binary.ts). `virtual`: ERTS_VBUMP_ALL_REDS (a BIF that
   * yields before doing anything, ERTS_BIF_PREP_YIELD): the reductions the slice had left are
   * not counted in the process's `reductions`.
   */
  *trap(opts: { readonly virtual?: boolean } = {}): Generator<Op, void, unknown> {
    const p = this.p;
    if (opts.virtual === true && p.fcalls > 0) p.reductions -= p.fcalls;
    p.fcalls = 0;
    yield YIELD_OP;
  }

  /**
   * `erts_set_gc_state(c_p, Enable)`: while disabled (F_DISABLE_GC) the process does not collect
   * when it is scheduled in or out, nor after a BIF; a trapping BIF disables it at its first
   * trap and enables it again when it is done.
   */
  setGcEnabled(on: boolean): void {
    this.p.gcDisabled = !on;
  }

  /**
   * The check `beam_jit_call_bif` (OTP 25) runs when a BIF called through its export returns —
   * a trap's continuation, a BIF re-called after yielding: `ERTS_IS_GC_DESIRED` in words (the
   * fragments do not fit the free words, the binary virtual heap is over its block, or a forced
   * GC), collecting with `result` (x0) live. Compare {@link afterBif} (call_light_bif's check).
   */
  afterCallBif(result: Term): void {
    this.s.safePoint(this.p, [result]);
  }

  /** `erlang:yield()`. */
  *yield(): Generator<Op, void, unknown> {
    yield YIELD_OP;
  }

  /**
   * `receive Pattern -> … after Ms -> … end`: the first queued message the pattern accepts,
   * scanning from where this receive left off; `undefined` when the `after` time passed.
   */
  receive(pattern?: Pattern): Generator<Op, Term, unknown>;
  receive(pattern: Pattern | undefined, opts: ReceiveOptions): Generator<Op, Term | undefined, unknown>;
  *receive(pattern: Pattern = any, opts: ReceiveOptions = {}): Generator<Op, Term | undefined, unknown> {
    const s = this.s;
    const p = this.p;
    // An Erlang receive loop reaches its next receive through a call (the loop's tail call),
    // which costs a reduction and is where the process is preempted: a body that charged
    // nothing since its last receive in this slice is charged that call here, and a process
    // with no reductions left is scheduled out before it receives.
    if (p.fcalls === p.fcallsAtReceive) p.fcalls -= 1;
    if (p.fcalls <= 0) yield YIELD_OP;
    this.check();
    this.handleSignals();
    p.outerQueued = 0; // this receive fetches the outer signal queue
    p.mailbox?.resetScan();
    const after = opts.after;
    let armed = false;
    for (;;) {
      const m = s.chargesReceiveScans ? yield* this.takeCharged(pattern, opts.beforeRemove) : s.take(p, pattern, false, opts.beforeRemove);
      if (m !== NO_MESSAGE) {
        p.fcallsAtReceive = p.fcalls;
        return m;
      }
      if (p.timedOut) {
        p.timedOut = false;
        p.mailbox?.resetScan();
        return undefined;
      }
      if (after === 0) {
        p.mailbox?.resetScan();
        return undefined;
      }
      if (!armed && after !== undefined && Number.isFinite(after)) {
        armed = true;
        p.timer = s.clock.add(after, (this.onAfter ??= () => {
          p.timer = undefined;
          if (p.wait === "receive") {
            p.timedOut = true;
            s.wake(p);
          } else if (p.resumePending) p.timedOut = true;
        }), "receive_after");
      }
      p.wait = "receive";
      p.pattern = pattern;
      p.resumePending = true;
      const queuedAtWait = p.mailbox?.length ?? 0;
      yield RECEIVE_OP;
      p.resumePending = false;
      this.handleSignals();
      // Woken by a message, but the `after` timer fired before the process ran: the BEAM takes
      // the timeout, and the messages that arrived while it waited (still in its outer signal
      // queue) are left for the next receive — receive_timeout_race.json. Only possible with the
      // work clock (SchedulerOptions.workClock): otherwise no timer fires while a process is runnable.
      if (this.timerFired()) {
        p.timedOut = false;
        p.outerQueued = (p.mailbox?.length ?? 0) - queuedAtWait;
        p.mailbox?.resetScan();
        return undefined;
      }
    }
  }

  /**
   * The scan of a receive with its reductions (SchedulerOptions.receiveFetchReds): the inner
   * queue first (1 per message skipped), then at its end erts_proc_sig_receive_helper — which
   * yields first when no reductions are left, then fetches the outer queue for 4 — and on
   * through what the fetch brought, until a match or a fetch that finds nothing.
   */
  private *takeCharged(pattern: Pattern, beforeRemove?: () => void): Generator<Op, Term | typeof NO_MESSAGE, unknown> {
    const s = this.s;
    const p = this.p;
    for (;;) {
      const m = s.take(p, pattern, true, beforeRemove);
      if (m !== NO_MESSAGE) return m;
      if (p.fcalls <= 0) yield YIELD_OP;
      if (!s.fetchOuter(p)) return NO_MESSAGE;
    }
  }

  /** `timer:sleep(Ms)` (`receive after Ms -> ok end`). */
  *sleep(ms: number): Generator<Op, void, unknown> {
    const s = this.s;
    const p = this.p;
    p.timer = s.clock.add(ms, () => {
      p.timer = undefined;
      if (p.wait === "sleep") s.wake(p);
    });
    p.wait = "sleep";
    yield SLEEP_OP;
  }

  /** `exit(Reason)`: ends this process (throws; do not catch it). */
  exit(reason: Term): never {
    throw new ExitThrow(reason);
  }

  /** `erlang:error(Reason)`. */
  error(reason: Term): never {
    throw new ErlangError(reason);
  }

  // ---------------------------------------------------------------- messages

  /** `To ! Msg` to a pid or registered name; a dead pid swallows it, an unknown name is badarg. */
  send(to: Pid | string, msg: Term): Term {
    const s = this.s;
    const p = this.p;
    this.check();
    p.fcalls -= 1;
    const target = typeof to === "string" ? s.nameLookup(to) : s.lookup(to);
    if (target === undefined && typeof to === "string") throw new ErlangError(A.badarg);
    if (target !== undefined) s.deliver(target, msg, p);
    // send is a BIF: the GC-after-BIF check runs with its result, the message, live in x0 (so a
    // router's forwarded binary survives that collection, as measured on the BEAM)
    s.afterLightBif(p, [msg]);
    return msg;
  }

  /** `erlang:send_after(Ms, To, Msg)`: the message is copied when the timer fires. */
  sendAfter(ms: number, to: Pid | string, msg: Term): void {
    const s = this.s;
    // the message lives outside the process until the timer fires (like the BEAM's timer copy)
    s.clock.add(ms, () => {
      const target = typeof to === "string" ? s.nameLookup(to) : s.lookup(to);
      if (target !== undefined) s.deliver(target, msg);
    });
  }

  // ---------------------------------------------------------------- processes

  spawn(body: Body, args: readonly Term[] = NO_ARGS, opts: SpawnOptions = NO_OPTS): Pid {
    this.check();
    this.p.fcalls -= 1;
    return this.s.spawnProc(body, args, opts, this.p).pid;
  }

  spawnLink(body: Body, args: readonly Term[] = NO_ARGS, opts: SpawnOptions = NO_OPTS): Pid {
    return this.spawn(body, args, { ...opts, link: true });
  }

  spawnMonitor(body: Body, args: readonly Term[] = NO_ARGS, opts: SpawnOptions = NO_OPTS): [Pid, Ref] {
    this.p.fcalls -= 1;
    const child = this.s.spawnProc(body, args, { ...opts, monitor: false }, this.p);
    const ref = this.s.monitor(this.p, child);
    return [child.pid, ref];
  }

  /** `spawn_opt`: with `monitor: true` use {@link spawnMonitor} to get the ref. */
  spawnOpt(body: Body, args: readonly Term[], opts: SpawnOptions): Pid {
    return this.spawn(body, args, opts);
  }

  /** `link(Pid)`: to a dead pid, an `{'EXIT', Pid, noproc}` message when trapping, else error noproc. */
  link(pid: Pid): void {
    const t = this.s.lookup(pid);
    if (t === undefined) {
      if (this.p.trapExit) this.s.deliver(this.p, new Tuple([A.EXIT, pid, A.noproc]));
      else throw new ErlangError(A.noproc);
      return;
    }
    this.s.link(this.p, t);
  }

  unlink(pid: Pid): void {
    const t = this.s.lookup(pid);
    if (t !== undefined) this.s.unlink(this.p, t);
  }

  /** `monitor(process, Pid | Name [, [{alias, _}]])`: with `alias` the ref is a pid-ref (an
   * alias, 4 heap words like alias/0's; gen:call monitors this way). */
  monitor(target: Pid | string, opts?: { readonly alias?: boolean }): Ref {
    const alias = opts?.alias === true;
    const t = typeof target === "string" ? this.s.nameLookup(target) : this.s.lookup(target);
    if (t === undefined) return this.s.monitorDead(this.p, typeof target === "string" ? this.p.pid : target, alias);
    return this.s.monitor(this.p, t, alias);
  }

  /** `demonitor(Ref [, [flush]])`. */
  demonitor(ref: Ref, opts: { readonly flush?: boolean } = {}): boolean {
    return this.s.demonitor(this.p, ref, opts.flush ?? false);
  }

  /** `exit(Pid, Reason)`. */
  exitSignal(pid: Pid, reason: Term): void {
    const t = this.s.lookup(pid);
    if (t === undefined) return;
    if (t === this.p) {
      if (reason === atom("kill")) throw new ExitThrow(atom("killed"));
      if (!this.p.trapExit && reason !== atom("normal")) throw new ExitThrow(reason);
    }
    this.s.signalExit(t, this.p.pid, reason, false);
    if (this.p.exitReason !== undefined) throw new ExitThrow(this.p.exitReason);
  }

  /** `process_flag(trap_exit, Bool)`: returns the old value. */
  trapExit(on: boolean): boolean {
    const old = this.p.trapExit;
    this.p.trapExit = on;
    return old;
  }

  /** `process_flag(priority, P)`: returns the old value. */
  setPriority(priority: Priority): Priority {
    const old = this.p.priority;
    this.p.priority = priority;
    return old;
  }

  register(name: string, pid: Pid = this.p.pid): void {
    const t = this.s.lookup(pid);
    if (t === undefined) throw new ErlangError(A.badarg);
    this.s.register(name, t);
  }

  unregister(name: string): void {
    this.s.unregister(name);
  }

  whereis(name: string): Pid | undefined {
    return this.s.whereis(name);
  }

  isAlive(pid: Pid): boolean {
    return this.s.isAlive(pid);
  }

  processes(): Pid[] {
    return this.s.processes();
  }

  // ---------------------------------------------------------------- dictionary

  /** `put(Key, Value)`: stores a `{Key, Value}` on this heap (3 words); returns the old value. */
  put(key: Term, value: Term): Term {
    const d = this.s.dictOf(this.p);
    const t = this.heap.alloc(new Tuple([key, value]), { need: 3 });
    for (let i = 0; i < d.length; i++) {
      const e = d[i] as Tuple;
      if (equals(e.elements[0] as Term, key)) {
        d[i] = t; // the old tuple is garbage now
        return e.elements[1] as Term;
      }
    }
    d.push(t);
    return A.undefined;
  }

  /** `get(Key)` (`undefined` atom when absent). */
  get(key: Term): Term {
    for (const e of this.p.dict ?? []) if (equals(e.elements[0] as Term, key)) return e.elements[1] as Term;
    return A.undefined;
  }

  /** `erase(Key)`: returns the old value. */
  erase(key: Term): Term {
    const d = this.p.dict;
    if (d === undefined) return A.undefined;
    for (let i = 0; i < d.length; i++) {
      const e = d[i] as Tuple;
      if (equals(e.elements[0] as Term, key)) {
        d.splice(i, 1);
        return e.elements[1] as Term;
      }
    }
    return A.undefined;
  }

  // ---------------------------------------------------------------- memory

  /** `erlang:garbage_collect()` / `garbage_collect(Pid)` (major unless asked for a minor). */
  garbageCollect(type: "major" | "minor" = "major", pid?: Pid): boolean {
    if (pid !== undefined && pid !== this.p.pid) return this.s.garbageCollect(pid, type);
    this.heap.garbageCollect({ type });
    return true;
  }

  /** Names the function the body is in, for `process_info(P, current_function)`. */
  setCurrentFunction(mfa: string): void {
    this.p.currentFunction = mfa;
  }

  /**
   * `erlang:hibernate/3` (the continuation is the rest of the body): the heap shrinks to what
   * `keep` and the mailbox/dictionary reach, the stack is dropped, and the process waits for a
   * message. Returns once a message is queued (not taken: the body receives it). With a message
   * already queued it returns at once and nothing is collected (erts_hibernate: "if there are no
   * waiting messages, garbage collect and shrink the heap"; measured: a router of the routers
   * twin that takes its `after` with messages queued collects next with its 233-word heap and
   * the dead words still on it).
   */
  *hibernate(keep: readonly Term[] = []): Generator<Op, void, unknown> {
    const p = this.p;
    if (p.mailbox !== undefined && p.mailbox.length > 0) return;
    this.heap.hibernate(keep);
    p.wait = "receive";
    p.pattern = any;
    yield RECEIVE_OP;
  }

  /**
   * `process_info(Pid, Items)` (all items when `items` is omitted). Of another, waiting process:
   * a request for `memory`, `total_heap_size`, `current_function` or `dictionary` (all items include them) is
   * handled by the target, which then runs the collection it deferred when it
   * went to wait — after answering when only its heap fragments made it due (the answer is the
   * state before the collection), before answering when it was forced or due to the binary
   * virtual heap (Scheduler.collectOnScheduleIn). Other items collect nothing. Measured
   * (hamt_put_limit.json's reads and pi_collect.json): a process waiting with a fragment that
   * does not fit answers `memory`/`total_heap_size` with the state before the collection that
   * follows, and collects for `current_function` and `dictionary`; `heap_size`, `reductions`,
   * `garbage_collection_info`, `status`, `message_queue_len` leave it as it is; otp_memory's
   * tasks supervisor reports 25,272 B at children 50 and 99. Of itself, `message_queue_len`
   * leaves out the messages still in the outer signal queue (Proc.outerQueued).
   */
  processInfo(pid: Pid = this.p.pid, items?: readonly InfoItem[]): ProcessInfo | undefined {
    this.p.fcalls -= 1;
    const t = this.s.lookup(pid);
    if (t === undefined) return undefined;
    if (t === this.p) {
      // of itself: message_queue_len counts the inner queue only (what a receive has fetched)
      const own = processInfo(this.s, t, items);
      if (t.outerQueued > 0) own.message_queue_len -= t.outerQueued;
      return own;
    }
    const collects = items === undefined || items.some((i) => TARGET_HANDLED_ITEMS.has(i)) || t.signalInfoWaits;
    if (t.status !== "waiting" || !collects) return processInfo(this.s, t, items);
    if (t.signalQueued) {
      // its queued signal and this request are handled together: the answer, then the collection
      const answer = processInfo(this.s, t, items);
      this.s.handleQueuedSignals(t);
      return answer;
    }
    if (t.heap !== undefined && !t.heap.safePointDueBesidesFragments) {
      const answer = processInfo(this.s, t, items);
      this.s.collectOnScheduleIn(t);
      return answer;
    }
    this.s.collectOnScheduleIn(t);
    return processInfo(this.s, t, items);
  }

  /** Whether this process's receive timer has fired (read after a yield: the timer runs meanwhile). */
  private timerFired(): boolean {
    return this.p.timedOut;
  }

  /** A context may only be used by its own body while it runs. */
  private check(): void {
    if (this.s.running !== this.p) throw new Error(`the context of ${this.p.initialCall} used while that process is not running`);
  }

  /** Pending monitor answers (see Scheduler.monitorDead) are handled when a receive starts. */
  private handleSignals(): void {
    const sig = this.p.pendingSignals;
    if (sig === undefined) return;
    this.p.pendingSignals = undefined;
    for (const f of sig) f();
  }
}
