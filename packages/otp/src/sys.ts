/**
 * `sys` (OTP 25 sys.erl) for the gen behaviours: the client functions that send system
 * messages, and the per-process debug options (`Debug` of sys:handle_debug/4).
 *
 * Owns:
 *  - The client API: `getState`, `replaceState`, `getStatus`, `suspend`, `resume`, `trace`,
 *    `log`, `statistics`, `noDebug`, `terminate` — each a gen:call with label `system`
 *    (`{system, From, Request}`; requests as sys sends them: `get_state`, `{replace_state, F}`,
 *    `{debug, {log, Flag}}` …). An exit of the call becomes `{Reason, {sys, Func, Args}}` (sys's
 *    mfa/2,3: the timeout is in Args only when given). `get_state`/`replace_state` answered with
 *    `{error, R}` raise error R in the caller (e.g. `{callback_failed, {gen_server,
 *    system_replace_state}, {Class, Reason}}` when the replace function crashed).
 *  - {@link SysDebug}: the debug options of one process — OTP's `Debug` list, most recently
 *    installed first: `{trace, true}` (each event printed), `{log, NLog}` (the last N events,
 *    default 10), `{statistics, …}` (messages in/out, reductions since it was switched on).
 *    `handle` is sys:handle_debug: one event through every option; gen_server's events are
 *    `{in, Msg}`, `{out, Reply, From, State}`, `{noreply, State}` and `{continue, C}` (printed
 *    by gen_server:print_event/3's formats: `*DBG* Name got call Req from Pid` …). `cmd` is
 *    sys:debug_cmd (install only when absent, as sys's install_debug: `log(true)` on a process
 *    that already logs keeps its log and size).
 *  - Trace output: each printed event goes to the scheduler's trace sink (`setTraceSink`), by
 *    default to the logger (common.ts `log`, label `sys trace`, with `name`, `event`, `text`).
 * Invariants: a process with no debug option holds no SysDebug (the gen_server loop tests one
 * field per message); logged events are terms on the owner's heap, kept alive by the SysDebug
 * (a heap root source) until they leave the log.
 * Differences from OTP, on purpose: statistics times are the scheduler's virtual milliseconds
 * (OTP: erlang:localtime()); trace text prints terms with printTerm (strings as lists, like
 * `~w`; OTP uses `~tp`); the log's list cells and `{Event, Name, FormFun}` items are not
 * allocated (only the event tuples), and in sys:get_status the log shows as
 * `{log, {N, Events}}` (OTP: nlog's internal ring); `log_to_file`, `install`/`remove` and
 * change_code are not modelled; a replace function is a JS function, named in exit reasons by
 * the integer that stands for it.
 */
import { atom, list, nil, Pid, printTerm, Tuple, type RootSource, type Term } from "@beamlab/heap";
import type { ProcessContext, Scheduler } from "@beamlab/scheduler";
import { A, caught, log as logReport, tuple, type Gen } from "./common.js";
import { genCall, type ServerRef, type Timeout } from "./gen.js";
import { serverRefTerm } from "./via.js";

const K = {
  sys: atom("sys"),
  debug: atom("debug"),
  trace: atom("trace"),
  log: atom("log"),
  statistics: atom("statistics"),
  get: atom("get"),
  print: atom("print"),
  in: atom("in"),
  out: atom("out"),
  noreply: atom("noreply"),
  gen_call: atom("$gen_call"),
  gen_cast: atom("$gen_cast"),
  no_debug: atom("no_debug"),
  unknown_debug: atom("unknown_debug"),
  no_statistics: atom("no_statistics"),
} as const;

// ------------------------------------------------------------------ debug options

/** A `{debug, Flags}` start option flag: `trace`, `log`, `{log, N}` (as `{ log: N }`), `statistics`. */
export type DebugOption = "trace" | "log" | "statistics" | { readonly log: number };

interface LogItem {
  readonly k: "log";
  readonly max: number;
  readonly events: Term[];
}
interface StatItem {
  readonly k: "statistics";
  readonly start: number;
  readonly reds: number;
  in: number;
  out: number;
}
type Item = { readonly k: "trace" } | LogItem | StatItem;

/** The trace output of a scheduler's processes: a line and the event it prints. */
export type TraceSink = (line: string, event: Term, name: Term) => void;
const sinks = new WeakMap<Scheduler, TraceSink>();
/** Sends the `sys` trace output of this scheduler's processes to `sink` (undefined: back to the logger). */
export function setTraceSink(s: Scheduler, sink: TraceSink | undefined): void {
  if (sink === undefined) sinks.delete(s);
  else sinks.set(s, sink);
}

function isTuple(t: Term, n: number, tag?: Term): t is Tuple {
  return t instanceof Tuple && t.elements.length === n && (tag === undefined || t.elements[0] === tag);
}

/** gen_server:print_event/3: the `*DBG*` line of an event. */
export function formatEvent(name: Term, ev: Term): string {
  const n = printTerm(name);
  if (isTuple(ev, 2, K.in)) {
    const m = ev.elements[1] as Term;
    if (isTuple(m, 3, K.gen_call) && isTuple(m.elements[1] as Term, 2)) {
      const from = (m.elements[1] as Tuple).elements[0] ?? nil;
      return `*DBG* ${n} got call ${printTerm(m.elements[2] as Term)} from ${printTerm(from)}`;
    }
    if (isTuple(m, 2, K.gen_cast)) return `*DBG* ${n} got cast ${printTerm(m.elements[1] as Term)}`;
    return `*DBG* ${n} got ${printTerm(m)}`;
  }
  if (isTuple(ev, 4, K.out) && isTuple(ev.elements[2] as Term, 2)) {
    const to = (ev.elements[2] as Tuple).elements[0] ?? nil;
    return `*DBG* ${n} sent ${printTerm(ev.elements[1] as Term)} to ${printTerm(to)}, new state ${printTerm(ev.elements[3] as Term)}`;
  }
  if (isTuple(ev, 2, K.noreply)) return `*DBG* ${n} new state ${printTerm(ev.elements[1] as Term)}`;
  return `*DBG* ${n} dbg  ${printTerm(ev)}`;
}

function printEvent(ctx: ProcessContext, name: Term, ev: Term): void {
  const line = formatEvent(name, ev);
  const sink = sinks.get(ctx.scheduler);
  if (sink !== undefined) sink(line, ev, name);
  else logReport(ctx, "sys trace", { name, event: ev, text: line });
}

/** The debug options of one process (sys's `Debug`), a root source of its heap while it exists. */
export class SysDebug implements RootSource {
  /** OTP's Debug list order: the most recently installed first. */
  private items: Item[] = [];
  /** A term the owner still needs while an event is being logged (its collection may run). */
  pending: Term | undefined = undefined;
  private attached: ProcessContext | undefined = undefined;

  /** sys:debug_options(Flags) for the calling process; undefined when nothing is switched on. */
  static fromOptions(ctx: ProcessContext, opts: readonly DebugOption[] | undefined): SysDebug | undefined {
    if (opts === undefined || opts.length === 0) return undefined;
    const d = new SysDebug();
    for (const o of opts) {
      if (o === "trace") d.install({ k: "trace" });
      else if (o === "log") d.install({ k: "log", max: 10, events: [] });
      else if (o === "statistics") d.install(initStat(ctx));
      else if (typeof o === "object" && Number.isInteger(o.log) && o.log > 0) d.install({ k: "log", max: o.log, events: [] });
    }
    return d.attach(ctx);
  }

  /** True when no option is left (the owner then drops this SysDebug: OTP's `Debug = []`). */
  get empty(): boolean {
    return this.items.length === 0;
  }

  /** Registers as a root source of the owner's heap (the logged events stay alive). */
  attach(ctx: ProcessContext): this | undefined {
    if (this.items.length === 0) {
      this.detach();
      return undefined;
    }
    if (this.attached === undefined) {
      ctx.heap.addRootSource(this);
      this.attached = ctx;
    }
    return this;
  }

  detach(): void {
    if (this.attached !== undefined && !this.attached.heap.hasExited) this.attached.heap.removeRootSource(this);
    this.attached = undefined;
  }

  forEachRoot(visit: (t: Term) => void): void {
    if (this.pending !== undefined) visit(this.pending);
    for (const it of this.items) if (it.k === "log") for (const e of it.events) visit(e);
  }

  private install(it: Item): void {
    if (!this.items.some((x) => x.k === it.k)) this.items.unshift(it);
  }
  private remove(k: Item["k"]): void {
    this.items = this.items.filter((x) => x.k !== k);
  }
  private find<T extends Item["k"]>(k: T): Extract<Item, { k: T }> | undefined {
    return this.items.find((x) => x.k === k) as Extract<Item, { k: T }> | undefined;
  }

  /** sys:handle_debug(Debug, fun print_event/3, Name, Event). */
  handle(ctx: ProcessContext, name: Term, event: Term): void {
    let ev = event;
    let placed = false;
    for (const it of this.items) {
      if (it.k === "trace") printEvent(ctx, name, ev);
      else if (it.k === "log") {
        if (!placed) {
          ev = ctx.alloc(ev);
          placed = true;
        }
        it.events.push(ev);
        if (it.events.length > it.max) it.events.shift();
      } else stat(it, ev);
    }
  }

  /** sys:get_log(Debug): the logged events, oldest first. */
  getLog(): Term[] {
    return [...(this.find("log")?.events ?? [])];
  }

  /** sys:debug_cmd(What, Debug) → the reply (`name`: what `log(print)` prints events under). */
  cmd(ctx: ProcessContext, name: Term, what: Term): Term {
    if (what === K.no_debug) {
      this.items = [];
      return A.ok;
    }
    if (!isTuple(what, 2)) return K.unknown_debug;
    const [item, flag] = what.elements as [Term, Term];
    if (item === K.trace && (flag === A.true || flag === A.false)) {
      if (flag === A.true) this.install({ k: "trace" });
      else this.remove("trace");
      return A.ok;
    }
    if (item === K.log) {
      if (flag === A.true) {
        this.install({ k: "log", max: 10, events: [] });
        return A.ok;
      }
      if (isTuple(flag, 2, A.true) && Number.isInteger(flag.elements[1]) && (flag.elements[1] as number) >= 1) {
        this.install({ k: "log", max: flag.elements[1] as number, events: [] });
        return A.ok;
      }
      if (flag === A.false) {
        this.remove("log");
        return A.ok;
      }
      if (flag === K.get) return tuple(A.ok, list(this.getLog()));
      if (flag === K.print) {
        for (const e of this.getLog()) printEvent(ctx, name, e);
        return A.ok;
      }
      return K.unknown_debug;
    }
    if (item === K.statistics) {
      if (flag === A.true) {
        this.install(initStat(ctx));
        return A.ok;
      }
      if (flag === A.false) {
        this.remove("statistics");
        return A.ok;
      }
      if (flag === K.get) {
        const st = this.find("statistics");
        return tuple(A.ok, st === undefined ? K.no_statistics : getStat(ctx, st));
      }
    }
    return K.unknown_debug;
  }

  /** The Debug list as sys:get_status shows it. */
  term(): Term {
    return list(
      this.items.map((it) => {
        if (it.k === "trace") return tuple(K.trace, A.true);
        if (it.k === "log") return tuple(K.log, tuple(it.max, list(it.events)));
        return tuple(K.statistics, tuple(it.start, tuple(atom("reductions"), it.reds), it.in, it.out));
      }),
    );
  }
}

function reductions(ctx: ProcessContext): number {
  return ctx.processInfo(ctx.self, ["reductions"])?.reductions ?? 0;
}
function initStat(ctx: ProcessContext): StatItem {
  return { k: "statistics", start: ctx.now(), reds: reductions(ctx), in: 0, out: 0 };
}
function getStat(ctx: ProcessContext, st: StatItem): Term {
  return list([
    tuple(atom("start_time"), st.start),
    tuple(atom("current_time"), ctx.now()),
    tuple(atom("reductions"), reductions(ctx) - st.reds),
    tuple(atom("messages_in"), st.in),
    tuple(atom("messages_out"), st.out),
  ]);
}
/** sys:stat/2. */
function stat(st: StatItem, ev: Term): void {
  if (!(ev instanceof Tuple)) return;
  const e = ev.elements;
  if (e[0] === K.in && (e.length === 2 || e.length === 3)) st.in++;
  else if (e[0] === K.out && (e.length === 3 || e.length === 4)) st.out++;
}

// ------------------------------------------------------------------ the client API

const DEFAULT_TIMEOUT = 5000;

/** sys:send_system_msg/2,3: the reply; an exit becomes `{Reason, {sys, Func, Args}}`. */
function* send(ctx: ProcessContext, server: ServerRef, req: Term, func: Term, args: readonly Term[], timeout: Timeout | undefined): Gen<Term> {
  try {
    return yield* genCall(ctx, server, A.system, req, timeout ?? DEFAULT_TIMEOUT);
  } catch (err) {
    const k = caught(err);
    if (k.cls !== A.exit) throw err;
    const xs = [serverRefTerm(server), ...args];
    if (timeout !== undefined) xs.push(timeout === "infinity" ? A.infinity : timeout);
    return ctx.exit(tuple(k.reason, tuple(K.sys, func, list(xs))));
  }
}

/** `{error, R}` answers of get_state/replace_state raise error R (sys.erl). */
function orError(ctx: ProcessContext, r: Term): Term {
  if (isTuple(r, 2, A.error)) return ctx.error(r.elements[1] as Term);
  return r;
}

/** sys:get_state(Name[, Timeout]). */
export function* getState(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  const req = atom("get_state");
  return orError(ctx, yield* send(ctx, server, req, req, [], timeout));
}

const replaceFns = new Map<number, (s: Term) => Term>();
let nextReplace = 1;
/** The replace function a `{replace_state, Id}` request stands for. */
export function replaceFunction(id: Term): ((s: Term) => Term) | undefined {
  return typeof id === "number" ? replaceFns.get(id) : undefined;
}

/** sys:replace_state(Name, StateFun[, Timeout]) with a JS function of the state. */
export function* replaceState(ctx: ProcessContext, server: ServerRef, f: (s: Term) => Term, timeout?: Timeout): Gen<Term> {
  const id = nextReplace++;
  replaceFns.set(id, f);
  try {
    const req = tuple(atom("replace_state"), id);
    return orError(ctx, yield* send(ctx, server, req, req, [], timeout));
  } finally {
    replaceFns.delete(id);
  }
}

/** sys:get_status(Name[, Timeout]): `{status, Pid, {module, Mod}, [PDict, SysState, Parent, Debug, Misc]}`. */
export function getStatus(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  const req = atom("get_status");
  return send(ctx, server, req, req, [], timeout);
}

/** sys:suspend(Name[, Timeout]): the process then handles only system messages. */
export function suspend(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  const req = atom("suspend");
  return send(ctx, server, req, req, [], timeout);
}

/** sys:resume(Name[, Timeout]). */
export function resume(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  const req = atom("resume");
  return send(ctx, server, req, req, [], timeout);
}

function debugCmd(ctx: ProcessContext, server: ServerRef, func: Term, flag: Term, timeout: Timeout | undefined): Gen<Term> {
  return send(ctx, server, tuple(K.debug, tuple(func, flag)), func, [flag], timeout);
}

/** sys:trace(Name, Flag[, Timeout]). */
export function trace(ctx: ProcessContext, server: ServerRef, flag: boolean, timeout?: Timeout): Gen<Term> {
  return debugCmd(ctx, server, K.trace, flag ? A.true : A.false, timeout);
}

/** sys:log(Name, Flag[, Timeout]): `true`, `false`, `get` (→ `{ok, Events}`), `print`, or N for `{true, N}`. */
export function log(ctx: ProcessContext, server: ServerRef, flag: boolean | "get" | "print" | number, timeout?: Timeout): Gen<Term> {
  const f: Term = typeof flag === "number" ? tuple(A.true, flag) : flag === true ? A.true : flag === false ? A.false : atom(flag);
  return debugCmd(ctx, server, K.log, f, timeout);
}

/** sys:statistics(Name, Flag[, Timeout]): `ok`, or `{ok, Stats | no_statistics}` for `get`. */
export function statistics(ctx: ProcessContext, server: ServerRef, flag: boolean | "true" | "false" | "get", timeout?: Timeout): Gen<Term> {
  return debugCmd(ctx, server, K.statistics, flag === true ? A.true : flag === false ? A.false : atom(flag), timeout);
}

/** sys:no_debug(Name[, Timeout]). */
export function noDebug(ctx: ProcessContext, server: ServerRef, timeout?: Timeout): Gen<Term> {
  const req = tuple(K.debug, K.no_debug);
  return send(ctx, server, req, req, [], timeout); // sys's mfa/2 has no clause for it: {sys, Req, [Name]}
}

/** sys:terminate(Name, Reason[, Timeout]): `ok` once the process took the request (it then terminates). */
export function terminate(ctx: ProcessContext, server: ServerRef, reason: Term, timeout?: Timeout): Gen<Term> {
  return send(ctx, server, tuple(atom("terminate"), reason), atom("terminate"), [reason], timeout);
}

/** `{system, From, Req}` or `{'EXIT', Parent, _}`: what a suspended process receives. */
export function isSystemOrParentExit(parent: Pid): (m: Term) => boolean {
  return (m) => isTuple(m, 3) && (m.elements[0] === A.system || (m.elements[0] === A.EXIT && isPidEq(m.elements[1], parent)));
}
function isPidEq(t: Term | undefined, p: Pid): boolean {
  return t instanceof Pid && t.id === p.id && t.serial === p.serial;
}
