/**
 * `gen_server` (OTP 25 gen_server.erl) on the scheduler.
 *
 * Owns: start/startLink (synchronous: the starter waits for `{ack, Pid, Return}`; start monitors,
 * startLink links; local names; `already_started`), the server loop (receive any message;
 * `{'$gen_call', From, Req}` → handleCall, `{'$gen_cast', Msg}` → handleCast, `{system, From,
 * Req}` → sys, `{'EXIT', Parent, R}` while trapping → terminate, anything else → handleInfo;
 * `{continue, C}` → handleContinue before the next receive; an integer timeout → `timeout` to
 * handleInfo; `hibernate` → erlang:hibernate (the heap shrinks to the state); `hibernateAfter`),
 * call (gen.ts; the caller exits with `{Reason, {gen_server, call, [Server, Request | Timeout]}}`),
 * cast, reply, stop (proc_lib:stop: `{system, From, {terminate, Reason}}` and a monitor),
 * terminate (the terminate callback, then a `{gen_server, terminate}` error report unless the
 * reason is normal/shutdown/{shutdown, _}, then the exit — proc_lib adds its crash report), and
 * bad return values (`{bad_return_value, V}` as the exit reason, from init too).
 * Callbacks get the server's own context; they return Erlang terms (helpers below) or a
 * generator when they block. The state is a term held on the server's heap (a GC root);
 * a received message is held while its callback runs, then dropped.
 * Invariants: exactly one callback runs at a time; a caller gets at most one reply per call.
 */
import { atom, charlist, equals as equalsTerm, list, nil, Pid, printTerm, Tuple, type Term } from "@beamlab/heap";
import type { Body, ProcessContext, SpawnOptions } from "@beamlab/scheduler";
import { A, caught, demonitorFlush, isGen, isNormalish, log, tuple, type CbResult, type Gen } from "./common.js";
import { genCall, genCallAs, reply as genReply, type ServerRef, type Timeout } from "./gen.js";
import { initAck, spawnMonitorProcLib, spawnProcLib } from "./proc-lib.js";

export interface GenServerModule {
  /** The module name (initial_call `{Name, init, 1}`, reports). */
  readonly name: string;
  init(ctx: ProcessContext, args: Term): CbResult;
  handleCall?(ctx: ProcessContext, request: Term, from: Term, state: Term): CbResult;
  handleCast?(ctx: ProcessContext, msg: Term, state: Term): CbResult;
  handleInfo?(ctx: ProcessContext, msg: Term, state: Term): CbResult;
  handleContinue?(ctx: ProcessContext, cont: Term, state: Term): CbResult;
  terminate?(ctx: ProcessContext, reason: Term, state: Term): CbResult;
}

export interface StartOptions {
  /** `{local, Name}`. */
  readonly name?: string;
  /** How long the starter waits for init (default infinity). */
  readonly timeout?: Timeout;
  /** `{hibernate_after, Ms}`. */
  readonly hibernateAfter?: number;
  readonly spawnOpt?: SpawnOptions;
  /** Stack words of gen_server:loop waiting in its receive (default 11: measured on OTP 25, otp_memory.json). */
  readonly loopStack?: number;
}

// ------------------------------------------------------------------ return-value helpers

export const reply = (r: Term, s: Term, action?: Term): Tuple => (action === undefined ? tuple(A.reply, r, s) : tuple(A.reply, r, s, action));
export const noreply = (s: Term, action?: Term): Tuple => (action === undefined ? tuple(A.noreply, s) : tuple(A.noreply, s, action));
export const ok = (s: Term, action?: Term): Tuple => (action === undefined ? tuple(A.ok, s) : tuple(A.ok, s, action));
export const stop = (reason: Term, s: Term): Tuple => tuple(A.stop, reason, s);
export const stopReply = (reason: Term, r: Term, s: Term): Tuple => tuple(A.stop, reason, r, s);
export const cont = (c: Term): Tuple => tuple(A.continue, c);

// ------------------------------------------------------------------ client API

function* doStart(ctx: ProcessContext, mod: GenServerModule, args: Term, o: StartOptions, link: boolean): Gen<Term> {
  const starter = ctx.self;
  const body: Body = function* (c: ProcessContext) {
    yield* initIt(c, starter, link ? starter : c.self, mod, args, o);
  };
  const spawnArgs: Term[] = [A.gen_server, starter, link ? starter : atom("self"), o.name === undefined ? atom("self") : tuple(atom("local"), atom(o.name)), atom(mod.name), args, nil];
  const plo = { initialCall: [mod.name, "init", 1] as const, ...(o.spawnOpt !== undefined ? { spawnOpt: o.spawnOpt } : {}) };
  const after = o.timeout === undefined || o.timeout === "infinity" ? {} : { after: o.timeout };
  if (link) {
    const pid = spawnProcLib(ctx, body, spawnArgs, { ...plo, link: true });
    const m = yield* ctx.receive((x) => x instanceof Tuple && x.elements.length === 3 && (x.elements[0] === A.ack || x.elements[0] === A.EXIT) && isPid(x.elements[1], pid), after);
    if (m === undefined) {
      ctx.unlink(pid);
      ctx.exitSignal(pid, A.kill);
      return tuple(A.error, A.timeout);
    }
    const t = m as Tuple;
    return t.elements[0] === A.ack ? (t.elements[2] as Term) : tuple(A.error, t.elements[2] as Term);
  }
  const [pid, ref] = spawnMonitorProcLib(ctx, body, spawnArgs, plo);
  const m = yield* ctx.receive(
    (x) => x instanceof Tuple && ((x.elements.length === 3 && x.elements[0] === A.ack && isPid(x.elements[1], pid)) || (x.elements.length === 5 && x.elements[0] === A.DOWN && equalsTerm(x.elements[1] as Term, ref))),
    after,
  );
  if (m === undefined) {
    demonitorFlush(ctx, ref);
    ctx.exitSignal(pid, A.kill);
    return tuple(A.error, A.timeout);
  }
  const t = m as Tuple;
  if (t.elements[0] === A.ack) {
    demonitorFlush(ctx, ref);
    return t.elements[2] as Term;
  }
  return tuple(A.error, t.elements[4] as Term);
}

function isPid(t: Term | undefined, pid: Pid): boolean {
  return t instanceof Pid && t.id === pid.id && t.serial === pid.serial;
}

/** gen_server:start(Mod, Args, Opts) → `{ok, Pid}` | `ignore` | `{error, R}`. */
export function start(ctx: ProcessContext, mod: GenServerModule, args: Term = nil, o: StartOptions = {}): Gen<Term> {
  return doStart(ctx, mod, args, o, false);
}
/** gen_server:start_link(Mod, Args, Opts). */
export function startLink(ctx: ProcessContext, mod: GenServerModule, args: Term = nil, o: StartOptions = {}): Gen<Term> {
  return doStart(ctx, mod, args, o, true);
}

const DEFAULT_CALL_TIMEOUT = 5000;

function serverTerm(s: ServerRef): Term {
  return typeof s === "string" ? atom(s) : s;
}

/** gen_server:call/2,3: the reply; the caller exits with `{Reason, {gen_server, call, Args}}`. */
export function call(ctx: ProcessContext, server: ServerRef, request: Term, timeout?: Timeout): Gen<Term> {
  return genCallAs(ctx, server, A.gen_call, request, timeout ?? DEFAULT_CALL_TIMEOUT, callExit, timeout);
}
function callExit(ctx: ProcessContext, reason: Term, server: ServerRef, request: Term, timeout: Timeout | undefined): never {
  const args = timeout === undefined ? [serverTerm(server), request] : [serverTerm(server), request, timeout === "infinity" ? A.infinity : timeout];
  return ctx.exit(tuple(reason, tuple(A.gen_server, A.call, list(args))));
}

/** gen_server:cast/2: always `ok` (a dead pid or unknown name swallows it). */
export function cast(ctx: ProcessContext, server: ServerRef, msg: Term): Term {
  const m = tuple(A.gen_cast, msg);
  if (typeof server === "string") {
    if (ctx.whereis(server) !== undefined) ctx.send(server, m);
  } else ctx.send(server, m);
  return A.ok;
}

/** gen_server:reply(From, Reply). */
export function replyTo(ctx: ProcessContext, from: Term, value: Term): Term {
  return genReply(ctx, from, value);
}

/** gen_server:stop(Server, Reason, Timeout): `ok` once it exited with Reason; else exits. */
export function* stopServer(ctx: ProcessContext, server: ServerRef, reason: Term = A.normal, timeout: Timeout = "infinity"): Gen<Term> {
  const pid = typeof server === "string" ? ctx.whereis(server) : server;
  if (pid === undefined) return ctx.exit(A.noproc);
  const mref = ctx.monitor(pid);
  ctx.send(pid, tuple(A.system, tuple(ctx.self, nil), tuple(atom("terminate"), reason)));
  const m = yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === A.DOWN && equalsTerm(x.elements[1] as Term, mref), timeout === "infinity" ? {} : { after: timeout });
  if (m === undefined) {
    demonitorFlush(ctx, mref);
    return ctx.exit(A.timeout);
  }
  const r = (m as Tuple).elements[4] as Term;
  if (r === reason || equalsTerm(r, reason)) return A.ok;
  return ctx.exit(r);
}

// ------------------------------------------------------------------ sys

/** sys:get_state(Server). */
export function getState(ctx: ProcessContext, server: ServerRef, timeout: Timeout = DEFAULT_CALL_TIMEOUT): Gen<Term> {
  return sysCall(ctx, server, atom("get_state"), timeout);
}
/** sys:replace_state(Server, Fun) with a JS function of the state. */
export function* replaceState(ctx: ProcessContext, server: ServerRef, f: (s: Term) => Term, timeout: Timeout = DEFAULT_CALL_TIMEOUT): Gen<Term> {
  const id = nextReplace++;
  replaceFns.set(id, f);
  try {
    return yield* sysCall(ctx, server, tuple(atom("replace_state"), id), timeout);
  } finally {
    replaceFns.delete(id);
  }
}
const replaceFns = new Map<number, (s: Term) => Term>();
let nextReplace = 1;
/** sys:get_status(Server). */
export function getStatus(ctx: ProcessContext, server: ServerRef, timeout: Timeout = DEFAULT_CALL_TIMEOUT): Gen<Term> {
  return sysCall(ctx, server, atom("get_status"), timeout);
}
/** sys:statistics(Server, true | false | get). */
export function statistics(ctx: ProcessContext, server: ServerRef, flag: "true" | "false" | "get", timeout: Timeout = DEFAULT_CALL_TIMEOUT): Gen<Term> {
  return sysCall(ctx, server, tuple(atom("statistics"), atom(flag)), timeout);
}

function* sysCall(ctx: ProcessContext, server: ServerRef, req: Term, timeout: Timeout): Gen<Term> {
  try {
    return yield* genCall(ctx, server, A.system, req, timeout);
  } catch (err) {
    const k = caught(err);
    if (k.cls !== A.exit) throw err;
    return ctx.exit(tuple(k.reason, tuple(atom("sys"), atom("send_system_msg"), list([serverTerm(server), req]))));
  }
}

// ------------------------------------------------------------------ the server process

interface Server {
  readonly parent: Pid;
  readonly name: Term;
  readonly mod: GenServerModule;
  readonly hibAfter: number | undefined;
  state: Term;
  stats: { start: number; reds: number; in: number; out: number } | undefined;
  readonly loopStack: number;
}

function* cb(r: CbResult): Gen<Term> {
  return isGen(r) ? yield* r : r;
}

function* initIt(ctx: ProcessContext, starter: Pid, parent: Pid, mod: GenServerModule, args: Term, o: StartOptions): Gen<void> {
  const nameT: Term = o.name === undefined ? ctx.self : atom(o.name);
  if (o.name !== undefined) {
    const other = ctx.whereis(o.name);
    if (other !== undefined) {
      initAck(ctx, starter, tuple(A.error, tuple(A.already_started, other)));
      ctx.exit(A.normal);
    }
    ctx.register(o.name);
  }
  const unregister = (): void => {
    if (o.name !== undefined && ctx.whereis(o.name) !== undefined) ctx.unregister(o.name);
  };
  let r: Term;
  try {
    r = yield* cb(mod.init(ctx, args));
  } catch (err) {
    const k = caught(err);
    unregister();
    initAck(ctx, starter, tuple(A.error, k.cls === A.exit ? k.reason : tuple(k.reason, k.stack)));
    throw err;
  }
  const s: Server = { parent, name: nameT, mod, hibAfter: o.hibernateAfter, state: nil, stats: undefined, loopStack: o.loopStack ?? 11 };
  const t = r instanceof Tuple ? r.elements : undefined;
  if (t?.[0] === A.ok && (t.length === 2 || (t.length === 3 && validTimeout(t[2] as Term)))) {
    initAck(ctx, starter, tuple(A.ok, ctx.self));
    s.state = t[1] as Term;
    yield* loop(ctx, s, t.length === 3 ? (t[2] as Term) : A.infinity);
    return;
  }
  if (t?.[0] === A.stop && t.length === 2) {
    unregister();
    initAck(ctx, starter, tuple(A.error, t[1] as Term));
    ctx.exit(t[1] as Term);
  }
  if (r === A.ignore) {
    unregister();
    initAck(ctx, starter, A.ignore);
    ctx.exit(A.normal);
  }
  const e = tuple(A.bad_return_value, r);
  unregister();
  initAck(ctx, starter, tuple(A.error, e));
  ctx.exit(e);
}

function validTimeout(t: Term): boolean {
  return t === A.infinity || t === A.hibernate || (typeof t === "number" && t >= 0) || (t instanceof Tuple && t.elements.length === 2 && t.elements[0] === A.continue);
}

/** The server loop: `time` is infinity | ms | hibernate | {continue, C}. Roots: frame slot 0
 * holds the state, slot 1 the message being handled. */
function* loop(ctx: ProcessContext, s: Server, time0: Term): Gen<void> {
  let frame = ctx.heap.pushFrame();
  frame.set(0, s.state);
  let time = time0;
  const setState = (n: Term): void => {
    s.state = n;
    frame.set(0, n);
  };
  for (;;) {
    if (time instanceof Tuple) {
      // {continue, C}
      const c = time.elements[1] as Term;
      const r = yield* guarded(ctx, s, Cb.Continue, c, undefined, undefined, time);
      time = yield* handleNoreply(ctx, s, r, setState, time);
      continue;
    }
    ctx.setStack(s.loopStack);
    let msg: Term | undefined;
    if (time === A.hibernate) {
      // proc_lib:hibernate(gen_server, wake_hib, [Parent, Name, State, Mod, HibAfter, Debug]) →
      // erlang:hibernate(proc_lib, wake_up, [M, F, A]): the argument lists stay live (18 words)
      const wake = ctx.alloc(list([A.gen_server, atom("wake_hib"), list([s.parent, s.name, s.state, atom(s.mod.name), s.hibAfter ?? A.infinity, nil])]));
      yield* ctx.hibernate([wake]);
      frame = ctx.heap.pushFrame(); // hibernation discarded the stack
      frame.set(0, s.state);
      ctx.setStack(s.loopStack);
      msg = yield* ctx.receive();
    } else if (typeof time === "number") {
      msg = yield* ctx.receive(undefined, { after: time });
      msg ??= A.timeout;
    } else if (s.hibAfter !== undefined) {
      msg = yield* ctx.receive(undefined, { after: s.hibAfter });
      if (msg === undefined) {
        time = A.hibernate;
        continue;
      }
    } else msg = yield* ctx.receive();
    frame.set(1, msg);
    if (s.stats !== undefined && !(msg instanceof Tuple && msg.elements.length === 3 && msg.elements[0] === A.system)) s.stats.in++;
    time = yield* handleMsg(ctx, s, msg, setState);
    frame.set(1, undefined);
  }
}

/** Which callback {@link guarded} runs (no closure per message: the arguments are passed along). */
const enum Cb {
  Call,
  Cast,
  Continue,
  Info,
}

/** Runs callback `which` of the server's module with (a[, b], state); an exported-but-missing
 * one is an `undef` error. */
function invoke(ctx: ProcessContext, s: Server, which: Cb, a: Term, b: Term | undefined): CbResult {
  const mod = s.mod;
  switch (which) {
    case Cb.Call: {
      if (mod.handleCall === undefined) throw new ExitUndef("handleCall");
      return mod.handleCall(ctx, a, b as Term, s.state);
    }
    case Cb.Cast: {
      if (mod.handleCast === undefined) throw new ExitUndef("handleCast");
      return mod.handleCast(ctx, a, s.state);
    }
    case Cb.Continue: {
      if (mod.handleContinue === undefined) throw new ExitUndef("handleContinue");
      return mod.handleContinue(ctx, a, s.state);
    }
    case Cb.Info:
      return (mod as Required<GenServerModule>).handleInfo(ctx, a, s.state);
  }
}
class ExitUndef extends Error {
  constructor(fn: string) {
    super(`undefined callback ${fn}`);
    this.name = "undef";
  }
}

/** Runs a callback; an exception terminates the server (terminate/2, reports, exit). */
function* guarded(ctx: ProcessContext, s: Server, which: Cb, a: Term, b: Term | undefined, from: Term | undefined, msg: Term): Gen<Term> {
  try {
    const r0 = invoke(ctx, s, which, a, b);
    const r = isGen(r0) ? yield* r0 : r0;
    // The heap words OTP's code allocates per callback: the callback's return tuple (when the
    // callback built it fresh) and try_dispatch/try_handle_call's `{ok, Result}` wrapper.
    if (typeof r === "object" && (r as { gcStamp?: number }).gcStamp === 0) ctx.alloc(r);
    ctx.heap.allocGarbage(3);
    return r;
  } catch (err) {
    const k = caught(err);
    return yield* terminate(ctx, s, k.cls, k.reason, k.stack, msg, from);
  }
}

function* handleMsg(ctx: ProcessContext, s: Server, msg: Term, setState: (n: Term) => void): Gen<Term> {
  const t = msg instanceof Tuple ? msg.elements : undefined;
  if (t?.length === 3 && t[0] === A.gen_call) {
    const from = t[1] as Term;
    const r = yield* guarded(ctx, s, Cb.Call, t[2] as Term, from, from, msg);
    const e = r instanceof Tuple ? r.elements : undefined;
    if (e?.[0] === A.reply && (e.length === 3 || (e.length === 4 && validTimeout(e[3] as Term)))) {
      sendReply(ctx, s, from, e[1] as Term);
      setState(e[2] as Term);
      return e.length === 4 ? (e[3] as Term) : A.infinity;
    }
    if (e?.[0] === A.stop && e.length === 4) {
      setState(e[3] as Term);
      try {
        yield* terminate(ctx, s, A.exit, e[1] as Term, nil, msg, from);
      } finally {
        sendReply(ctx, s, from, e[2] as Term);
      }
    }
    return yield* handleNoreply(ctx, s, r, setState, msg, from);
  }
  if (t?.length === 2 && t[0] === A.gen_cast) {
    const r = yield* guarded(ctx, s, Cb.Cast, t[1] as Term, undefined, undefined, msg);
    return yield* handleNoreply(ctx, s, r, setState, msg);
  }
  if (t?.length === 3 && t[0] === A.system) return yield* systemMsg(ctx, s, t[1] as Term, t[2] as Term, setState);
  if (t?.length === 3 && t[0] === A.EXIT && isPid(t[1], s.parent) && ctx.processInfo(ctx.self, ["trap_exit"])?.trap_exit === true) {
    return yield* terminate(ctx, s, A.exit, t[2] as Term, nil, msg, undefined);
  }
  if (s.mod.handleInfo === undefined) {
    log(ctx, "gen_server no_handle_info", { module: atom(s.mod.name), message: msg });
    return A.infinity;
  }
  const r = yield* guarded(ctx, s, Cb.Info, msg, undefined, undefined, msg);
  return yield* handleNoreply(ctx, s, r, setState, msg);
}

function sendReply(ctx: ProcessContext, s: Server, from: Term, value: Term): void {
  ctx.heap.allocGarbage(3); // gen:reply builds {Tag, Reply} on the server's heap, then sends a copy
  genReply(ctx, from, value);
  if (s.stats !== undefined) s.stats.out++;
}

/** `{noreply, S}` | `{noreply, S, T}` | `{stop, R, S}` | anything else: bad_return_value. */
function* handleNoreply(ctx: ProcessContext, s: Server, r: Term, setState: (n: Term) => void, msg: Term, from?: Term): Gen<Term> {
  const e = r instanceof Tuple ? r.elements : undefined;
  if (e?.[0] === A.noreply && (e.length === 2 || (e.length === 3 && validTimeout(e[2] as Term)))) {
    setState(e[1] as Term);
    return e.length === 3 ? (e[2] as Term) : A.infinity;
  }
  if (e?.[0] === A.stop && e.length === 3) {
    setState(e[2] as Term);
    return yield* terminate(ctx, s, A.exit, e[1] as Term, nil, msg, from);
  }
  return yield* terminate(ctx, s, A.exit, tuple(A.bad_return_value, r), nil, msg, from);
}

/** gen_server:terminate/10: terminate callback, error report, then the exit (never returns). */
function* terminate(ctx: ProcessContext, s: Server, cls: Term, reason: Term, stack: Term, msg: Term, from: Term | undefined): Gen<never> {
  const exitReason = cls === A.exit ? reason : tuple(reason, stack);
  const report = (why: Term): void => {
    log(ctx, "gen_server terminate", {
      name: s.name,
      last_message: msg,
      state: s.state,
      reason: why,
      ...(from !== undefined ? { client_info: from } : {}),
    });
  };
  if (s.mod.terminate !== undefined) {
    try {
      yield* cb(s.mod.terminate(ctx, exitReason, s.state));
    } catch (err) {
      const k = caught(err);
      report(k.cls === A.exit ? k.reason : tuple(k.reason, k.stack));
      throw err;
    }
  }
  if (!(cls === A.exit && isNormalish(reason))) report(exitReason);
  if (cls === A.exit) return ctx.exit(reason);
  return ctx.error(reason);
}

/** sys:handle_system_msg for the requests sys.ts-like clients send. */
function* systemMsg(ctx: ProcessContext, s: Server, from: Term, req: Term, setState: (n: Term) => void): Gen<Term> {
  const r = req instanceof Tuple ? req.elements : undefined;
  if (req === atom("get_state")) genReply(ctx, from, s.state);
  else if (req === atom("get_status")) {
    const info = ctx.processInfo(ctx.self, ["dictionary"]);
    const pdict = list((info?.dictionary ?? []).map(([k, v]) => tuple(k, v)));
    const nameText = printTerm(s.name);
    const header = tuple(atom("header"), charlist(`Status for generic server ${nameText}`));
    const data = tuple(atom("data"), list([tuple(charlist("Status"), A.running), tuple(charlist("Parent"), s.parent), tuple(charlist("Logged events"), nil)]));
    const st = tuple(atom("data"), list([tuple(charlist("State"), s.state)]));
    genReply(ctx, from, tuple(atom("status"), ctx.self, tuple(atom("module"), A.gen_server), list([pdict, A.running, s.parent, nil, list([header, data, st])])));
  } else if (r?.[0] === atom("replace_state")) {
    const f = replaceFns.get(r[1] as number);
    try {
      if (f !== undefined) setState(f(s.state));
      genReply(ctx, from, s.state);
    } catch (err) {
      const k = caught(err);
      genReply(ctx, from, tuple(A.error, tuple(atom("callback_failed"), tuple(atom("sys"), atom("replace_state")), tuple(k.cls, k.reason))));
    }
  } else if (r?.[0] === atom("statistics")) {
    const flag = r[1];
    const reds = ctx.processInfo(ctx.self, ["reductions"])?.reductions ?? 0;
    if (flag === A.true) {
      s.stats = { start: ctx.now(), reds, in: 0, out: 0 };
      genReply(ctx, from, A.ok);
    } else if (flag === A.false) {
      s.stats = undefined;
      genReply(ctx, from, A.ok);
    } else if (s.stats === undefined) genReply(ctx, from, atom("no_statistics"));
    else {
      const st = s.stats;
      genReply(
        ctx,
        from,
        tuple(
          A.ok,
          list([
            tuple(atom("start_time"), st.start),
            tuple(atom("current_time"), ctx.now()),
            tuple(atom("reductions"), reds - st.reds),
            tuple(atom("messages_in"), st.in),
            tuple(atom("messages_out"), st.out),
          ]),
        ),
      );
    }
  } else if (r?.[0] === atom("terminate")) {
    return yield* terminate(ctx, s, A.exit, r[1] as Term, nil, tuple(A.system, from, req), undefined);
  } else genReply(ctx, from, tuple(A.error, atom("unknown_system_msg")));
  return A.infinity;
}
