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
import { atom, Cons, list, nil, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import { EVENTS } from "@beamlab/telemetry";
import { ExitThrow, type Body, type ProcessContext, type SpawnOptions } from "@beamlab/scheduler";
import { A, caught, isNormalish, log, tuple, type Gen } from "./common.js";
import { allocateIn } from "./frames.js";

const K = { ancestors: atom("$ancestors"), initial_call: atom("$initial_call") };

export interface ProcLibOptions {
  /** `{Mod, Fun, Arity}` stored as `'$initial_call'`. */
  readonly initialCall: readonly [string, string, number];
  readonly link?: boolean;
  readonly spawnOpt?: SpawnOptions;
  /** proc_lib:spawn(M, F, A) (`"mfa"`, the default: init_p/5) or proc_lib:spawn(Fun) (`"fun"`:
   * init_p/3, `args` is `[Fun]`) — decides the argument list copied onto the child's heap. */
  readonly shape?: "mfa" | "fun";
  /** The argument list A, already built on the caller's heap (gen:do_spawn builds it behind its
   * own test_heap before proc_lib:spawn_opt builds `[Parent, Ancestors, M, F, A]`). */
  readonly argList?: Term;
}

/** proc_lib's get_my_name/0: the parent as it appears in the child's `'$ancestors'`. */
function myName(ctx: ProcessContext): Term {
  const me = ctx.processInfo(ctx.self, ["registered_name"])?.registered_name;
  return me === undefined ? ctx.self : atom(me);
}

/** proc_lib's get_ancestors/0: this process's own `'$ancestors'`, or []. */
function myAncestors(ctx: ProcessContext): Term {
  const mine = ctx.get(K.ancestors);
  return mine === A.undefined ? nil : mine;
}

/**
 * The argument list erlang:spawn_opt gets from proc_lib, copied onto the child's heap as on the
 * BEAM: `[Parent, Ancestors, M, F, A]` for proc_lib:spawn(M, F, A) (init_p/5; `args` become the
 * list A), or `[Parent, Ancestors, Fun]` for proc_lib:spawn(Fun) (init_p/3; `args` must be
 * `[Fun]`). The atoms M and F are immediates, so the entry MFA does not change the words.
 */
function initPArgs(ctx: ProcessContext, args: readonly Term[], o: ProcLibOptions): Term[] {
  const [m, f] = o.initialCall;
  if (o.shape === "fun") return [myName(ctx), myAncestors(ctx), args[0] ?? nil];
  return [myName(ctx), myAncestors(ctx), atom(m), atom(f), o.argList ?? list(args)];
}

/** init_p/3,5 in the child: the dictionary entries, then `body` with the caller's `args`. */
function initP(body: Body, o: ProcLibOptions): Body {
  const [m, f, a] = o.initialCall;
  return function* initP(c: ProcessContext, parent: Term, ancestors: Term, ...rest: Term[]) {
    c.put(K.ancestors, c.alloc(new Cons(parent, ancestors)));
    c.put(K.initial_call, c.alloc(tuple(atom(m), atom(f), a)));
    const xs: Term[] = [];
    if (o.shape === "fun") xs.push(rest[0] as Term);
    else for (let l = rest[2]; l instanceof Cons; l = l.tail) xs.push(l.head);
    yield* procLibBody(c, body, xs);
  };
}

/** proc_lib:spawn_opt: `body` runs inside proc_lib's init_p (dictionary entries, crash reports). */
export function spawnProcLib(ctx: ProcessContext, body: Body, args: readonly Term[], o: ProcLibOptions): Pid {
  const opts: SpawnOptions = { initialCall: `proc_lib:init_p/${o.shape === "fun" ? 3 : 5}`, ...o.spawnOpt, ...(o.link === true ? { link: true } : {}) };

  return ctx.spawn(initP(body, o), builtOnCaller(ctx, initPArgs(ctx, args, o)), opts);
}

/**
 * proc_lib:spawn(_link)/1,3 run in the caller as OTP 25 compiles them (beam_disasm of proc_lib;
 * frames.ts for the stack rules): `allocate 2` (a fun: spawn_link/1) or `allocate 4` (M, F, A:
 * spawn_link/3) keeping the arguments; get_my_name/0 (`allocate 0`) → proc_info/2 →
 * `call_ext_only` erlang:process_info(self(), registered_name) — a BIF whose return runs the
 * collection check (a collection when the heap fragments outgrow the free words: sup_gc.json's
 * supervisor collects there, at stack 32, during a task child's start); get_ancestors/0
 * (erlang:get/1, a guard BIF); `test_heap` for `[Parent, Ancestors | Args]` (6 or 10 words);
 * then the spawn BIF by `call_ext_last` (the frame gone). Same process as {@link spawnProcLib}.
 * The entry word of spawn_link itself is pushed here (the caller's `call_ext`). Each call
 * costs its reduction; the path is not a preemption point (a few calls, synchronous).
 */
export function spawnProcLibCompiled(ctx: ProcessContext, body: Body, args: readonly Term[], o: ProcLibOptions): Pid {
  const heap = ctx.heap;
  const sl = heap.pushFrame(1); // spawn_link/1,3's entry word (the caller's call_ext)
  ctx.bif(); // the call's reduction
  for (const a of args) sl.hold(a);
  if (o.argList !== undefined) sl.hold(o.argList);
  allocateIn(heap, sl, o.shape === "fun" ? 2 : 4);
  const gm = heap.pushFrame(1); // get_my_name/0
  ctx.bif();
  allocateIn(heap, gm, 0);
  gm.stackWords += 1; // proc_info/2's entry word
  ctx.bif();
  ctx.bif(); // erlang:process_info(self(), registered_name) (call_ext_only)
  const name = myName(ctx);
  ctx.afterCallBif(name);
  heap.popFrame(gm);
  ctx.bif(); // get_ancestors/0: erlang:get/1 is a guard BIF
  const xs = initPArgs(ctx, args, o);
  ctx.alloc(list(xs)); // test_heap 6 | 10: the list erlang:spawn_link copies (garbage after)
  sl.stackWords = 1; // call_ext_last: the frame is gone, its entry word stays for the BIF
  const opts: SpawnOptions = { initialCall: `proc_lib:init_p/${o.shape === "fun" ? 3 : 5}`, ...o.spawnOpt, ...(o.link === true ? { link: true } : {}) };
  const pid = ctx.spawn(initP(body, o), xs, opts);
  heap.popFrame(sl);
  return pid;
}

/** The argument list is built on the caller's heap before erlang:spawn_opt copies it (garbage
 * for the caller once the spawn returns). */
function builtOnCaller(ctx: ProcessContext, xs: Term[]): Term[] {
  ctx.alloc(list(xs));
  return xs;
}

/** proc_lib:spawn with a monitor: `[Pid, Ref]`. */
export function spawnMonitorProcLib(ctx: ProcessContext, body: Body, args: readonly Term[], o: ProcLibOptions): [Pid, Term] {
  const [pid, ref] = ctx.spawnMonitor(initP(body, o), builtOnCaller(ctx, initPArgs(ctx, args, o)), { initialCall: `proc_lib:init_p/${o.shape === "fun" ? 3 : 5}`, ...o.spawnOpt });
  return [pid, ref];
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
  ctx.heap.allocGarbage(4); // the {ack, self(), Return} tuple is built here, then copied
  ctx.send(starter, new Tuple([A.ack, ctx.self, ret]));
}
