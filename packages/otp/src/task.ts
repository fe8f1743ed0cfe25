/**
 * Elixir's `Task` and `Task.Supervisor` (Task.Supervised processes started with proc_lib).
 *
 * Owns: async (a linked proc_lib process with `'$callers'` = [Owner]; the caller monitors it with
 * an alias and sends it `{Owner, Alias, Alias}`; the task runs its fun, sends `{Alias, Result}`
 * and exits normally — its heap goes with it), await (timeout → `{timeout, {'Elixir.Task',
 * await, [Task, Timeout]}}`; a 'DOWN' → `{Reason, {'Elixir.Task', await, [Task, Timeout]}}`; not
 * the owner → an ArgumentError), awaitMany (results in task order; one timeout for all), yield
 * (`{ok, R}` | `{exit, R}` | nil), shutdown (unlink, exit shutdown, kill after the timeout or
 * brutal_kill: `{ok, R}` if the reply came first, `{exit, R}` for another reason, else nil),
 * start/startLink (no reply), Task.Supervisor (a DynamicSupervisor whose children are
 * temporary): startChild, supervisorAsync (Task.Supervisor.async: the task is linked to the
 * supervisor, then linked to the caller with link/1 once started, and monitored by the caller —
 * so a crash takes a non-trapping caller down, and `await_` works as for Task.async) and
 * asyncNolink (linked to the supervisor, monitored by the caller); both take `shutdown` (the
 * child spec's, default 5000) and raise Elixir's RuntimeError ("reached the maximum number of
 * tasks for this task supervisor…", an ElixirRuntimeError) when the supervisor is at
 * max_children. Their task monitors the owner until it gets `{Owner, Ref, Ref}` (Elixir's
 * `:monitor` mode: the owner's 'DOWN' → exit `{shutdown, Reason}`; 5000 ms → exit timeout).
 * Streams (task-stream.ts, re-exported here): asyncStream / asyncStreamReduce
 * (Task.async_stream), supervisorAsyncStream / supervisorAsyncStreamNolink /
 * supervisorAsyncStreamReduce (Task.Supervisor.async_stream[_nolink]); options maxConcurrency
 * (default 1 = the simulator's schedulers_online), ordered (true), timeout (5000 virtual ms),
 * onTimeout (exit | kill_task), zipInputOnExit (false), shutdown (supervisor forms). They run the
 * whole stream when called and return a JS array of `{ok, V}` | `{exit, R}` (the *Reduce forms
 * take a reducer that may halt); see task-stream.ts for the processes, invariants and differences.
 * Differences: a crashing task writes proc_lib's crash report (Elixir's Task.Supervised writes
 * its own "Task … terminating" log); the task is represented as the tuple
 * `{'Elixir.Task', Pid, Ref, Owner}` in exit reasons (Elixir: a %Task{} struct);
 * ArgumentError is a TypeError; a supervisor start error other than max_children exits the
 * caller with it (Elixir: a CaseClauseError).
 * Invariant: after await/yield-with-reply/shutdown the caller holds no monitor for the task.
 */
import { atom, Cons, equals, list, markLiteral, nil, Tuple, type Pid, type Ref, type Term } from "@beamlab/heap";
import type { Body, ProcessContext } from "@beamlab/scheduler";
import { A, activateAlias, aliasActive, applyFun, deactivateAlias, demonitorFlush, run, tuple, type Gen } from "./common.js";
import * as DS from "./dynamic-supervisor.js";
import type { ServerRef, Timeout } from "./gen.js";
import { spawnProcLib, spawnProcLibCompiled } from "./proc-lib.js";
import { allocateIn } from "./frames.js";
import { maxChildrenError } from "./task-stream.js";

export {
  asyncStream,
  asyncStreamReduce,
  supervisorAsyncStream,
  supervisorAsyncStreamNolink,
  supervisorAsyncStreamReduce,
  ElixirRuntimeError,
  type AsyncStreamOptions,
  type Enumerable,
  type StreamReducer,
  type StreamStep,
} from "./task-stream.js";

export interface Task {
  readonly pid: Pid;
  readonly ref: Ref;
  readonly owner: Pid;
  /** `{'Elixir.Task', Pid, Ref, Owner}`. */
  readonly term: Term;
}

const TASK = atom("Elixir.Task");
const callersK = atom("$callers");

function callersOf(ctx: ProcessContext, owner: Pid): Term {
  const mine = ctx.get(callersK);
  return new Cons(owner, mine === A.undefined ? nil : mine);
}

/** The Task.Supervised process: `monitored` ones wait for `{Owner, Ref, ReplyTo}` first; `watchOwner`
 * (Elixir's `:monitor` mode, for Task.Supervisor.async/async_nolink) also monitors the owner while
 * waiting: its `'DOWN'` → exit `{shutdown, Reason}`, nothing after 5000 ms → exit `timeout`. */
function taskBody(monitored: boolean, watchOwner = false): Body {
  return function* taskSupervised(ctx: ProcessContext, callers: Term, f: Term) {
    ctx.put(callersK, callers);
    if (!monitored) {
      yield* run(applyFun(ctx, f, []));
      return;
    }
    const owner = (callers as Cons).head;
    const fromOwner = (x: Term): boolean => x instanceof Tuple && x.elements.length === 3 && equals(x.elements[0] as Term, owner);
    let m: Tuple;
    if (watchOwner) {
      const mref = ctx.monitor(owner as Pid);
      const got = yield* ctx.receive((x) => fromOwner(x) || (x instanceof Tuple && x.elements.length === 5 && x.elements[0] === A.DOWN && equals(x.elements[1] as Term, mref)), { after: 5000 });
      if (got === undefined) return ctx.exit(A.timeout);
      if ((got as Tuple).elements.length === 5) return ctx.exit(tuple(A.shutdown, (got as Tuple).elements[4] as Term));
      demonitorFlush(ctx, mref);
      m = got as Tuple;
    } else m = (yield* ctx.receive(fromOwner)) as Tuple;
    const ref = m.elements[1] as Term;
    const replyTo = m.elements[2] as Term;
    const result = yield* run(applyFun(ctx, f, []));
    const tag = new Cons(A.alias, ref);
    if (aliasActive(ctx, tag)) ctx.send(m.elements[0] as Pid, tuple(replyTo, result));
  };
}

function startTask(ctx: ProcessContext, f: Term, link: boolean, monitored: boolean, owner: Pid): Pid {
  return spawnProcLib(ctx, taskBody(monitored), [callersOf(ctx, owner), f], { initialCall: ["Elixir.Task.Supervised", "invoke_mfa", 2], link });
}

function monitorTask(ctx: ProcessContext, pid: Pid): Task {
  const ref = ctx.monitor(pid);
  activateAlias(ctx, new Cons(A.alias, ref));
  ctx.send(pid, tuple(ctx.self, ref, ref));
  return { pid, ref, owner: ctx.self, term: tuple(TASK, pid, ref, ctx.self) };
}

/** Task.async(fun). */
export function async(ctx: ProcessContext, f: Term): Task {
  return monitorTask(ctx, startTask(ctx, f, true, true, ctx.self));
}

/**
 * Task.start(fun) / Task.start_link(fun) as Elixir 1.14 compiles them, frame by frame
 * (beam_disasm of Elixir.Task, Elixir.Task.Supervised and Elixir.Process; frames.ts): start/1
 * pushes its entry word (apply's or the caller's return address) and tests for
 * `[Fun | [[]]]` (2 words, its tail a literal); start_link/3 (`allocate_heap 2, 4`) builds
 * `{erlang, apply, [Fun, []]}` (4); get_owner/1 (`allocate 1`) calls Process.info(self(),
 * :registered_name) (`allocate 0`; erlang:process_info/2, a BIF whose return runs the
 * collection check) and builds `{node(), Pid, Pid}` (4); get_callers/1 `[Owner | Callers]` (2);
 * then `call_ext_last` Task.Supervised.start_link/3 (start_link/3's frame gone):
 * `allocate_heap 0, 6` for `[Owner, Callers, MFA]`, `call_ext` proc_lib:spawn_link/3
 * (proc-lib.ts spawnProcLibCompiled) and `{ok, Pid}` (test_heap 3). Each call costs its
 * reduction; the path is not a preemption point. The task runs the MFA's fun.
 */
function startSupervised(ctx: ProcessContext, f: Term, link: boolean): Term {
  const self = ctx.self;
  const heap = ctx.heap;
  const entry = heap.pushFrame(1); // start_link/1's entry word
  ctx.bif();
  entry.hold(f);
  const applyArgs = entry.hold(ctx.alloc(new Cons(f, NIL_ARGS))); // test_heap 2
  ctx.bif(); // call_only start_link/3
  heap.heapTest(2 + 4); // allocate_heap 2, 4
  entry.stackWords += 2;
  const mfa = entry.hold(ctx.alloc(tuple(atom("erlang"), atom("apply"), applyArgs)));
  const go = heap.pushFrame(1); // get_owner/1
  ctx.bif();
  allocateIn(heap, go, 1);
  const pi = heap.pushFrame(1); // Process.info/2
  ctx.bif();
  allocateIn(heap, pi, 0);
  ctx.bif(); // erlang:process_info(Pid, registered_name)
  ctx.afterCallBif(nil);
  heap.popFrame(pi);
  const owner = entry.hold(ctx.alloc(tuple(atom("nonode@nohost"), self, self))); // test_heap 4
  heap.popFrame(go);
  const gc = heap.pushFrame(1); // get_callers/1: erlang:get/1 (a guard BIF), test_heap 2
  ctx.bif();
  const callers = entry.hold(ctx.alloc(callersOf(ctx, self)));
  heap.popFrame(gc);
  entry.stackWords = 1; // call_ext_last Task.Supervised.start_link/3
  ctx.bif();
  const args = [owner, callers, mfa];
  const argList = entry.hold(ctx.alloc(list(args))); // allocate_heap 0, 6
  const pid = spawnProcLibCompiled(ctx, noreplyBody, args, { initialCall: ["Elixir.Task.Supervised", "noreply", 3], link, argList });
  const r = ctx.alloc(tuple(A.ok, pid)); // test_heap 3
  heap.popFrame(entry);
  return r;
}

/** The literal `[[]]` (Task.start_link/1's `[Fun | [[]]]`: the compiler's literal tail, 0 heap words). */
const NIL_ARGS = markLiteral(new Cons(nil, nil));

/** Task.Supervised.noreply(Owner, Callers, {M, F, [Fun, []]}): the task runs Fun. */
const noreplyBody: Body = function* noreply(ctx: ProcessContext, _owner: Term, callers: Term, mfa: Term) {
  const f = ((mfa as Tuple).elements[2] as Cons).head;
  yield* taskBody(false)(ctx, callers, f);
};

/** Task.start(fun) / Task.start_link(fun): `{ok, Pid}` (see {@link startSupervised}). */
export function start(ctx: ProcessContext, f: Term): Term {
  return startSupervised(ctx, f, false);
}
export function startLink(ctx: ProcessContext, f: Term): Term {
  return startSupervised(ctx, f, true);
}

const isReplyOf = (t: Task) => (m: Term): boolean => m instanceof Tuple && m.elements.length === 2 && equals(m.elements[0] as Term, t.ref);
const isDownOf = (t: Task) => (m: Term): boolean => m instanceof Tuple && m.elements.length === 5 && m.elements[0] === A.DOWN && equals(m.elements[1] as Term, t.ref);

function forget(ctx: ProcessContext, t: Task): void {
  demonitorFlush(ctx, t.ref);
  deactivateAlias(ctx, new Cons(A.alias, t.ref));
}

function checkOwner(ctx: ProcessContext, t: Task): void {
  if (t.owner.id !== ctx.self.id || t.owner.serial !== ctx.self.serial) throw new TypeError(`task ${t.pid.id} must be queried from the owner but was queried from ${ctx.self.id} (ArgumentError)`);
}

const timeoutT = (t: Timeout): Term => (t === "infinity" ? A.infinity : t);

/** Task.await(task, timeout \\ 5000). */
export function* await_(ctx: ProcessContext, t: Task, timeout: Timeout = 5000): Gen<Term> {
  checkOwner(ctx, t);
  const rep = isReplyOf(t);
  const down = isDownOf(t);
  const m = yield* ctx.receive((x) => rep(x) || down(x), timeout === "infinity" ? {} : { after: timeout });
  const where = tuple(TASK, atom("await"), list([t.term, timeoutT(timeout)]));
  if (m === undefined) {
    forget(ctx, t);
    return ctx.exit(tuple(A.timeout, where));
  }
  const e = (m as Tuple).elements;
  if (rep(m)) {
    forget(ctx, t);
    return e[1] as Term;
  }
  deactivateAlias(ctx, new Cons(A.alias, t.ref));
  return ctx.exit(tuple(e[4] as Term, where));
}

/** Task.await_many(tasks, timeout \\ 5000): the results in task order. */
export function* awaitMany(ctx: ProcessContext, tasks: readonly Task[], timeout: Timeout = 5000): Gen<Term[]> {
  for (const t of tasks) checkOwner(ctx, t);
  const results = new Array<Term | undefined>(tasks.length);
  let left = tasks.length;
  const deadline = timeout === "infinity" ? Infinity : ctx.now() + timeout;
  const where = tuple(TASK, atom("await_many"), list([list(tasks.map((t) => t.term)), timeoutT(timeout)]));
  while (left > 0) {
    const pending = tasks.map((t, i) => [t, i] as const).filter(([, i]) => results[i] === undefined);
    const remaining = deadline - ctx.now();
    const m = yield* ctx.receive((x) => pending.some(([t]) => isReplyOf(t)(x) || isDownOf(t)(x)), deadline === Infinity ? {} : { after: Math.max(0, remaining) });
    if (m === undefined) {
      for (const [t] of pending) forget(ctx, t);
      return ctx.exit(tuple(A.timeout, where));
    }
    const hit = pending.find(([t]) => isReplyOf(t)(m) || isDownOf(t)(m)) as readonly [Task, number];
    const e = (m as Tuple).elements;
    if (isReplyOf(hit[0])(m)) {
      forget(ctx, hit[0]);
      results[hit[1]] = e[1];
      left--;
    } else return ctx.exit(tuple(e[4] as Term, where));
  }
  return results as Term[];
}

/** Task.yield(task, timeout \\ 5000): `{ok, R}` | `{exit, R}` | undefined (nil). */
export function* yield_(ctx: ProcessContext, t: Task, timeout: Timeout = 5000): Gen<Term | undefined> {
  checkOwner(ctx, t);
  const rep = isReplyOf(t);
  const down = isDownOf(t);
  const m = yield* ctx.receive((x) => rep(x) || down(x), timeout === "infinity" ? {} : { after: timeout });
  if (m === undefined) return undefined;
  const e = (m as Tuple).elements;
  if (rep(m)) {
    forget(ctx, t);
    return tuple(A.ok, e[1] as Term);
  }
  deactivateAlias(ctx, new Cons(A.alias, t.ref));
  return tuple(A.exit, e[4] as Term);
}

/** Task.shutdown(task, timeout \\ 5000 | brutal_kill): `{ok, R}` | `{exit, R}` | undefined (nil). */
export function* shutdown(ctx: ProcessContext, t: Task, timeout: Timeout | "brutal_kill" = 5000): Gen<Term | undefined> {
  checkOwner(ctx, t);
  ctx.unlink(t.pid);
  ctx.exitSignal(t.pid, timeout === "brutal_kill" ? A.kill : A.shutdown);
  const rep = isReplyOf(t);
  const down = isDownOf(t);
  let m = yield* ctx.receive((x) => rep(x) || down(x), timeout === "infinity" || timeout === "brutal_kill" ? {} : { after: timeout });
  if (m === undefined) {
    ctx.exitSignal(t.pid, A.kill);
    m = yield* ctx.receive((x) => rep(x) || down(x));
  }
  const e = (m as Tuple).elements;
  if (rep(m)) {
    forget(ctx, t);
    return tuple(A.ok, e[1] as Term);
  }
  deactivateAlias(ctx, new Cons(A.alias, t.ref));
  const r = e[4] as Term;
  if (r === A.shutdown || r === A.killed || r === A.noproc) return undefined;
  return tuple(A.exit, r);
}

// ------------------------------------------------------------------ Task.Supervisor

/** Task.Supervisor.start_link(opts): a DynamicSupervisor whose children are temporary. */
export function supervisorStartLink(ctx: ProcessContext, o: DS.DynamicSupervisorOptions = {}): Gen<Term> {
  return DS.startLink(ctx, o, "temporary");
}

/** Task.Supervisor.start_child(sup, fun): `{ok, Pid}` (a temporary child, not linked to the caller). */
export function supervisorStartChild(ctx: ProcessContext, sup: ServerRef, f: Term): Gen<Term> {
  const callers = callersOf(ctx, ctx.self);
  return DS.startChild(ctx, sup, {
    id: atom("Elixir.Task.Supervised"),
    restart: "temporary",
    start: { module: "Elixir.Task.Supervised", fn: (c) => tuple(A.ok, spawnProcLib(c, taskBody(false), [callers, f], { initialCall: ["Elixir.Task.Supervised", "invoke_mfa", 2], link: true })) },
  });
}

/** Options of Task.Supervisor.async / async_nolink. */
export interface SupervisorAsyncOptions {
  /** The child's shutdown when the supervisor stops it (default 5000). */
  readonly shutdown?: number | "brutal_kill";
}

function* supervisedAsync(ctx: ProcessContext, sup: ServerRef, f: Term, link: boolean, o: SupervisorAsyncOptions): Gen<Task> {
  const callers = callersOf(ctx, ctx.self);
  const r = yield* DS.startChild(ctx, sup, {
    id: atom("Elixir.Task.Supervised"),
    restart: "temporary",
    shutdown: o.shutdown ?? 5000,
    start: { module: "Elixir.Task.Supervised", fn: (c) => tuple(A.ok, spawnProcLib(c, taskBody(true, true), [callers, f], { initialCall: ["Elixir.Task.Supervised", "invoke_mfa", 2], link: true })) },
  });
  const e = (r as Tuple).elements;
  if (e[0] === A.ok) {
    const pid = e[1] as Pid;
    if (link) ctx.link(pid);
    return monitorTask(ctx, pid);
  }
  if (e[0] === A.error && e[1] === atom("max_children")) throw maxChildrenError(false);
  return ctx.exit(r);
}

/**
 * Task.Supervisor.async(sup, fun, opts): a task under `sup`, linked to the caller (after the
 * supervisor started it, as Elixir's `Process.link/1`) and monitored by it; await it with
 * {@link await_}. A full supervisor raises Elixir's RuntimeError ({@link ElixirRuntimeError}).
 */
export function supervisorAsync(ctx: ProcessContext, sup: ServerRef, f: Term, o: SupervisorAsyncOptions = {}): Gen<Task> {
  return supervisedAsync(ctx, sup, f, true, o);
}

/** Task.Supervisor.async_nolink(sup, fun, opts): a task under `sup`, monitored (not linked) by the caller. */
export function asyncNolink(ctx: ProcessContext, sup: ServerRef, f: Term, o: SupervisorAsyncOptions = {}): Gen<Task> {
  return supervisedAsync(ctx, sup, f, false, o);
}
