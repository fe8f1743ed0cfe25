/**
 * `gen_server` (OTP 25 gen_server.erl) on the scheduler.
 *
 * Owns: start/startLink (synchronous: the starter waits for `{ack, Pid, Return}`; start monitors,
 * startLink links; a name is checked in the caller first — gen:start's `where(Name)`, so a taken
 * name spawns nothing — then registered by the new process: `{error, {already_started, Pid}}`),
 * the server loop (receive any message;
 * `{'$gen_call', From, Req}` → handleCall, `{'$gen_cast', Msg}` → handleCast, `{system, From,
 * Req}` → sys, `{'EXIT', Parent, R}` while trapping → terminate, anything else → handleInfo;
 * `{continue, C}` → handleContinue before the next receive; an integer timeout → `timeout` to
 * handleInfo; `hibernate` → erlang:hibernate (the heap shrinks to the state); `hibernateAfter`),
 * call (gen.ts; the caller exits with `{Reason, {gen_server, call, [Server, Request | Timeout]}}`),
 * cast, reply, stop (proc_lib:stop: a monitor, sys:terminate — answered `ok` — then the 'DOWN'),
 * terminate (the terminate callback, then a `{gen_server, terminate}` error report unless the
 * reason is normal/shutdown/{shutdown, _}, then the exit — proc_lib adds its crash report), and
 * bad return values (`{bad_return_value, V}` as the exit reason, from init too).
 *
 * Names (via.ts, global.ts): `StartOptions.name` and every `ServerRef` take a local name
 * (string), `{ global: Name }` or `{ via: Module, name: Name }`; a server's name in reports,
 * trace lines and get_status is gen:name (the atom, or the global/via Name term). A name that
 * is not registered makes call/stop exit `noproc` (`{noproc, {gen_server, call, [Name, Req]}}`),
 * cast returns `ok` and drops the message. Init failing with `{stop, R}`, `ignore` or an
 * exception unregisters the name before the starter hears of it (bad return values do not:
 * the exit does it, as in OTP).
 *
 * format_status: `formatStatus` (format_status/1, OTP 25: a map of `state`, `log` — and for a
 * terminate report `message` and `reason` — returned with the same keys) wins over
 * `formatStatus2` (the deprecated format_status/2: `normal` for sys:get_status, whose result is
 * the status data's tail — a list as is, anything else wrapped in one; `terminate` for the
 * report, whose result is the report's state). A format_status/1 that crashes, returns a
 * non-object or drops keys gives the string `"Mod:format_status/1 crashed"` (… `did not return a
 * map`, … `returned a map with unknown keys`) in place of the state, as gen:format_status/4 does.
 *
 * enterLoop (gen_server:enter_loop/3,4,5): a process started with proc_lib (proc-lib.ts
 * spawnProcLib: its parent is the first of `'$ancestors'`, else exit
 * `process_was_not_started_by_proc_lib`) becomes the server loop with the given state; with a
 * name the process must already hold it, else exit `process_not_registered` |
 * `process_not_registered_globally` | `{process_not_registered_via, Mod}`; the timeout may be
 * a number, `infinity`, `hibernate` or `{continue, C}`.
 *
 * sys (sys.ts): `{debug, [trace | log | {log, N} | statistics]}` at start or enter_loop, and
 * the system messages get_state, replace_state, get_status, suspend (only system messages and
 * the parent's 'EXIT' are then received), resume, {debug, …} and terminate. With a debug option
 * set, the loop reports the events of gen_server: `{in, Msg}` (every message but system ones and
 * the parent's 'EXIT'), `{out, Reply, From, State}`, `{noreply, State}`, `{continue, C}`; the
 * terminate report then carries the log (`log`, OTP's key). The hot path reads one field
 * (`debug`) per message when no option is set.
 *
 * Callbacks get the server's own context; they return Erlang terms (helpers below) or a
 * generator when they block (formatStatus/formatStatus2: a term, never a generator). The state
 * is a term held on the server's heap (a GC root); a received message is held while its
 * callback runs, then dropped.
 * Invariants: exactly one callback runs at a time; a caller gets at most one reply per call.
 * Differences from OTP, on purpose: no stacktraces (a report's reason from an exception is
 * `{Reason, []}`; client_info is the caller's From); a report's `last_message` for a call is the
 * whole `{'$gen_call', From, Req}` (OTP 25 reports the request alone: kept for compatibility with
 * existing tests); a suspended server that was hibernating does not hibernate again
 * (sys:suspend_loop_hib); code_change is not modelled; a format_status/2 that throws a value is
 * treated as crashed (OTP uses the thrown value as the result).
 */
import { Atom, atom, charlist, Cons, equals as equalsTerm, list, nil, Pid, printTerm, Tuple, type Frame, type ProcessHeap, type Term } from "@beamlab/heap";
import type { Body, ProcessContext, SpawnOptions } from "@beamlab/scheduler";
import { A, caught, demonitorFlush, isGen, isNormalish, log, tuple, type CbResult, type Gen } from "./common.js";
import { genCallAs, reply as genReply, resolveServer, type ServerRef, type Timeout } from "./gen.js";
import * as global from "./global.js";
import { initAck, spawnMonitorProcLib, spawnProcLib } from "./proc-lib.js";
import { allocateHeapTest, allocateIn, callAllocate, callAt, callGetMyName } from "./frames.js";
import * as Sys from "./sys.js";
import { isSystemOrParentExit, replaceFunction, SysDebug, type DebugOption } from "./sys.js";
import { genName, getProcName, registerServerName, serverRefTerm, unregisterServerName, whereName, type ServerName } from "./via.js";

export type { DebugOption } from "./sys.js";
export type { GlobalName, ServerName, ViaModule, ViaName } from "./via.js";
export { globalName, viaName, viaRegistry } from "./via.js";

export interface GenServerModule {
  /** The module name (initial_call `{Name, init, 1}`, reports). */
  readonly name: string;
  init(ctx: ProcessContext, args: Term): CbResult;
  handleCall?(ctx: ProcessContext, request: Term, from: Term, state: Term): CbResult;
  handleCast?(ctx: ProcessContext, msg: Term, state: Term): CbResult;
  handleInfo?(ctx: ProcessContext, msg: Term, state: Term): CbResult;
  handleContinue?(ctx: ProcessContext, cont: Term, state: Term): CbResult;
  terminate?(ctx: ProcessContext, reason: Term, state: Term): CbResult;
  /** format_status/1 (OTP 25): the status with (some of) its values replaced, the same keys. */
  formatStatus?(ctx: ProcessContext, status: FormatStatus): FormatStatus;
  /** format_status/2 (deprecated in OTP 25; used only when formatStatus is absent): `normal`
   * (sys:get_status) or `terminate` (the error report), with `[PDict, State]`. */
  formatStatus2?(ctx: ProcessContext, opt: "normal" | "terminate", args: readonly [pdict: Term, state: Term]): Term;
}

/** format_status/1's map: `state` and `log` (sys:get_status), plus `message` and `reason` (terminate report). */
export interface FormatStatus {
  readonly state?: Term;
  readonly message?: Term;
  readonly reason?: Term;
  /** The logged sys events (an Erlang list). */
  readonly log?: Term;
}

export interface StartOptions {
  /** `{local, Name}` (a string), `{ global: Name }` or `{ via: Module, name: Name }`. */
  readonly name?: ServerName;
  /** How long the starter waits for init (default infinity). */
  readonly timeout?: Timeout;
  /** `{hibernate_after, Ms}`. */
  readonly hibernateAfter?: number;
  /** `{debug, Flags}`: sys debug options from the start. */
  readonly debug?: readonly DebugOption[];
  readonly spawnOpt?: SpawnOptions;
  /** Stack words of gen_server:loop waiting in its receive (default 11: measured on OTP 25, otp_memory.json). */
  readonly loopStack?: number;
  /**
   * Put gen_server's own frames between its loop and the callback on the stack while a callback
   * runs (10 words for handle_call, 11 for the others: measured in gc traces on OTP 25). Default
   * false: the supervisor models and the otp_memory twins were traced with those words folded
   * into their own stack choices; a workload transliterated from its compiled code (the
   * workload kit's, gen-server-work) turns it on.
   */
  readonly callbackPathStack?: boolean;
  /**
   * Run a `{'$gen_call', From, Request}` through gen_server's compiled path word for word
   * (beam_disasm of OTP 25's gen_server; frames.ts): handle_msg/6's and try_handle_call/4's
   * `allocate` tests and frames (the callback entered at stack 20 with apply's return address),
   * try_handle_call's `{ok, Reply}` inside its frame, the callback's and try_handle_call's
   * returns (a reduction each: the process switches out there with none left), handle_msg
   * trimmed to 5 y registers (From and the request dropped) for gen:reply's `allocate_heap 0, 3`,
   * and loop/7's `allocate 6` before the next receive. The callback then models its own frames
   * on top (DynamicSupervisor's handle_call does; gen-server-work's servers: gsw_fix_calls.json).
   * Overrides `callbackPathStack` for calls.
   */
  readonly compiledCallPath?: boolean;
  /**
   * Run any other message (handle_info) through gen_server's compiled path word for word
   * (beam_disasm of OTP 25's gen_server): handle_msg/6's info clause (`allocate 6`, the message
   * live), `call` try_dispatch/3, its tail call to try_dispatch/4 (`allocate 8`, its `try`),
   * apply's return address (the callback entered at stack 21), try_dispatch's `{ok, Result}`
   * inside its frame, then handle_common_reply/8 and loop/7's `allocate 6` before the next
   * receive. The callback models its own frames on top (supervisor.ts's 'EXIT' path does).
   * Overrides `callbackPathStack` for handle_info.
   */
  readonly compiledInfoPath?: boolean;
}

// ------------------------------------------------------------------ return-value helpers

export const reply = (r: Term, s: Term, action?: Term): Tuple => (action === undefined ? tuple(A.reply, r, s) : tuple(A.reply, r, s, action));
export const noreply = (s: Term, action?: Term): Tuple => (action === undefined ? tuple(A.noreply, s) : tuple(A.noreply, s, action));
export const ok = (s: Term, action?: Term): Tuple => (action === undefined ? tuple(A.ok, s) : tuple(A.ok, s, action));
export const stop = (reason: Term, s: Term): Tuple => tuple(A.stop, reason, s);
export const stopReply = (reason: Term, r: Term, s: Term): Tuple => tuple(A.stop, reason, r, s);
export const cont = (c: Term): Tuple => tuple(A.continue, c);

// ------------------------------------------------------------------ client API

/** `{local, Name}` | `{global, Name}` | `{via, Mod, Name}` (the name argument gen:start passes on). */
function nameSpec(n: ServerName): Term {
  if (typeof n === "string") return tuple(atom("local"), atom(n));
  return serverRefTerm(n);
}

function* doStart(ctx: ProcessContext, mod: GenServerModule, args: Term, o: StartOptions, link: boolean): Gen<Term> {
  if (o.name !== undefined) {
    // gen:start/6: `case where(Name) of undefined -> do_spawn(…); Pid -> {error, {already_started, Pid}} end`
    const holder = whereName(ctx, o.name);
    if (holder !== undefined) return tuple(A.error, tuple(A.already_started, holder));
  }
  const starter = ctx.self;
  const body: Body = function* (c: ProcessContext, ...xs: Term[]) {
    // init/1 gets the spawn's copy of Args (gen:init_it's arguments, on the new process's heap)
    const copied = xs[o.name === undefined ? 4 : 5] ?? args;
    yield* initIt(c, starter, link ? starter : c.self, mod, copied, o);
  };
  // gen:init_it/6 (anonymous) or /7 (named): [GenMod, Starter, Parent, (Name,) Mod, Args, Options]
  const spawnArgs: Term[] = o.name === undefined ? [A.gen_server, starter, link ? starter : atom("self"), atom(mod.name), args, nil] : [A.gen_server, starter, link ? starter : atom("self"), nameSpec(o.name), atom(mod.name), args, nil];
  const plo = { initialCall: [mod.name, "init", 1] as const, ...(o.spawnOpt !== undefined ? { spawnOpt: o.spawnOpt } : {}) };
  const after = o.timeout === undefined || o.timeout === "infinity" ? {} : { after: o.timeout };
  if (link) {
    // the frames of OTP 25's start path (beam_disasm): gen:do_spawn builds the argument list
    // (allocate 6: 7 words), proc_lib:start_link/5 builds [link | SpawnOpts] and spawns
    // (allocate 5: 6 words), sync_start_link waits for the ack (allocate 2: 3 words)
    // (frames.ts: each `allocate`'s heap test; a `call` pushes the return address):
    // do_spawn/5 (allocate 6), gen:timeout/1 and gen:spawn_opts/1 (allocate 0), its test_heap 12
    // for the list at 7 words above the caller; proc_lib:start_link/5 (tail call, allocate 5),
    // [link | SpawnOpts] at 6; trim 4, 1 and a call of spawn_opt/4 (allocate 5),
    // get_my_name/0 (allocate 0), its test_heap 10 at 8; sync_start_link/2 (tail call, allocate 2)
    const heap = ctx.heap;
    const frame = callAllocate(heap, DO_SPAWN_FRAME - 1);
    callAllocateZero(heap, frame); // gen:timeout/1
    callAllocateZero(heap, frame); // gen:spawn_opts/1
    const argList = frame.hold(ctx.alloc(list(spawnArgs)));
    frame.stackWords = 1;
    allocateIn(heap, frame, START_LINK_FRAME - 1);
    // proc_lib:start_link's [link | SpawnOpts]: spawn_opt/4 keeps it (y1) until the spawn
    const linkOpts = frame.hold(ctx.alloc(new Cons(LINK, nil)));
    frame.stackWords = 2 + 1;
    allocateIn(heap, frame, SPAWN_OPT_Y);
    callGetMyName(heap, frame, ctx.processInfo(ctx.self, ["registered_name"])?.registered_name !== undefined); // proc_lib:get_my_name/0
    const pid = spawnProcLib(ctx, body, spawnArgs, { ...plo, link: true, argList });
    frame.release(argList);
    frame.release(linkOpts);
    frame.stackWords = 1;
    allocateIn(heap, frame, SYNC_START_FRAME - 1);
    // waiting, the stack is the BEAM's own (frames.ts: the word a collection adds is not there),
    // which decides whether the ack fits on the heap when it arrives
    frame.stackWords -= 1;
    const m = yield* ctx.receive((x) => x instanceof Tuple && x.elements.length === 3 && (x.elements[0] === A.ack || x.elements[0] === A.EXIT) && isPid(x.elements[1], pid), after);
    ctx.heap.popFrame(frame);
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

const LINK = atom("link");
const DO_SPAWN_FRAME = 7;
const START_LINK_FRAME = 6;
const SYNC_START_FRAME = 3;
/** proc_lib:spawn_opt/4's y registers (allocate 5). */
const SPAWN_OPT_Y = 5;

/** A `call` of a function whose `allocate 0` only saves nothing (gen:timeout/1 …): its heap test
 * for 0 words, then the return. */
function callAllocateZero(heap: ProcessHeap, frame: Frame): void {
  frame.stackWords += 1;
  allocateIn(heap, frame, 0);
  frame.stackWords -= 1;
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

/** gen_server:call/2,3: the reply; the caller exits with `{Reason, {gen_server, call, Args}}`. */
export function call(ctx: ProcessContext, server: ServerRef, request: Term, timeout?: Timeout): Gen<Term> {
  return genCallAs(ctx, server, A.gen_call, request, timeout ?? DEFAULT_CALL_TIMEOUT, callExit, timeout);
}
function callExit(ctx: ProcessContext, reason: Term, server: ServerRef, request: Term, timeout: Timeout | undefined): never {
  const args = timeout === undefined ? [serverRefTerm(server), request] : [serverRefTerm(server), request, timeout === "infinity" ? A.infinity : timeout];
  return ctx.exit(tuple(reason, tuple(A.gen_server, A.call, list(args))));
}

/** gen_server:cast/2: always `ok` (a dead pid or an unknown name swallows it). */
export function cast(ctx: ProcessContext, server: ServerRef, msg: Term): Term {
  const m = tuple(A.gen_cast, msg);
  if (typeof server === "string") {
    if (ctx.whereis(server) !== undefined) ctx.send(server, m);
  } else if (server instanceof Pid) ctx.send(server, m);
  else {
    // `catch global:send(Name, Msg)` / `catch Mod:send(Name, Msg)`
    try {
      if ("global" in server) global.send(ctx, server.global, m);
      else server.via.send(ctx, server.name, m);
    } catch {
      /* swallowed, as OTP's catch */
    }
  }
  return A.ok;
}

/** gen_server:reply(From, Reply). */
export function replyTo(ctx: ProcessContext, from: Term, value: Term): Term {
  return genReply(ctx, from, value);
}

/**
 * gen_server:stop(Server, Reason, Timeout) = proc_lib:stop: monitor, sys:terminate (answered `ok`
 * before the server terminates), then the 'DOWN': `ok` if it exited with Reason, else exits with
 * the reason it had; `noproc` / `timeout` when there is no such server / it took too long.
 */
export function* stopServer(ctx: ProcessContext, server: ServerRef, reason: Term = A.normal, timeout: Timeout = "infinity"): Gen<Term> {
  const pid = resolveServer(ctx, server);
  const mref = ctx.monitor(pid);
  const t0 = ctx.now();
  let remaining: Timeout = "infinity";
  try {
    yield* Sys.terminate(ctx, pid, reason, timeout);
    if (timeout !== "infinity") remaining = Math.max(0, timeout - (ctx.now() - t0));
  } catch (err) {
    const k = caught(err);
    if (k.cls !== A.exit) throw err;
    demonitorFlush(ctx, mref);
    const r = k.reason;
    const inner = r instanceof Tuple && r.elements.length === 2 ? (r.elements[0] as Term) : undefined;
    if (inner === A.noproc || inner === A.timeout) return ctx.exit(inner);
    return ctx.exit(r);
  }
  const m = yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === A.DOWN && equalsTerm(x.elements[1] as Term, mref), remaining === "infinity" ? {} : { after: remaining });
  if (m === undefined) {
    demonitorFlush(ctx, mref);
    return ctx.exit(A.timeout);
  }
  const r = (m as Tuple).elements[4] as Term;
  if (r === reason || equalsTerm(r, reason)) return A.ok;
  return ctx.exit(r);
}

// ------------------------------------------------------------------ sys (see sys.ts for the rest)

/** sys:get_state(Server[, Timeout]). */
export function getState(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  return Sys.getState(ctx, server, timeout);
}
/** sys:replace_state(Server, Fun[, Timeout]) with a JS function of the state. */
export function replaceState(ctx: ProcessContext, server: ServerRef, f: (s: Term) => Term, timeout?: Timeout): Gen<Term> {
  return Sys.replaceState(ctx, server, f, timeout);
}
/** sys:get_status(Server[, Timeout]). */
export function getStatus(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  return Sys.getStatus(ctx, server, timeout);
}
/** sys:statistics(Server, true | false | get[, Timeout]). */
export function statistics(ctx: ProcessContext, server: ServerRef, flag: "true" | "false" | "get" | boolean, timeout?: Timeout): Gen<Term> {
  return Sys.statistics(ctx, server, flag, timeout);
}

// ------------------------------------------------------------------ enter_loop

export interface EnterLoopOptions {
  /** `{hibernate_after, Ms}`. */
  readonly hibernateAfter?: number;
  /** `{debug, Flags}`. */
  readonly debug?: readonly DebugOption[];
  /** Stack words of the loop waiting in its receive (default 11, as for a started server). */
  readonly loopStack?: number;
  /** See the start options' `callbackPathStack`. */
  readonly callbackPathStack?: boolean;
}

/** What enter_loop accepts as its timeout: ms, `infinity`, `hibernate` or `{continue, C}` (a tuple). */
export type LoopTimeout = number | "infinity" | "hibernate" | Tuple;

/** gen:get_parent(): the first of `'$ancestors'` (a registered name is looked up locally, then globally). */
function getParent(ctx: ProcessContext): Pid {
  const anc = ctx.get(atom("$ancestors"));
  if (anc instanceof Cons) {
    const p = anc.head;
    if (p instanceof Pid) return p;
    if (p instanceof Atom) {
      const pid = ctx.whereis(p.name) ?? global.whereisName(ctx, p);
      if (pid === undefined) return ctx.exit(atom("could_not_find_registered_name"));
      return pid;
    }
  }
  return ctx.exit(atom("process_was_not_started_by_proc_lib"));
}

/**
 * gen_server:enter_loop(Mod, Options, State[, ServerName][, Timeout]): the calling process
 * (started with proc_lib, and registered under `serverName` if one is given) becomes a
 * gen_server running `mod` with `state`. enter_loop/4 with a timeout is
 * `enterLoop(ctx, mod, opts, state, undefined, timeout)`. Never returns: the server exits.
 */
export function* enterLoop(ctx: ProcessContext, mod: GenServerModule, opts: EnterLoopOptions, state: Term, serverName?: ServerName | Pid, timeout: LoopTimeout = "infinity"): Gen<never> {
  const time: Term = timeout === "infinity" ? A.infinity : timeout === "hibernate" ? A.hibernate : timeout;
  if (!validTimeout(time)) return ctx.error(atom("function_clause"));
  const name = getProcName(ctx, serverName ?? ctx.self);
  const parent = getParent(ctx);
  const s: Server = { parent, name, mod, hibAfter: opts.hibernateAfter, state, debug: SysDebug.fromOptions(ctx, opts.debug), loopStack: opts.loopStack ?? 11, pathStack: opts.callbackPathStack === true };
  yield* loop(ctx, s, time);
  return ctx.exit(A.normal); // not reached: the loop ends by exiting
}

// ------------------------------------------------------------------ the server process

interface Server {
  readonly parent: Pid;
  /** gen:name: the pid, the local name's atom, or the global/via Name. */
  readonly name: Term;
  readonly mod: GenServerModule;
  readonly hibAfter: number | undefined;
  state: Term;
  /** sys debug options; undefined when none (the hot path tests this field only). */
  debug: SysDebug | undefined;
  readonly loopStack: number;
  readonly pathStack: boolean;
  /** See StartOptions.compiledCallPath. */
  readonly compiledCall?: boolean;
  /** See StartOptions.compiledInfoPath. */
  readonly compiledInfo?: boolean;
}

const K = {
  in: atom("in"),
  out: atom("out"),
  suspend: atom("suspend"),
  suspended: atom("suspended"),
  resume: atom("resume"),
  get_state: atom("get_state"),
  get_status: atom("get_status"),
  replace_state: atom("replace_state"),
  debug: atom("debug"),
  terminate: atom("terminate"),
  callback_failed: atom("callback_failed"),
  system_replace_state: atom("system_replace_state"),
  unknown_system_msg: atom("unknown_system_msg"),
  status: atom("status"),
  module: atom("module"),
  header: atom("header"),
  data: atom("data"),
} as const;

function* cb(r: CbResult): Gen<Term> {
  return isGen(r) ? yield* r : r;
}

function* initIt(ctx: ProcessContext, starter: Pid, parent: Pid, mod: GenServerModule, args: Term, o: StartOptions): Gen<void> {
  const n = o.name;
  let nameT: Term = ctx.self;
  if (n !== undefined) {
    const r = registerServerName(ctx, n);
    if (r !== true) {
      initAck(ctx, starter, tuple(A.error, tuple(A.already_started, r ?? A.undefined)));
      ctx.exit(A.normal);
    }
    nameT = genName(n);
  }
  const unregister = (): void => {
    if (n !== undefined) unregisterServerName(ctx, n);
  };
  const debug = SysDebug.fromOptions(ctx, o.debug);
  let r: Term;
  try {
    r = yield* cb(mod.init(ctx, args));
    // init_it/2's `try {ok, Mod:init(Args)}`: init's own result tuple (when built fresh) and the wrapper
    if (typeof r === "object" && (r as { gcStamp?: number }).gcStamp === 0) ctx.alloc(r);
    ctx.heap.allocGarbage(3);
  } catch (err) {
    const k = caught(err);
    unregister();
    initAck(ctx, starter, tuple(A.error, k.cls === A.exit ? k.reason : tuple(k.reason, k.stack)));
    throw err;
  }
  const s: Server = { parent, name: nameT, mod, hibAfter: o.hibernateAfter, state: nil, debug, loopStack: o.loopStack ?? 11, pathStack: o.callbackPathStack === true, compiledCall: o.compiledCallPath === true, compiledInfo: o.compiledInfoPath === true };
  const t = r instanceof Tuple ? r.elements : undefined;
  if (t?.[0] === A.ok && (t.length === 2 || (t.length === 3 && validTimeout(t[2] as Term)))) {
    ctx.heap.allocGarbage(3); // {ok, self()}
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
  // {bad_return_value, _}: OTP 25 does not unregister here (the exit does, for a local name)
  const e = tuple(A.bad_return_value, r);
  initAck(ctx, starter, tuple(A.error, e));
  ctx.exit(e);
}

function validTimeout(t: Term): boolean {
  return t === A.infinity || t === A.hibernate || (typeof t === "number" && t >= 0) || (t instanceof Tuple && t.elements.length === 2 && t.elements[0] === A.continue);
}

/** `{'EXIT', Parent, _}` while trapping exits: gen_server's decode_msg terminates on it. */
function isParentExit(ctx: ProcessContext, s: Server, t: readonly Term[] | undefined): boolean {
  return t?.length === 3 && t[0] === A.EXIT && isPid(t[1], s.parent) && ctx.processInfo(ctx.self, ["trap_exit"])?.trap_exit === true;
}

/** The loop: `time` is infinity | ms | hibernate | {continue, C}. Roots: frame slot 0
 * holds the state, slot 1 the message being handled. */
function* loop(ctx: ProcessContext, s: Server, time0: Term): Gen<void> {
  let frame = ctx.heap.pushFrame();
  frame.set(0, s.state);
  let time = time0;
  const setState = (n: Term): void => {
    s.state = n;
    frame.set(0, n);
  };
  const trimRequest = (): void => {
    frame.set(1, undefined);
    frame.set(2, undefined);
  };
  for (;;) {
    if (time instanceof Tuple) {
      // {continue, C}
      const c = time.elements[1] as Term;
      const r = yield* guarded(ctx, s, Cb.Continue, c, undefined, undefined, time);
      const d = s.debug;
      if (d !== undefined) debugEvent(ctx, s, d, time, r);
      time = yield* handleNoreply(ctx, s, r, setState, time);
      continue;
    }
    ctx.setStack(s.loopStack);
    let msg: Term | undefined;
    if (time === A.hibernate) {
      // proc_lib:hibernate(gen_server, wake_hib, [Parent, Name, State, Mod, HibAfter, Debug]) →
      // erlang:hibernate(proc_lib, wake_up, [M, F, A]): the argument lists stay live (18 words)
      const wake = ctx.alloc(list([A.gen_server, atom("wake_hib"), list([s.parent, s.name, s.state, atom(s.mod.name), s.hibAfter ?? A.infinity, s.debug === undefined ? nil : s.debug.term()])]));
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
    // handle_msg/6 matches {'$gen_call', From, Request} in its head: From and the request stay
    // live while the callback runs, the outer 4-word tuple does not (measured in GC traces).
    if (msg instanceof Tuple && msg.elements.length === 3 && msg.elements[0] === A.gen_call) {
      frame.set(1, msg.elements[1]);
      frame.set(2, msg.elements[2]);
    } else frame.set(1, msg);
    if (s.debug !== undefined) {
      // decode_msg: `{in, Msg}` for every message but system ones and the parent's 'EXIT'
      const t = msg instanceof Tuple ? msg.elements : undefined;
      if (!(t?.length === 3 && t[0] === A.system) && !isParentExit(ctx, s, t)) s.debug.handle(ctx, s.name, tuple(K.in, msg));
    }
    time = yield* handleMsg(ctx, s, msg, setState, time, trimRequest);
    frame.set(1, undefined);
    frame.set(2, undefined);
  }
}

/** sys:handle_debug for one event, `keep` held (a root) while the event is logged. */
function debugEvent(ctx: ProcessContext, s: Server, d: SysDebug, event: Term, keep: Term): void {
  d.pending = keep;
  try {
    d.handle(ctx, s.name, event);
  } finally {
    d.pending = undefined;
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
  // gen_server's frames between its loop and the callback (handle_msg, try_handle_call /
  // try_dispatch with its catch): measured in a gc trace of `erlang:garbage_collect()` inside
  // each callback on OTP 25 (`erl +S 1`): 23 words in handle_call, 24 in handle_cast and
  // handle_info, 11 in the loop, the callback's own frame (allocate 1 + CP) being 2.
  const compiled = which === Cb.Call ? s.compiledCall === true : which === Cb.Info && s.compiledInfo === true;
  const path = ctx.heap.pushFrame(compiled || !s.pathStack ? 0 : which === Cb.Call ? CALL_PATH_STACK : DISPATCH_PATH_STACK);
  if (compiled) yield* (which === Cb.Call ? enterCompiledCallPath(ctx, path, msg) : enterCompiledInfoPath(ctx, path, msg));
  try {
    const r0 = invoke(ctx, s, which, a, b);
    const r = isGen(r0) ? yield* r0 : r0;
    if (compiled) path.stackWords -= 1; // back in try_handle_call/4, inside its frame
    else ctx.heap.popFrame(path);
    // The heap words OTP's code allocates per callback: the callback's return tuple (when the
    // callback built it fresh: it is built before the callback returns) and
    // try_dispatch/try_handle_call's `{ok, Result}` wrapper.
    if (typeof r === "object" && (r as { gcStamp?: number }).gcStamp === 0) ctx.alloc(r);
    // the result stays live in x0 through the callback's return and the wrapper's heap test
    const hold = ctx.heap.pushFrame(0);
    hold.hold(r);
    // the callback's `return` costs a reduction (the x86-64 JIT's emit_return: `dec FCALLS;
    // jl dispatch_return`): with none left the process switches out there
    if (compiled) yield* callAt(ctx, path);
    ctx.heap.allocGarbage(3);
    if (compiled && which === Cb.Call) {
      // try_handle_call's `deallocate 3` and `return` (a reduction too): back in handle_msg/6
      path.stackWords -= 4;
      yield* callAt(ctx, path);
    }
    ctx.heap.popFrame(hold);
    if (compiled) ctx.heap.popFrame(path);
    return r;
  } catch (err) {
    ctx.heap.roots.unwindTo(path);
    const k = caught(err);
    return yield* terminate(ctx, s, k.cls, k.reason, k.stack, msg, from, true);
  }
}

/** handle_msg/6's entry stack in the model (frames.ts: the BEAM's + 1 while code runs): loop/7
 * tail-calls decode_msg/9, which tail-calls handle_msg/6, so only what is below loop's frame
 * remains (11 − loop's 6 y registers = 5). */
const HANDLE_MSG_ENTRY_STACK = 5 + 1;

/** gen_server's compiled path from the loop's receive to Mod:handle_call/3 (frames.ts):
 * decode_msg/9 and handle_msg/6 (tail calls), handle_msg's `allocate 10` with the message
 * live (x0; it takes From and Request apart after), `call` try_handle_call/4 (`allocate 3`, its
 * `try`), then `apply`'s return address: the callback is entered at stack 20 (process_dump
 * measured; 21 in the model). Each call is a reduction checked at the callee's entry
 * ({@link callAt}). */
function* enterCompiledCallPath(ctx: ProcessContext, path: Frame, msg: Term): Gen<void> {
  ctx.setStack(HANDLE_MSG_ENTRY_STACK);
  yield* callAt(ctx, path); // decode_msg/9
  yield* callAt(ctx, path); // handle_msg/6
  path.hold(msg);
  allocateIn(ctx.heap, path, 10);
  path.release(msg);
  path.stackWords += 1;
  yield* callAt(ctx, path); // try_handle_call/4
  allocateIn(ctx.heap, path, 3);
  path.stackWords += 1;
  yield* callAt(ctx, path); // Mod:handle_call/3 (apply)
}

/** gen_server's compiled path from the loop's receive to Mod:handle_info/2 (frames.ts):
 * decode_msg/9 and handle_msg/6 (tail calls), handle_msg's info clause `allocate 6` (the
 * message in a y register), `call` try_dispatch/3, its `call_only` to try_dispatch/4
 * (`allocate 8`, its `try`), then `apply`'s return address: the callback is entered at stack
 * 21 (22 in the model). */
function* enterCompiledInfoPath(ctx: ProcessContext, path: Frame, msg: Term): Gen<void> {
  ctx.setStack(HANDLE_MSG_ENTRY_STACK);
  yield* callAt(ctx, path); // decode_msg/9
  yield* callAt(ctx, path); // handle_msg/6
  path.hold(msg);
  allocateIn(ctx.heap, path, 6);
  path.stackWords += 1;
  yield* callAt(ctx, path); // try_dispatch/3
  yield* callAt(ctx, path); // try_dispatch/4 (call_only)
  allocateIn(ctx.heap, path, 8);
  path.stackWords += 1;
  yield* callAt(ctx, path); // Mod:handle_info/2 (apply)
}

/** After try_dispatch returned to handle_msg/6's info clause: its `call_last` to
 * handle_common_reply/8 (handle_msg's frame gone), which for `{noreply, NState}` tail-calls
 * loop/7: loop's `allocate 6` tests the heap before the next receive. */
function compiledInfoReturn(ctx: ProcessContext): void {
  const heap = ctx.heap;
  const loopFrame = heap.pushFrame(0);
  allocateIn(heap, loopFrame, 6);
  heap.popFrame(loopFrame);
}

/** handle_msg/6's `{reply, Reply, NState}` clause in the compiled path: `trim 5, 5` (5 y
 * registers and the return address stay), `call` gen_server:reply/2 → gen:reply/2's
 * `allocate_heap 0, 3` for `{Tag, Reply}`; then the tail call to loop/7 and its `allocate 6`
 * (the loop's receive is at stack 11 again). */
function compiledReply(ctx: ProcessContext, from: Term, value: Term, trim: () => void): void {
  const heap = ctx.heap;
  trim(); // From and the request leave handle_msg's y registers: From and Reply are in x0, x1
  const f = heap.pushFrame(5 + 1);
  f.hold(from);
  f.hold(value);
  allocateHeapTest(heap, 3);
  f.release(from);
  f.release(value);
  sendReply(ctx, from, value);
  heap.popFrame(f);
  const loopFrame = heap.pushFrame(0);
  allocateIn(heap, loopFrame, 6);
  heap.popFrame(loopFrame);
}

/** Stack words gen_server keeps between its loop and handle_call (see {@link guarded}). */
const CALL_PATH_STACK = 10;
/** The same for handle_cast, handle_info and handle_continue. */
const DISPATCH_PATH_STACK = 11;

/** `trim`: drops From and the request from the loop's frame, where the compiled path's
 * handle_msg/6 trims its y registers before gen:reply (see {@link compiledReply}). */
function* handleMsg(ctx: ProcessContext, s: Server, msg: Term, setState: (n: Term) => void, time: Term, trim: () => void): Gen<Term> {
  const t = msg instanceof Tuple ? msg.elements : undefined;
  if (t?.length === 3 && t[0] === A.gen_call) {
    const from = t[1] as Term;
    const r = yield* guarded(ctx, s, Cb.Call, t[2] as Term, from, from, msg);
    const e = r instanceof Tuple ? r.elements : undefined;
    if (e?.[0] === A.reply && (e.length === 3 || (e.length === 4 && validTimeout(e[3] as Term)))) {
      setState(e[2] as Term); // NState stays live (a y register) while gen:reply builds its tuple
      if (s.compiledCall === true) compiledReply(ctx, from, e[1] as Term, trim);
      else sendReply(ctx, from, e[1] as Term);
      const d = s.debug;
      if (d !== undefined) debugEvent(ctx, s, d, tuple(K.out, e[1] as Term, from, e[2] as Term), r);
      return e.length === 4 ? (e[3] as Term) : A.infinity;
    }
    if (e?.[0] === A.stop && e.length === 4) {
      setState(e[3] as Term);
      try {
        yield* terminate(ctx, s, A.exit, e[1] as Term, nil, msg, from, false);
      } finally {
        sendReply(ctx, from, e[2] as Term);
        const d = s.debug;
        if (d !== undefined) debugEvent(ctx, s, d, tuple(K.out, e[2] as Term, from, e[3] as Term), r);
      }
    }
    return yield* handleNoreply(ctx, s, r, setState, msg, from);
  }
  if (t?.length === 2 && t[0] === A.gen_cast) {
    const r = yield* guarded(ctx, s, Cb.Cast, t[1] as Term, undefined, undefined, msg);
    return yield* handleNoreply(ctx, s, r, setState, msg);
  }
  if (t?.length === 3 && t[0] === A.system) return yield* systemMsg(ctx, s, t[1] as Term, t[2] as Term, setState, time);
  if (isParentExit(ctx, s, t)) return yield* terminate(ctx, s, A.exit, (t as readonly Term[])[2] as Term, nil, msg, undefined, false);
  if (s.mod.handleInfo === undefined) {
    log(ctx, "gen_server no_handle_info", { module: atom(s.mod.name), message: msg });
    return A.infinity;
  }
  const r = yield* guarded(ctx, s, Cb.Info, msg, undefined, undefined, msg);
  const next = yield* handleNoreply(ctx, s, r, setState, msg);
  if (s.compiledInfo === true) compiledInfoReturn(ctx);
  return next;
}

function sendReply(ctx: ProcessContext, from: Term, value: Term): void {
  genReply(ctx, from, value); // builds {Tag, Reply} on the server's heap, then sends a copy (gen.ts)
}

/** `{noreply, S}` | `{noreply, S, T}` | `{stop, R, S}` | anything else: bad_return_value. */
function* handleNoreply(ctx: ProcessContext, s: Server, r: Term, setState: (n: Term) => void, msg: Term, from?: Term): Gen<Term> {
  const e = r instanceof Tuple ? r.elements : undefined;
  if (e?.[0] === A.noreply && (e.length === 2 || (e.length === 3 && validTimeout(e[2] as Term)))) {
    setState(e[1] as Term);
    const d = s.debug;
    if (d !== undefined) debugEvent(ctx, s, d, tuple(A.noreply, e[1] as Term), r);
    return e.length === 3 ? (e[2] as Term) : A.infinity;
  }
  if (e?.[0] === A.stop && e.length === 3) {
    setState(e[2] as Term);
    return yield* terminate(ctx, s, A.exit, e[1] as Term, nil, msg, from, false);
  }
  return yield* terminate(ctx, s, A.exit, tuple(A.bad_return_value, r), nil, msg, from, false);
}

/**
 * gen_server:terminate/10: terminate callback, error report, then the exit (never returns).
 * `fromException`: the reason came from a callback's exception (the report's reason is then
 * `{Reason, Stack}`, ReportStacktrace in OTP).
 */
function* terminate(ctx: ProcessContext, s: Server, cls: Term, reason: Term, stack: Term, msg: Term, from: Term | undefined, fromException: boolean): Gen<never> {
  const exitReason = cls === A.exit ? reason : tuple(reason, stack);
  if (s.mod.terminate !== undefined) {
    try {
      yield* cb(s.mod.terminate(ctx, exitReason, s.state));
    } catch (err) {
      const k = caught(err);
      errorInfo(ctx, s, k.reason, k.stack, msg, from);
      throw err;
    }
  }
  if (!(cls === A.exit && isNormalish(reason))) errorInfo(ctx, s, reason, fromException ? stack : undefined, msg, from);
  if (cls === A.exit) return ctx.exit(reason);
  return ctx.error(reason);
}

/** gen_server:error_info/8: the `{gen_server, terminate}` report, through format_status. */
function errorInfo(ctx: ProcessContext, s: Server, reason: Term, stack: Term | undefined, msg: Term, from: Term | undefined): void {
  const logged = list(s.debug?.getLog() ?? []);
  const st = formatStatusOf(ctx, s.mod, "terminate", { reason, state: s.state, message: msg, log: logged }, () => [pdictOf(ctx), s.state]);
  const why = st.reason ?? reason;
  log(ctx, "gen_server terminate", {
    name: s.name,
    last_message: st.message ?? msg,
    state: st.EXIT ?? st.$status ?? st.state ?? s.state,
    log: st.log ?? logged,
    reason: stack === undefined ? why : tuple(why, stack),
    ...(from !== undefined ? { client_info: from } : {}),
  });
}

/** The process dictionary as `get()` returns it. */
function pdictOf(ctx: ProcessContext): Term {
  const info = ctx.processInfo(ctx.self, ["dictionary"]);
  return list((info?.dictionary ?? []).map(([k, v]) => tuple(k, v)));
}

type StatusMap = Partial<Record<"state" | "message" | "reason" | "log" | "EXIT" | "$status", Term>>;

function definedKeys(o: object): string[] {
  return Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
}

/** gen:format_status(Mod, Opt, Status, Args): format_status/1 first, then format_status/2. */
function formatStatusOf(ctx: ProcessContext, mod: GenServerModule, opt: "normal" | "terminate", status: StatusMap, args: () => readonly [Term, Term]): StatusMap {
  if (mod.formatStatus !== undefined) {
    const fail = (why: string): StatusMap => ({ ...status, EXIT: charlist(`${mod.name}:format_status/1 ${why}`) });
    let r: unknown;
    try {
      r = mod.formatStatus(ctx, status);
    } catch {
      return fail("crashed");
    }
    if (typeof r !== "object" || r === null || Object.getPrototypeOf(r) !== Object.prototype) return fail("did not return a map");
    const merged: StatusMap = { ...status };
    for (const k of definedKeys(r)) (merged as Record<string, unknown>)[k] = (r as Record<string, unknown>)[k];
    // maps:size(maps:merge(Status, New)) =:= maps:size(New), else "unknown keys" (OTP 25's check)
    if (definedKeys(merged).length !== definedKeys(r).length) return fail("returned a map with unknown keys");
    return merged;
  }
  if (mod.formatStatus2 !== undefined) {
    try {
      return { ...status, $status: mod.formatStatus2(ctx, opt, args()) };
    } catch {
      return { ...status, EXIT: charlist(`${mod.name}:format_status/2 crashed`) };
    }
  }
  return status;
}

/** gen:format_status_header(TagLine, Name). */
function statusHeader(tag: string, name: Term): Term {
  if (name instanceof Pid) return charlist(`${tag} ${printTerm(name)}`);
  if (name instanceof Atom) return charlist(`${tag} ${name.name}`);
  return tuple(charlist(tag), name);
}

/** sys:get_status's reply: `{status, Pid, {module, gen_server}, [PDict, SysState, Parent, Debug, Misc]}`
 * with Misc from gen_server:format_status(normal, …). */
function statusOf(ctx: ProcessContext, s: Server, sysState: Term): Term {
  const pdict = pdictOf(ctx);
  const st = formatStatusOf(ctx, s.mod, "normal", { state: s.state, log: list(s.debug?.getLog() ?? []) }, () => [pdict, s.state]);
  const stateData = (x: Term): Term => list([tuple(K.data, list([tuple(charlist("State"), x)]))]);
  let tail: Term;
  if (st.EXIT !== undefined) tail = stateData(st.EXIT);
  else if (st.$status !== undefined) tail = st.$status instanceof Cons || st.$status === nil ? st.$status : list([st.$status]);
  else tail = stateData(st.state ?? s.state);
  const data = tuple(K.data, list([tuple(charlist("Status"), sysState), tuple(charlist("Parent"), s.parent), tuple(charlist("Logged events"), st.log ?? nil)]));
  const misc = list([tuple(K.header, statusHeader("Status for generic server", s.name)), data], tail);
  return tuple(K.status, ctx.self, tuple(K.module, A.gen_server), list([pdict, sysState, s.parent, s.debug === undefined ? nil : s.debug.term(), misc]));
}

/**
 * sys:handle_system_msg with gen_server's system callbacks: answers the request, then returns
 * the loop's `time` (system_continue) — or, after `suspend`, keeps answering system messages
 * (sys:suspend_loop) until `resume`; `{terminate, R}` (and the parent's 'EXIT' while suspended)
 * terminate (system_terminate: the report's last message is `[]`).
 */
function* systemMsg(ctx: ProcessContext, s: Server, from0: Term, req0: Term, setState: (n: Term) => void, time: Term): Gen<Term> {
  let from = from0;
  let req = req0;
  let sysState: Term = A.running;
  for (;;) {
    const r = req instanceof Tuple ? req.elements : undefined;
    if (req === K.get_state) genReply(ctx, from, s.state);
    else if (req === K.get_status) genReply(ctx, from, statusOf(ctx, s, sysState));
    else if (req === K.suspend) {
      sysState = K.suspended;
      genReply(ctx, from, A.ok);
    } else if (req === K.resume) {
      sysState = A.running;
      genReply(ctx, from, A.ok);
    } else if (r?.length === 2 && r[0] === K.replace_state) {
      const f = replaceFunction(r[1] as Term);
      try {
        if (f !== undefined) setState(f(s.state));
        genReply(ctx, from, s.state);
      } catch (err) {
        const k = caught(err);
        genReply(ctx, from, tuple(A.error, tuple(K.callback_failed, tuple(A.gen_server, K.system_replace_state), tuple(k.cls, k.reason))));
      }
    } else if (r?.length === 2 && r[0] === K.debug) {
      const d = s.debug ?? new SysDebug();
      const answer = d.cmd(ctx, s.name, r[1] as Term);
      s.debug = d.attach(ctx);
      genReply(ctx, from, answer);
    } else if (r?.length === 2 && r[0] === K.terminate) {
      genReply(ctx, from, A.ok);
      return yield* terminate(ctx, s, A.exit, r[1] as Term, nil, nil, undefined, false);
    } else genReply(ctx, from, tuple(A.error, tuple(K.unknown_system_msg, req)));
    if (sysState === A.running) return time;
    const m = (yield* ctx.receive(isSystemOrParentExit(s.parent))) as Tuple;
    if (m.elements[0] === A.EXIT) return yield* terminate(ctx, s, A.exit, m.elements[2] as Term, nil, nil, undefined, false);
    from = m.elements[1] as Term;
    req = m.elements[2] as Term;
  }
}
