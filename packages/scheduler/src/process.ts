/**
 * The process control block (erl_process.h `Process`) of one simulated process.
 *
 * Owns: everything the runtime knows about one process — its pid, initial call and current
 * function, status, priority, registered name, links, monitors (both directions), process
 * dictionary, trap_exit, reductions, spawn options, its {@link ProcessHeap}, its {@link Mailbox}
 * and the state of a body blocked in `receive`/`sleep`.
 * Memory: a PCB is kept small because a million idle processes must fit in ~1 KB of Node heap
 * each: the heap, the mailbox, link/monitor tables and the dictionary are created on first use
 * (an untouched heap reports exactly what a fresh ProcessHeap would: the spawn sizing of
 * `erl_create_process`, see {@link freshHeapSize}).
 * Invariants: `status === "exited"` ⇔ the process is not in the process table; a link is
 * recorded on both sides; a monitor is in the origin's `monitors` and the target's
 * `monitoredBy` under the same ref.
 */
import { ertsNextHeapSize, H_MIN_SIZE, printPid, type Pid, type ProcessHeap, type Ref, type Term, type Tuple } from "@beamlab/heap";
import type { Timer } from "./clock.js";
import type { Mailbox } from "./mailbox.js";
import type { Pattern } from "./pattern.js";
import type { Priority, Schedulable } from "./run-queue.js";
import type { ProcessContext } from "./context.js";
import type { RefTable } from "./ref-table.js";
import type { Body, BodyGen, SpawnOptions } from "./types.js";

/** Shared defaults, so a spawn without arguments or options allocates neither. */
export const NO_ARGS: readonly Term[] = Object.freeze([]);
export const NO_OPTS: SpawnOptions = Object.freeze({});

export type Status = "runnable" | "running" | "waiting" | "suspended" | "exiting" | "exited";

/** What a body waits for when it yields to the scheduler. */
export type Wait = "none" | "receive" | "sleep";

export class Proc implements Schedulable {
  status: Status = "runnable";
  priority: Priority;
  inQueue = false;
  scheduleCount = 0;
  registeredName: string | undefined = undefined;
  /** `current_function` when the body said (ctx.setCurrentFunction), else the initial call. */
  currentFunction: string | undefined = undefined;
  /** The body's context, created when it first runs. */
  ctx: ProcessContext | undefined = undefined;
  trapExit = false;
  reductions = 0;
  /** Reductions left in the current slice (FCALLS). */
  fcalls = 0;
  /** `fcalls` when the last receive of this slice returned (NaN at a slice's start): a receive
   * that finds it unchanged charges the loop's call the body did not make. */
  fcallsAtReceive = Number.NaN;
  heap: ProcessHeap | undefined = undefined;
  mailbox: Mailbox | undefined = undefined;
  links: Set<Proc> | undefined = undefined;
  /** Monitors this process holds: ref → target. */
  monitors: RefTable<Proc> | undefined = undefined;
  /** Monitors on this process: ref → origin. */
  monitoredBy: RefTable<Proc> | undefined = undefined;
  /** The process dictionary: the `{Key, Value}` tuples `put` placed on the heap (GC roots). */
  dict: Tuple[] | undefined = undefined;
  /** A role given from outside (Scheduler.tagRole): not on the heap, not in the dictionary. */
  roleTag: string | undefined = undefined;
  gen: BodyGen | undefined = undefined;
  /** What the body is blocked on, and how it is resumed. */
  wait: Wait = "none";
  pattern: Pattern | undefined = undefined;
  timer: Timer | undefined = undefined;
  timedOut = false;
  /** Went to wait in a timed receive and has not run since (a message may have woken it): its timer still decides. */
  resumePending = false;
  suspendCount = 0;
  exitReason: Term | undefined = undefined;
  /** Signals to handle before the next receive scans (monitor answers about dead processes). */
  pendingSignals: (() => void)[] | undefined = undefined;
  /** Monitors on dead processes whose 'DOWN' (noproc) signal is still among `pendingSignals`;
   * `demonitor` removes the ref, and the signal then delivers nothing (erl_proc_sig_queue.c
   * drops a monitor-down signal whose monitor is no longer in the origin's tree). */
  pendingDown: Ref[] | undefined = undefined;
  /** Woken from a receive by a signal alone (no Erlang work yet): handles all its signals when scheduled in. */
  wokenBySignal = false;
  /** A GC is desirable at the next scheduling point (ERTS_IS_GC_DESIRED after a receive). */
  gcDesired = false;
  /** Messages still in the outer signal queue: those that arrived while a receive waited whose
   * `after` then fired before the process ran (receive_timeout_race.json); the next receive
   * fetches them. process_info(self(), message_queue_len) does not count them. */
  outerQueued = 0;
  /** A signal (a link, an unlink, a monitor, a demonitor, a dropped exit signal) is in this
   * waiting process's queue: it is in the run queue to handle it, which runs a collection it
   * deferred, and goes back to waiting (Scheduler.queueSignal). */
  signalQueued = false;
  /** One of the queued signals makes a process_info request from another process wait for it
   * (all but a monitor; Scheduler.queueSignal). */
  signalInfoWaits = false;
  /** F_DISABLE_GC: a BIF that trapped with its state on the heap (list_to_binary) keeps the
   * process from collecting — at schedule-in, at schedule-out — until it is done. */
  gcDisabled = false;
  /** Messages queued to this process / taken out of its queue since spawn (telemetry's messages_in/out). */
  messagesIn = 0;
  messagesOut = 0;
  /**
   * Bumped whenever something may have changed this process's heap or roots: a slice it ran, a
   * message or signal queued to it, a queued signal handled while it waits (a deferred
   * collection), a collection asked from outside. With the heap's own counters it tells a
   * snapshot that a process's liveness is unchanged (node-source.ts caches it); never read by
   * the simulation.
   */
  activity = 0;
  /** The process that spawned this one (undefined when spawned from outside). */
  parent: Pid | undefined = undefined;
  /** `<0.N.S>` of {@link pid}, printed on first use (telemetry metadata names pids on every event). */
  pidText: string | undefined = undefined;

  constructor(
    readonly pid: Pid,
    readonly body: Body,
    readonly args: readonly Term[],
    readonly opts: SpawnOptions,
  ) {
    this.priority = opts.priority ?? "normal";
  }

  /** `initial_call`: the spawn option, else the body function's name and arity (computed on
   * demand so an idle process carries no string of its own). */
  get initialCall(): string {
    return this.opts.initialCall ?? `${this.body.name || "anonymous"}/${this.args.length + 1}`;
  }
}

/** `heap_size` of a process whose heap was never touched (spawn sizing, arguments included). */
export function freshHeapSize(opts: SpawnOptions): number {
  const m = opts.minHeapSize;
  return m === undefined || m <= H_MIN_SIZE ? H_MIN_SIZE : ertsNextHeapSize(m);
}

/** `<0.N.S>` of a process's pid, printed once and kept on the process (telemetry metadata and
 * snapshots name pids all the time; a table keyed by pid would hold an entry per short-lived process). */
export function printedPid(p: Proc): string {
  return (p.pidText ??= printPid(p.pid));
}
