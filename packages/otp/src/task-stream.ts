/**
 * Elixir's `Task.async_stream` and `Task.Supervisor.async_stream` / `async_stream_nolink` (the
 * stream half of Elixir 1.14's `Task.Supervised`), re-exported by task.ts as `Task.*`.
 *
 * Owns: the three processes of a stream, as Elixir runs them —
 *  - the caller: reads its `trap_exit`, spawns the *stream monitor* with link + monitor, sends it
 *    `{Caller, MonitorRef}`, then pulls the enumerable one element at a time: `{spawn, Pos,
 *    Value}` to the monitor, `{spawned, {MonitorRef, Pos}, Pid}` back, `{Caller, {MonitorRef,
 *    Pos}}` to the task; while `max_concurrency` tasks are out (or the input is done) it waits for
 *    `{{MonitorRef, Pos}, Reply}` (kept until the task is down), `{down | timed_out, {MonitorRef,
 *    Pos}, Reason}` (a slot frees: `{ok, Reply}`, `{exit, Reason}`, or on timeout exit
 *    `{timeout, {'Elixir.Task.Supervised', stream, [Timeout]}}` / `{exit, timeout}` with
 *    `kill_task`; `zip_input_on_exit` makes the exit reasons `{Input, Reason}`), or the monitor's
 *    `'DOWN'` (→ exit `{Reason, {'Elixir.Task.Supervised', stream, [Timeout]}}`). Results go to
 *    the reducer in input order (`ordered`, the default) or as tasks go down. When the input is
 *    done and every result delivered — or the reducer halts or throws, or the enumerable throws —
 *    the stream is *closed*: `{stop, MonitorRef}`, wait for the monitor's `'DOWN'` (normal, else
 *    exit as above), then flush `{'EXIT', Monitor, _}` and every message tagged with MonitorRef.
 *  - the stream monitor (a plain spawn, `trap_exit` as the caller's): monitors the caller, starts
 *    each task (Task.async_stream: a proc_lib task linked to the monitor; the Supervisor forms: a
 *    temporary child of the Task.Supervisor, linked to the monitor unless `_nolink`; a full
 *    supervisor → `{max_children, MonitorRef}` and the caller raises Elixir's RuntimeError),
 *    monitors it, forwards its `'DOWN'`, kills it (unlink + kill) when its `timeout` passes;
 *    on `{stop, Ref}` kills every task, waits for their `'DOWN'`s and exits normal; on the
 *    caller's `'DOWN'` sends the caller's reason to the linked tasks and exits with it.
 *  - each task: `'$callers'` = [Caller | Caller's callers], waits for `{Caller, Tag}`, runs
 *    `fun(Elem)`, sends `{Tag, Result}` to the caller and exits normal.
 * So, as in Elixir: a linked task that exits abnormally takes the monitor — and through its link
 * the caller — down with its reason unless the caller traps exits (then the result is `{exit,
 * Reason}`); a `_nolink` task's crash is always `{exit, Reason}`.
 * Invariants: at most `maxConcurrency` tasks of one stream are alive at once (a slot is freed
 * only when the monitor has seen the task's `'DOWN'`); after a stream returns or throws (other
 * than the on_timeout exit, as in Elixir), its monitor and tasks are gone and no message of the
 * stream is left in the caller's mailbox.
 * API: `asyncStream*` return a JS array of the result terms (like awaitMany's array); the
 * `*Reduce` forms take Elixir's reducer shape `(Result, Acc) -> ["cont" | "halt", Acc]` so a
 * consumer can stop early (Enum.take / reduce_while) and the unused tasks are shut down.
 * Differences: not lazy — the stream runs when called (the enumerable is still pulled one element
 * at a time, so a JS generator is consumed lazily and `return()`ed on halt); max_concurrency's
 * default is `System.schedulers_online()` = 1 (the simulator runs one scheduler, see the
 * scheduler's node-source.ts); the per-task timeout is the monitor's `receive … after` on the
 * earliest deadline instead of `send_after` + `cancel_timer` (the scheduler has no cancel_timer,
 * and a stale timer would advance the virtual clock); `unlink_and_kill` needs no enforcer process
 * (unlink + kill cannot be interrupted here); Elixir's RuntimeError is an {@link ErlangError}
 * whose reason is the `%RuntimeError{}` map; ArgumentErrors are TypeErrors (as in task.ts);
 * a task's crash writes proc_lib's crash report, not Task.Supervised's log.
 */
import { atom, binary, Cons, equals, list, mapFromEntries, nil, printTerm, Tuple, type Pid, type Ref, type Term } from "@beamlab/heap";
import { ErlangError, type Body, type ProcessContext } from "@beamlab/scheduler";
import { A, aliasKey, applyFun, isGen, run, tuple, type Gen } from "./common.js";
import * as DS from "./dynamic-supervisor.js";
import type { ServerRef, Timeout } from "./gen.js";
import { spawnProcLib } from "./proc-lib.js";

export interface AsyncStreamOptions {
  /** How many tasks may be alive at once (default 1: `System.schedulers_online()` of the simulator). */
  readonly maxConcurrency?: number;
  /** Results in input order (default true) or as the tasks finish. */
  readonly ordered?: boolean;
  /** Per task, in virtual ms from its start (default 5000). */
  readonly timeout?: Timeout;
  /** `exit` (default): the caller exits `{timeout, {'Elixir.Task.Supervised', stream, [T]}}`; `kill_task`: `{exit, timeout}`. */
  readonly onTimeout?: "exit" | "kill_task";
  /** `{exit, {Input, Reason}}` instead of `{exit, Reason}` (default false). */
  readonly zipInputOnExit?: boolean;
  /** Task.Supervisor forms only: the children's shutdown (default 5000). */
  readonly shutdown?: number | "brutal_kill";
}

/** Elixir's reducer step: continue with the new accumulator, or halt with it. */
export type StreamStep<T> = readonly ["cont" | "halt", T];
/** Called in the caller for each result (`{ok, V}` | `{exit, R}`); may block (a generator). */
export type StreamReducer<T> = (result: Term, acc: T) => StreamStep<T> | Gen<StreamStep<T>>;

/** A JS iterable of terms, or an Erlang list. */
export type Enumerable = Iterable<Term> | Term;

const K = {
  spawn: atom("spawn"),
  spawned: atom("spawned"),
  stop: atom("stop"),
  down: atom("down"),
  timed_out: atom("timed_out"),
  max_children: atom("max_children"),
  stream: atom("stream"),
  supervised: atom("Elixir.Task.Supervised"),
  callers: atom("$callers"),
};

const MAX_CHILDREN_MESSAGE =
  "reached the maximum number of tasks for this task supervisor. The maximum number of tasks that are allowed to run at the same time under this supervisor can be configured with the :max_children option passed to Task.Supervisor.start_link/1. When using async_stream or async_stream_nolink, make sure to configure :max_concurrency to be lower or equal to :max_children and pay attention to whether other tasks are also spawned under the same task supervisor.";

/** Elixir's `raise RuntimeError, msg`: class error, reason `%RuntimeError{message: Msg}`. */
export class ElixirRuntimeError extends ErlangError {
  constructor(message: string) {
    super(
      mapFromEntries([
        [atom("__struct__"), atom("Elixir.RuntimeError")],
        [atom("__exception__"), A.true],
        [atom("message"), binary(message)],
      ]),
    );
    this.message = message;
    this.name = "RuntimeError";
  }
}

/** Elixir's `raise RuntimeError` when a Task.Supervisor is full (also used by Task.Supervisor.async). */
export function maxChildrenError(stream: boolean): ElixirRuntimeError {
  return new ElixirRuntimeError(stream ? MAX_CHILDREN_MESSAGE : MAX_CHILDREN_MESSAGE.slice(0, MAX_CHILDREN_MESSAGE.indexOf(". When")));
}

interface Config {
  readonly maxConcurrency: number;
  readonly ordered: boolean;
  readonly timeout: Timeout;
  readonly onTimeout: "exit" | "kill_task";
  readonly zip: boolean;
  readonly shutdown: number | "brutal_kill";
}

function checkOptions(o: AsyncStreamOptions): Config {
  const maxConcurrency = o.maxConcurrency ?? 1;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency <= 0) throw new TypeError(":max_concurrency must be an integer greater than zero (ArgumentError)");
  const onTimeout = o.onTimeout ?? "exit";
  // untyped on purpose: options come from JS callers too
  if (!["exit", "kill_task"].includes(onTimeout)) throw new TypeError(":on_timeout must be either :exit or :kill_task (ArgumentError)");
  const timeout = o.timeout ?? 5000;
  if (!(timeout === "infinity" || (Number.isInteger(timeout) && timeout >= 0))) throw new TypeError(":timeout must be either a positive integer or :infinity (ArgumentError)");
  const shutdown = o.shutdown ?? 5000;
  if (!(shutdown === "brutal_kill" || (Number.isInteger(shutdown) && shutdown >= 0))) throw new TypeError(":shutdown must be either a positive integer or :brutal_kill (ArgumentError)");
  return { maxConcurrency, ordered: o.ordered ?? true, timeout, onTimeout, zip: o.zipInputOnExit ?? false, shutdown };
}

const timeoutT = (t: Timeout): Term => (t === "infinity" ? A.infinity : t);

function* listItems(l: Term): Generator<Term, void, undefined> {
  let x = l;
  while (x instanceof Cons) {
    yield x.head;
    x = x.tail;
  }
  if (x !== nil) throw new ErlangError(tuple(atom("badarg"), l));
}

function iteratorOf(e: Enumerable): Iterator<Term> {
  if (e instanceof Cons || e === nil) return listItems(e);
  if (typeof e === "object" && Symbol.iterator in e) return (e as Iterable<Term>)[Symbol.iterator]();
  throw new TypeError(`protocol Enumerable not implemented for ${printTerm(e)} (Protocol.UndefinedError)`);
}

// ------------------------------------------------------------------ the task

/** Task.Supervised.reply with `:nomonitor`: wait for `{Caller, Tag}`, reply `{Tag, fun(Value)}`. */
const streamTask: Body = function* streamTask(c: ProcessContext, caller: Term, callers: Term, f: Term, value: Term) {
  c.put(K.callers, callers);
  const m = (yield* c.receive((x) => x instanceof Tuple && x.elements.length === 2 && equals(x.elements[0] as Term, caller))) as Tuple;
  const result = yield* run(applyFun(c, f, [value]));
  c.send(caller as Pid, tuple(m.elements[1] as Term, result));
};

const TASK_INITIAL_CALL: readonly [string, string, number] = ["Elixir.Task.Supervised", "invoke_mfa", 2];

type Spawned = readonly ["link" | "nolink", Pid] | "max_children";
/** How the monitor starts one task: `[type, Pid]`, or `max_children`. Runs in the monitor process. */
type Spawner = (c: ProcessContext, caller: Pid, callers: Term, f: Term, value: Term) => Spawned | Gen<Spawned>;

const linkedSpawner: Spawner = (c, caller, callers, f, value) => ["link", spawnProcLib(c, streamTask, [caller, callers, f, value], { initialCall: TASK_INITIAL_CALL, link: true })];

function supervisorSpawner(sup: ServerRef, type: "link" | "nolink", shutdown: number | "brutal_kill"): Spawner {
  return function* startChild(c, caller, callers, f, value): Gen<Spawned> {
    const r = yield* DS.startChild(c, sup, {
      id: K.supervised,
      restart: "temporary",
      shutdown,
      start: { module: "Elixir.Task.Supervised", fn: (cc) => tuple(A.ok, spawnProcLib(cc, streamTask, [caller, callers, f, value], { initialCall: TASK_INITIAL_CALL, link: true })) },
    });
    const e = r instanceof Tuple ? r.elements : [];
    if (e[0] === A.ok) {
      const pid = e[1] as Pid;
      if (type === "link") c.link(pid);
      return [type, pid];
    }
    if (e[0] === A.error && e[1] === K.max_children) return "max_children";
    return c.error(tuple(atom("case_clause"), r));
  };
}

// ------------------------------------------------------------------ the stream monitor

interface Running {
  readonly position: number;
  readonly type: "link" | "nolink";
  readonly pid: Pid;
  readonly deadline: number;
  timedOut: boolean;
}

const isDownOf = (m: Term, ref: Term): boolean => m instanceof Tuple && m.elements.length === 5 && m.elements[0] === A.DOWN && equals(m.elements[1] as Term, ref);

function* streamMonitor(c: ProcessContext, callers: Term, f: Term, spawner: Spawner, trap: boolean, timeout: Timeout): Gen<void> {
  c.trapExit(trap);
  const parent = (callers as Cons).head as Pid;
  const parentRef = c.monitor(parent);
  const first = (yield* c.receive((m) => (m instanceof Tuple && m.elements.length === 2 && equals(m.elements[0] as Term, parent)) || isDownOf(m, parentRef))) as Tuple;
  if (first.elements.length === 5) return c.exit(first.elements[4] as Term);
  const monitorRef = first.elements[1] as Term;
  const running = new Map<number | string, Running>();
  for (;;) {
    let deadline = Infinity;
    for (const t of running.values()) if (!t.timedOut && t.deadline < deadline) deadline = t.deadline;
    const m = yield* c.receive(undefined, deadline === Infinity ? {} : { after: Math.max(0, deadline - c.now()) });
    if (m === undefined) {
      // one or more tasks timed out: kill them whatever on_timeout says; the caller decides
      const now = c.now();
      for (const t of running.values()) {
        if (!t.timedOut && t.deadline <= now) {
          c.unlink(t.pid);
          c.exitSignal(t.pid, A.kill);
          t.timedOut = true;
        }
      }
      continue;
    }
    const e = m instanceof Tuple ? m.elements : [];
    if (e[0] === K.spawn && e.length === 3) {
      const position = e[1] as number;
      const sr = spawner(c, parent, callers, f, e[2] as Term);
      const r = isGen(sr) ? yield* (sr as Gen<Spawned>) : (sr as Spawned);
      if (r === "max_children") {
        c.send(parent, tuple(K.max_children, monitorRef));
        // stream_waiting_for_stop_loop: only stop or the caller's DOWN from now on
        for (;;) {
          const x = yield* c.receive();
          yield* stopOrParentDown(c, x, running, monitorRef, parentRef);
        }
      }
      const [type, pid] = r;
      const ref = c.monitor(pid);
      running.set(aliasKey(ref), { position, type, pid, deadline: timeout === "infinity" ? Infinity : c.now() + timeout, timedOut: false });
      c.send(parent, tuple(K.spawned, tuple(monitorRef, position), pid));
      continue;
    }
    if (e[0] === A.DOWN && e.length === 5) {
      const k = aliasKey(e[1] as Ref);
      const t = running.get(k);
      if (t !== undefined) {
        running.delete(k);
        c.send(parent, tuple(t.timedOut ? K.timed_out : K.down, tuple(monitorRef, t.position), e[4] as Term));
        continue;
      }
    }
    if (e[0] === A.EXIT && e.length === 3) continue;
    yield* stopOrParentDown(c, m, running, monitorRef, parentRef);
  }
}

/** handle_stop_or_parent_down: `{stop, Ref}` → kill all, wait, exit normal; the caller's DOWN → pass its reason on. */
function* stopOrParentDown(c: ProcessContext, m: Term, running: Map<number | string, Running>, monitorRef: Term, parentRef: Ref): Gen<void> {
  const e = m instanceof Tuple ? m.elements : [];
  if (e.length === 2 && e[0] === K.stop && equals(e[1] as Term, monitorRef)) {
    c.trapExit(true);
    for (const t of running.values()) c.exitSignal(t.pid, A.kill);
    for (const k of running.keys()) yield* c.receive((x) => x instanceof Tuple && x.elements.length === 5 && x.elements[0] === A.DOWN && aliasKey(x.elements[1] as Term) === k);
    return c.exit(A.normal);
  }
  if (isDownOf(m, parentRef)) {
    const reason = e[4] as Term;
    for (const t of running.values()) if (t.type === "link") c.exitSignal(t.pid, reason);
    return c.exit(reason);
  }
}

// ------------------------------------------------------------------ the caller

interface Slot {
  readonly pid: Pid;
  readonly value: Term;
  /** `{ok, Reply}` once the task replied; the final result once it is down. */
  result: Term | undefined;
  down: boolean;
}

function* streamReduce<T>(ctx: ProcessContext, enumerable: Enumerable, f: Term, o: AsyncStreamOptions, acc0: T, reducer: StreamReducer<T>, spawnerFor: (cfg: Config) => Spawner): Gen<T> {
  const cfg = checkOptions(o);
  const spawner = spawnerFor(cfg);
  const it = iteratorOf(enumerable);
  const mine = ctx.get(K.callers);
  const callers = new Cons(ctx.self, mine instanceof Cons ? mine : nil);
  const trap = ctx.processInfo(ctx.self, ["trap_exit"])?.trap_exit ?? false;
  const timeout = cfg.timeout;
  const [monitorPid, monitorRef] = ctx.spawnMonitor(
    function* taskStreamMonitor(c: ProcessContext, cs: Term, fn: Term) {
      yield* streamMonitor(c, cs, fn, spawner, trap, timeout);
    },
    [callers, f],
    { link: true, initialCall: "erlang:apply/2" },
  );
  ctx.send(monitorPid, tuple(ctx.self, monitorRef));
  const where = tuple(K.supervised, K.stream, list([timeoutT(timeout)]));

  const tagged = (x: Term | undefined): boolean => x instanceof Tuple && x.elements.length === 2 && equals(x.elements[0] as Term, monitorRef);
  const isReply = (m: Term): boolean => m instanceof Tuple && m.elements.length === 2 && tagged(m.elements[0]);
  const isNote = (m: Term): boolean => m instanceof Tuple && m.elements.length === 3 && (m.elements[0] === K.down || m.elements[0] === K.timed_out) && tagged(m.elements[1]);
  const isMonitorDown = (m: Term): boolean => isDownOf(m, monitorRef);

  /** stream_cleanup_inbox. */
  function* cleanup(): Gen<void> {
    yield* ctx.receive((m) => m instanceof Tuple && m.elements.length === 3 && m.elements[0] === A.EXIT && equals(m.elements[1] as Term, monitorPid), { after: 0 });
    while ((yield* ctx.receive((m) => isReply(m) || isNote(m), { after: 0 })) !== undefined) {
      /* flushed */
    }
  }
  /** stream_close. */
  function* close(): Gen<void> {
    ctx.send(monitorPid, tuple(K.stop, monitorRef));
    const d = (yield* ctx.receive(isMonitorDown)) as Tuple;
    yield* cleanup();
    const reason = d.elements[4] as Term;
    if (reason !== A.normal) ctx.exit(tuple(reason, where));
  }
  function* monitorDown(m: Term): Gen<never> {
    yield* cleanup();
    return ctx.exit(tuple((m as Tuple).elements[4] as Term, where));
  }

  let acc = acc0;
  let max = cfg.maxConcurrency;
  let spawned = 0;
  let delivered = 0;
  let done = false;
  const waiting = new Map<number, Slot>();

  /** The reducer on one result: true when the stream must stop (it halted; closed already). */
  function* deliver(result: Term): Gen<boolean> {
    let step: StreamStep<T>;
    try {
      const r = reducer(result, acc);
      step = isGen(r) ? yield* (r as Gen<StreamStep<T>>) : (r as StreamStep<T>);
    } catch (err) {
      if (!done) it.return?.();
      yield* close();
      throw err;
    }
    acc = step[1];
    if (step[0] === "halt") {
      yield* close();
      if (!done) it.return?.();
      return true;
    }
    return false;
  }

  for (;;) {
    if (spawned === delivered && done) {
      yield* close();
      return acc;
    }
    if (max === 0 || done) {
      const m = (yield* ctx.receive((x) => isReply(x) || isNote(x) || isMonitorDown(x))) as Tuple;
      if (isMonitorDown(m)) return yield* monitorDown(m);
      const e = m.elements;
      if (isReply(m)) {
        const slot = waiting.get(((e[0] as Tuple).elements[1] as number));
        if (slot !== undefined) slot.result = tuple(A.ok, e[1] as Term);
        continue;
      }
      const position = (e[1] as Tuple).elements[1] as number;
      const slot = waiting.get(position) as Slot;
      const reason = e[2] as Term;
      let result: Term;
      if (slot.result !== undefined) result = slot.result;
      else if (e[0] === K.down) result = tuple(A.exit, cfg.zip ? tuple(slot.value, reason) : reason);
      else if (cfg.onTimeout === "exit") {
        yield* cleanup();
        return ctx.exit(tuple(A.timeout, where));
      } else result = tuple(A.exit, cfg.zip ? tuple(slot.value, A.timeout) : A.timeout);
      max++;
      if (cfg.ordered) {
        slot.result = result;
        slot.down = true;
        for (let s = waiting.get(delivered); s?.down === true; s = waiting.get(delivered)) {
          waiting.delete(delivered);
          delivered++;
          if (yield* deliver(s.result as Term)) return acc;
        }
      } else {
        waiting.delete(position);
        delivered++;
        if (yield* deliver(result)) return acc;
      }
      continue;
    }
    let next: IteratorResult<Term>;
    try {
      next = it.next();
    } catch (err) {
      yield* close();
      throw err;
    }
    if (next.done === true) {
      done = true;
      continue;
    }
    // stream_spawn
    const position = spawned;
    ctx.send(monitorPid, tuple(K.spawn, position, next.value));
    const r = (yield* ctx.receive(
      (x) =>
        (x instanceof Tuple && x.elements.length === 3 && x.elements[0] === K.spawned && tagged(x.elements[1]) && (x.elements[1] as Tuple).elements[1] === position) ||
        (x instanceof Tuple && x.elements.length === 2 && x.elements[0] === K.max_children && equals(x.elements[1] as Term, monitorRef)) ||
        isMonitorDown(x),
    )) as Tuple;
    if (isMonitorDown(r)) return yield* monitorDown(r);
    if (r.elements[0] === K.max_children) {
      yield* close();
      it.return?.();
      throw maxChildrenError(true);
    }
    const pid = r.elements[2] as Pid;
    ctx.send(pid, tuple(ctx.self, tuple(monitorRef, position)));
    waiting.set(position, { pid, value: next.value, result: undefined, down: false });
    spawned++;
    max--;
  }
}

const collect: StreamReducer<Term[]> = (result, acc) => {
  acc.push(result);
  return ["cont", acc];
};

/** Task.async_stream(enumerable, fun, opts) |> Enum.reduce(acc, reducer)-style (halt stops the stream). */
export function asyncStreamReduce<T>(ctx: ProcessContext, enumerable: Enumerable, f: Term, o: AsyncStreamOptions, acc: T, reducer: StreamReducer<T>): Gen<T> {
  return streamReduce(ctx, enumerable, f, o, acc, reducer, () => linkedSpawner);
}

/** Task.async_stream(enumerable, fun, opts) |> Enum.to_list(): the results (`{ok, V}` | `{exit, R}`). */
export function asyncStream(ctx: ProcessContext, enumerable: Enumerable, f: Term, o: AsyncStreamOptions = {}): Gen<Term[]> {
  return streamReduce<Term[]>(ctx, enumerable, f, o, [], collect, () => linkedSpawner);
}

/** Task.Supervisor.async_stream / async_stream_nolink with a reducer (`link`: the tasks are linked to the stream). */
export function supervisorAsyncStreamReduce<T>(ctx: ProcessContext, sup: ServerRef, link: "link" | "nolink", enumerable: Enumerable, f: Term, o: AsyncStreamOptions, acc: T, reducer: StreamReducer<T>): Gen<T> {
  return streamReduce(ctx, enumerable, f, o, acc, reducer, (cfg) => supervisorSpawner(sup, link, cfg.shutdown));
}

/** Task.Supervisor.async_stream(sup, enumerable, fun, opts) |> Enum.to_list(). */
export function supervisorAsyncStream(ctx: ProcessContext, sup: ServerRef, enumerable: Enumerable, f: Term, o: AsyncStreamOptions = {}): Gen<Term[]> {
  return supervisorAsyncStreamReduce<Term[]>(ctx, sup, "link", enumerable, f, o, [], collect);
}

/** Task.Supervisor.async_stream_nolink(sup, enumerable, fun, opts) |> Enum.to_list(). */
export function supervisorAsyncStreamNolink(ctx: ProcessContext, sup: ServerRef, enumerable: Enumerable, f: Term, o: AsyncStreamOptions = {}): Gen<Term[]> {
  return supervisorAsyncStreamReduce<Term[]>(ctx, sup, "nolink", enumerable, f, o, [], collect);
}
