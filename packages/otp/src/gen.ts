/**
 * `gen`: the call protocol shared by gen_server, supervisor, sys and Agent (OTP 25 gen:call).
 *
 * Owns: `genCall` — a call to itself exits with `calling_self`; monitor the server (a name is
 * resolved first, gen:do_for_proc: a local name with whereis, `{global, Name}` with global.ts,
 * `{via, Mod, Name}` with `Mod.whereisName`; unknown → exit `noproc`),
 * send `{Label, {self(), [alias | Mref]}, Request}`, then wait for `{[alias | Mref], Reply}` or
 * the monitor's `'DOWN'` (→ exit with its reason) or the timeout (→ demonitor with flush, one
 * last look for the reply with `after 0`, else exit `timeout`); `reply(From, Reply)`.
 * Two clauses, as OTP 25's gen:do_call/4 compiles (`beam_disasm` of gen.beam, stdlib 4.2):
 * - timeout `infinity` (to a local process: every server this package resolves): a plain
 *   `erlang:monitor(process, Pid)` whose 3-word ref is the tag — `{Label, {self(), Mref},
 *   Request}` (test_heap 7), the reply `{Mref, Reply}`, then `erlang:demonitor(Mref, [flush])`
 *   and `{ok, Reply}` (test_heap 3) — each built on the caller's heap, as the BEAM does; the
 *   frames are gen:do_call's (allocate 4: 5 words) inside the caller's.
 * - any other timeout: the alias clause below (its heap words are not modelled yet).
 * The alias: OTP 25 makes the monitor an alias deactivated by the demonitor, so a reply that comes
 * after the caller gave up is dropped by the runtime. The scheduler has no `alias`, so the alias
 * is emulated (common.ts): the reply is dropped at the sender when the alias is no longer active.
 * Invariant: when genCall returns or throws, the caller holds no monitor and no active alias.
 * Hot path: no closure is made per call — each process has one {@link Waiter} (its receive
 * patterns made once, reading the awaited ref from the waiter); a process runs one genCall at
 * a time (it blocks in the receive), so one slot per process is enough.
 */
import { atom, Cons, equals, Pid, Ref, Tuple, type Term } from "@beamlab/heap";
import type { Pattern, ProcessContext } from "@beamlab/scheduler";
import { A, aliasKey, aliasSetOf, caught, demonitorFlush, type Gen } from "./common.js";
import { whereName, type ServerName } from "./via.js";

export type Timeout = number | "infinity";
/** A pid, a local name (string), `{ global: Name }` or `{ via: Module, name: Name }` (via.ts). */
export type ServerRef = Pid | ServerName;

/** gen:do_for_proc's lookup: the pid of a server reference, or exit `noproc`. */
export function resolveServer(ctx: ProcessContext, server: ServerRef): Pid {
  if (server instanceof Pid) return server;
  const p = typeof server === "string" ? ctx.whereis(server) : whereName(ctx, server);
  if (p === undefined) return ctx.exit(A.noproc);
  return p;
}

/** `a =:= b` for the monitor refs a call waits on (a fast path for two refs of one node). */
function refEquals(a: Term, b: Ref | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  if (a instanceof Ref && a.node === b.node && a.creation === b.creation && a.ids.length === b.ids.length) {
    const x = a.ids;
    const y = b.ids;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  return equals(a, b);
}

/** The per-process state of the call in progress and its receive patterns (made once). */
class Waiter {
  constructor(
    /** The scheduler's active alias keys (common.ts), looked up once per process. */
    readonly aliases: Set<number | string>,
  ) {}
  /** The monitor ref (and alias) the running call waits on. */
  mref: Ref | undefined = undefined;
  /** `{[alias | Mref], _}`. */
  readonly isReply: Pattern = (m) => {
    if (!(m instanceof Tuple) || m.elements.length !== 2) return false;
    const t = m.elements[0];
    return t instanceof Cons && t.head === A.alias && refEquals(t.tail, this.mref);
  };
  /** `{Mref, _}` or `{'DOWN', Mref, _, _, _}` (the infinity clause). */
  readonly isPlainReplyOrDown: Pattern = (m) => {
    if (!(m instanceof Tuple)) return false;
    const e = m.elements;
    if (e.length === 2) return refEquals(e[0] as Term, this.mref);
    return e.length === 5 && e[0] === A.DOWN && refEquals(e[1] as Term, this.mref);
  };
  /** `{[alias | Mref], _}` or `{'DOWN', Mref, _, _, _}`. */
  readonly isReplyOrDown: Pattern = (m) => {
    if (!(m instanceof Tuple)) return false;
    const e = m.elements;
    if (e.length === 2) {
      const t = e[0];
      return t instanceof Cons && t.head === A.alias && refEquals(t.tail, this.mref);
    }
    return e.length === 5 && e[0] === A.DOWN && refEquals(e[1] as Term, this.mref);
  };
}
const waiters = new WeakMap<ProcessContext, Waiter>();
function waiterOf(ctx: ProcessContext): Waiter {
  let w = waiters.get(ctx);
  if (w === undefined) waiters.set(ctx, (w = new Waiter(aliasSetOf(ctx))));
  return w;
}

/** The receive options of a timeout (one object per distinct timeout, reused). */
const INFINITY_OPTS = {};
const AFTER_0 = { after: 0 };
const afterOpts = new Map<number, { readonly after: number }>();
function receiveOpts(timeout: Timeout): { readonly after?: number } {
  if (timeout === "infinity") return INFINITY_OPTS;
  let o = afterOpts.get(timeout);
  if (o === undefined) {
    o = { after: timeout };
    if (afterOpts.size < 64) afterOpts.set(timeout, o);
  }
  return o;
}

/** gen:call(Process, Label, Request, Timeout): the reply, or throws exit(Reason). */
/** gen:call's `monitor(process, Pid, [{alias, demonitor}])`: the ref is a pid-ref (4 words). */
const ALIAS_MONITOR = { alias: true } as const;

export function genCall(ctx: ProcessContext, server: ServerRef, label: Term, request: Term, timeout: Timeout): Gen<Term> {
  return genCallAs(ctx, server, label, request, timeout, undefined);
}

/** What a caller API makes of an exit of gen:call (e.g. gen_server:call's `{Reason, {gen_server, call, Args}}`):
 * `onExit(ctx, reason)` exits with the new reason. */
export type OnCallExit = (ctx: ProcessContext, reason: Term, server: ServerRef, request: Term, timeout: Timeout | undefined) => never;

/**
 * {@link genCall} where an exit (`exit` class only; anything else passes through) is given to
 * `onExit` — the `try … catch exit:R -> exit({R, …})` of gen_server:call, in the same generator
 * (no extra generator per call). `userTimeout` is the timeout the caller gave (for `onExit`).
 */
export function* genCallAs(
  ctx: ProcessContext,
  server: ServerRef,
  label: Term,
  request: Term,
  timeout: Timeout,
  onExit: OnCallExit | undefined,
  userTimeout?: Timeout,
): Gen<Term> {
  try {
    const pid = server instanceof Pid ? server : resolveServer(ctx, server);
    const self = ctx.self;
    if (pid.id === self.id && pid.serial === self.serial) ctx.exit(atom("calling_self"));
    if (timeout === "infinity") return yield* plainCall(ctx, pid, label, request);
    const mref = ctx.monitor(pid, ALIAS_MONITOR);
    const tag = new Cons(A.alias, mref);
    const w = waiterOf(ctx);
    const aliases = w.aliases;
    const key = aliasKey(tag);
    aliases.add(key);
    ctx.send(pid, new Tuple([label, new Tuple([self, tag]), request]));
    w.mref = mref;
    const m = yield* ctx.receive(w.isReplyOrDown, receiveOpts(timeout));
    if (m !== undefined) {
      const e = (m as Tuple).elements;
      aliases.delete(key);
      w.mref = undefined;
      if (e.length === 2) {
        demonitorFlush(ctx, mref);
        return e[1] as Term;
      }
      return ctx.exit(e[4] as Term);
    }
    demonitorFlush(ctx, mref);
    aliases.delete(key);
    const late = yield* ctx.receive(w.isReply, AFTER_0);
    w.mref = undefined;
    if (late !== undefined) return (late as Tuple).elements[1] as Term;
    return ctx.exit(A.timeout);
  } catch (err) {
    if (onExit === undefined) throw err;
    const k = caught(err);
    if (k.cls !== A.exit) throw err;
    return onExit(ctx, k.reason, server, request, userTimeout);
  }
}

/** gen:do_call/4's infinity clause (see the header): the reply, or throws exit(Reason). */
function* plainCall(ctx: ProcessContext, pid: Pid, label: Term, request: Term): Gen<Term> {
  const heap = ctx.heap;
  const frame = heap.pushFrame(DO_CALL_FRAME);
  frame.hold(request);
  const mref = ctx.monitor(pid);
  heap.allocBif(mref); // erlang:monitor/2's result
  frame.hold(mref);
  const msg = ctx.alloc(new Tuple([label, new Tuple([ctx.self, mref]), request])); // test_heap 7
  ctx.send(pid, msg);
  frame.release(request);
  const w = waiterOf(ctx);
  w.mref = mref;
  let m: Term;
  try {
    m = yield* ctx.receive(w.isPlainReplyOrDown);
  } finally {
    w.mref = undefined;
  }
  const e = (m as Tuple).elements;
  if (e.length !== 2) {
    heap.popFrame(frame);
    return ctx.exit(e[4] as Term);
  }
  frame.hold(m);
  ctx.bif();
  demonitorFlush(ctx, mref);
  heap.allocGarbage(3); // {ok, Reply}
  heap.popFrame(frame);
  return e[1] as Term;
}

/** gen:do_call/4's frame: allocate 4 (4 y registers and the continuation pointer). */
const DO_CALL_FRAME = 5;

/** gen:reply({To, Tag}, Reply): `{Tag, Reply}` to the caller, dropped if its alias is inactive. */
export function reply(ctx: ProcessContext, from: Term, value: Term): Term {
  if (!(from instanceof Tuple) || from.elements.length !== 2) return ctx.error(new Tuple([A.error, from]));
  const e = from.elements;
  const to = e[0] as Pid;
  const tag = e[1] as Term;
  if (tag instanceof Cons && tag.head === A.alias && !waiterOf(ctx).aliases.has(aliasKey(tag))) return A.ok;
  // every clause of OTP 25's gen:reply/2 builds `{Tag, Reply}` on the replier's heap (allocate_heap … 3)
  ctx.send(to, ctx.alloc(new Tuple([tag, value])));
  return A.ok;
}
