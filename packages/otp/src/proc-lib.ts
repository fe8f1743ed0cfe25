/**
 * `proc_lib`: how OTP processes are started and how they die.
 *
 * Owns: `spawnProcLib` (proc_lib:spawn/spawn_link/spawn_opt: the new process gets
 * `'$ancestors'` = [Parent | Parent's ancestors] (a registered parent by name) and
 * `'$initial_call'` = {Mod, Fun, Arity} in its dictionary — real heap words, as on the BEAM), the
 * exit of such a process (`exit_p`: an `error` becomes the exit reason `{Reason, Stack}`, and any
 * exit that is not normal, shutdown or {shutdown, _} writes a crash report shaped like
 * proc_lib's: `[[{initial_call, …}, {pid, …}, {registered_name, …}, {error_info, {Class, Reason,
 * Stack}}, {ancestors, …}, {message_queue_len, …}, {links, …}, {dictionary, …}, {trap_exit, …},
 * {status, …}, {heap_size, …}, {stack_size, …}, {reductions, …}], Neighbours]`), and `initAck`.
 * Differences: neighbours are always [] (no linked-process details); `messages` is omitted.
 * Invariant: the body's own exit reason is kept (exit class) or wrapped once (error class).
 */
import { atom, copyTerm, list, nil, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import { EVENTS } from "@beamlab/telemetry";
import { ExitThrow, type Body, type ProcessContext, type SpawnOptions } from "@beamlab/scheduler";
import { A, caught, isNormalish, log, tuple, type Gen } from "./common.js";

const K = { ancestors: atom("$ancestors"), initial_call: atom("$initial_call") };

export interface ProcLibOptions {
  /** `{Mod, Fun, Arity}` stored as `'$initial_call'`. */
  readonly initialCall: readonly [string, string, number];
  readonly link?: boolean;
  readonly spawnOpt?: SpawnOptions;
}

/** The `'$ancestors'` a child of this process gets. */
function ancestorsFor(ctx: ProcessContext): Term {
  const me = ctx.processInfo(ctx.self, ["registered_name"])?.registered_name;
  const parent: Term = me === undefined ? ctx.self : atom(me);
  const mine = ctx.get(K.ancestors);
  return list([parent], mine === A.undefined ? nil : mine);
}

/** proc_lib:spawn_opt: `body` runs inside proc_lib's init_p (dictionary entries, crash reports). */
export function spawnProcLib(ctx: ProcessContext, body: Body, args: readonly Term[], o: ProcLibOptions): Pid {
  const ancestors = ancestorsFor(ctx);
  const [m, f, a] = o.initialCall;
  const wrapped: Body = function* initP(c: ProcessContext, ...xs: Term[]) {
    putDict(c, ancestors, m, f, a);
    yield* procLibBody(c, body, xs);
  };
  const opts: SpawnOptions = { initialCall: "proc_lib:init_p/5", ...o.spawnOpt, ...(o.link === true ? { link: true } : {}) };
  return ctx.spawn(wrapped, args, opts);
}

/** proc_lib:spawn with a monitor: `[Pid, Ref]`. */
export function spawnMonitorProcLib(ctx: ProcessContext, body: Body, args: readonly Term[], o: ProcLibOptions): [Pid, Term] {
  const ancestors = ancestorsFor(ctx);
  const [m, f, a] = o.initialCall;
  const wrapped: Body = function* initP(c: ProcessContext, ...xs: Term[]) {
    putDict(c, ancestors, m, f, a);
    yield* procLibBody(c, body, xs);
  };
  const [pid, ref] = ctx.spawnMonitor(wrapped, args, { initialCall: "proc_lib:init_p/5", ...o.spawnOpt });
  return [pid, ref];
}

/** put('$ancestors', …), put('$initial_call', …): the `{Key, Value}` tuples stay on the heap (6 words,
 * measured in otp_memory.json's hibernated servers) through the scheduler's dictionary roots. */
function putDict(c: ProcessContext, ancestors: Term, m: string, f: string, a: number): void {
  const anc = c.alloc(copyTerm(ancestors));
  const ic = c.alloc(tuple(atom(m), atom(f), a));
  c.put(K.ancestors, anc);
  c.put(K.initial_call, ic);
}

function* procLibBody(c: ProcessContext, body: Body, xs: Term[]): Gen<void> {
  try {
    yield* body(c, ...xs);
  } catch (err) {
    const k = caught(err);
    const exitReason = k.cls === A.exit ? k.reason : tuple(k.reason, k.stack);
    if (!(k.cls === A.exit && isNormalish(k.reason))) crashReport(c, k.cls, k.reason, k.stack);
    throw new ExitThrow(exitReason);
  }
}

/** The proc_lib crash report of the running process. */
export function crashReport(ctx: ProcessContext, cls: Term, reason: Term, stack: Term): void {
  const i = ctx.processInfo(ctx.self);
  if (i === undefined) return;
  const kv = (k: string, v: Term): Tuple => tuple(atom(k), v);
  const report = list([
    kv("initial_call", ctx.get(K.initial_call)),
    kv("pid", ctx.self),
    kv("registered_name", i.registered_name === undefined ? nil : atom(i.registered_name)),
    kv("error_info", tuple(cls, reason, stack)),
    kv("ancestors", ctx.get(K.ancestors)),
    kv("message_queue_len", i.message_queue_len),
    kv("links", list(i.links)),
    kv("dictionary", list(i.dictionary.map(([k, v]) => tuple(k, v)))),
    kv("trap_exit", i.trap_exit ? A.true : A.false),
    kv("status", atom(i.status)),
    kv("heap_size", i.heap_size),
    kv("stack_size", i.stack_size),
    kv("reductions", i.reductions),
  ]);
  log(ctx, "proc_lib crash", { report: list([report, nil]), reason });
  const bus = ctx.scheduler.telemetry;
  if (bus !== undefined) {
    bus.execute(EVENTS.procLib.crashReport, { heap_size: i.heap_size, reductions: i.reductions }, { pid: printTerm(ctx.self), initial_call: printTerm(ctx.get(K.initial_call)), reason: printTerm(reason) });
  }
}

/** proc_lib:init_ack(Starter, Return): `{ack, self(), Return}`. */
export function initAck(ctx: ProcessContext, starter: Pid, ret: Term): void {
  ctx.send(starter, new Tuple([A.ack, ctx.self, ret]));
}
