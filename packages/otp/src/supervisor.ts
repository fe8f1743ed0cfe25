/**
 * `supervisor` (OTP 25 supervisor.erl): one_for_one, one_for_all and rest_for_one, as a
 * gen_server (it is one in OTP too: calls, sys, terminate all come from gen-server.ts).
 *
 * Owns: the children in start order (which_children lists them newest first, as OTP does),
 * starting them (`{ok, Pid}` | `{ok, Pid, Info}` | `ignore` | `{error, R}`; an exception is
 * `{error, Reason}`), the restart decision on `{'EXIT', Pid, Reason}` (permanent always; transient
 * unless normal/shutdown/{shutdown, _}; temporary never — a temporary child is forgotten), the
 * restart intensity (OTP's `add_restart`: restart times in whole seconds of the clock, kept while
 * `T >= Now - Period`; more than `intensity` of them → report `reached_max_restart_intensity`,
 * shut every child down newest first and exit with `shutdown`), the strategies (one_for_all:
 * the others are shut down newest first, then all started in order; rest_for_one: the ones
 * started after it), a failed restart retried through `{'$gen_cast', {try_again_restart, Id}}`
 * (each try counts against the intensity), shutdown (brutal_kill: monitor + exit kill;
 * a timeout: exit shutdown, kill after the timeout; infinity: wait), and the API:
 * which_children, count_children, start_child, terminate_child, restart_child, delete_child,
 * get_childspec. Bad child specs: OTP's error term (see child-spec.ts) and a report naming the
 * child and the field.
 * Memory: the gen_server state term is a small tuple (supervisor name, strategy, child count);
 * the children table lives in JS — the BEAM's #state record and child records on the
 * supervisor's heap are not modelled (a few hundred words for a handful of children).
 * Invariants: every running child is linked to the supervisor; a child's pid is a live pid,
 * `undefined` (not running) or `restarting`; ids are unique.
 */
import { atom, list, nil, Pid, printTerm, Tuple, type Term } from "@beamlab/heap";
import { EVENTS } from "@beamlab/telemetry";
import type { ProcessContext } from "@beamlab/scheduler";
import { A, caught, isGen, isNormalish, log, tuple, type CbResult, type Gen } from "./common.js";
import { checkChildSpec, ChildSpecError, type CheckedSpec, type ChildSpec } from "./child-spec.js";
import * as GS from "./gen-server.js";
import type { ServerRef, Timeout } from "./gen.js";

export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";
export interface SupFlags {
  readonly strategy?: Strategy;
  readonly intensity?: number;
  readonly period?: number;
}
export interface SupervisorModule {
  readonly name: string;
  /** `{ok, {Flags, Specs}}` as `{flags, children}`, or "ignore". */
  init(ctx: ProcessContext, args: Term): { flags: SupFlags; children: readonly ChildSpec[] } | "ignore";
}

interface Child {
  spec: CheckedSpec;
  pid: Pid | undefined | "restarting";
}

interface SupState {
  readonly name: Term;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
  restarts: number[];
  /** Start order (oldest first). */
  children: Child[];
}

const restartingA = atom("restarting");

function* runStart(ctx: ProcessContext, spec: CheckedSpec, extra: readonly Term[] = []): Gen<Term> {
  try {
    const r: CbResult = spec.start.fn(ctx, ...extra, ...(spec.start.args ?? []));
    const v = isGen(r) ? yield* r : r;
    if (v instanceof Tuple && v.elements[0] === A.ok && (v.elements.length === 2 || v.elements.length === 3)) return v;
    if (v === A.ignore) return v;
    if (v instanceof Tuple && v.elements[0] === A.error && v.elements.length === 2) return v;
    return tuple(A.error, v);
  } catch (err) {
    const k = caught(err);
    return tuple(A.error, tuple(A.EXIT, k.cls === A.exit ? k.reason : tuple(k.reason, k.stack)));
  }
}

/** supervisor:shutdown/1 of one running child: ok or {error, Reason} (reported). */
export function* shutdownChild(ctx: ProcessContext, pid: Pid, shutdown: CheckedSpec["shutdown"], restart: CheckedSpec["restart"]): Gen<Term> {
  const mon = ctx.monitor(pid);
  const isDown = (m: Term): boolean => m instanceof Tuple && m.elements[0] === A.DOWN && eqTerm(m.elements[1] as Term, mon);
  const permanent = restart === "permanent";
  const unlinkFlush = function* (def: Term): Gen<Term> {
    ctx.unlink(pid);
    const e = yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT && m.elements.length === 3 && samePid(m.elements[1], pid), { after: 0 });
    return e === undefined ? def : ((e as Tuple).elements[2] as Term);
  };
  const okReason = (r: Term, expected: Term): boolean =>
    r === expected || (!permanent && (r === A.normal || r === A.shutdown || (r instanceof Tuple && r.elements[0] === A.shutdown)));
  if (shutdown === "brutal_kill") {
    ctx.exitSignal(pid, A.kill);
    const d = (yield* ctx.receive(isDown)) as Tuple;
    const r = yield* unlinkFlush(d.elements[4] as Term);
    return okReason(r, A.killed) ? A.ok : tuple(A.error, r);
  }
  ctx.exitSignal(pid, A.shutdown);
  const d = yield* ctx.receive(isDown, shutdown === "infinity" ? {} : { after: shutdown });
  if (d !== undefined) {
    const r = yield* unlinkFlush((d as Tuple).elements[4] as Term);
    return okReason(r, A.shutdown) ? A.ok : tuple(A.error, r);
  }
  ctx.exitSignal(pid, A.kill);
  const d2 = (yield* ctx.receive(isDown)) as Tuple;
  const r = yield* unlinkFlush(d2.elements[4] as Term);
  return tuple(A.error, r);
}

function samePid(t: Term | undefined, pid: Pid): boolean {
  return t instanceof Pid && t.id === pid.id && t.serial === pid.serial;
}

function stateTerm(s: SupState): Term {
  return tuple(atom("state"), s.name, atom(s.strategy), s.intensity, s.period, s.children.length);
}

function report(ctx: ProcessContext, s: SupState, context: string, reason: Term, c: Child | undefined): void {
  log(ctx, `supervisor ${context}`, {
    supervisor: s.name,
    errorContext: atom(context),
    reason,
    ...(c !== undefined ? { offender: list([tuple(atom("pid"), pidOf(c)), tuple(atom("id"), c.spec.id), tuple(atom("restart_type"), atom(c.spec.restart)), tuple(atom("shutdown"), shutdownTerm(c.spec.shutdown)), tuple(atom("child_type"), atom(c.spec.type))]) } : {}),
  });
}

const pidOf = (c: Child): Term => (c.pid === undefined ? A.undefined : c.pid === "restarting" ? restartingA : c.pid);
const shutdownTerm = (x: CheckedSpec["shutdown"]): Term => (typeof x === "number" ? x : atom(x));

/** Shuts children down newest first; temporary ones are forgotten, others keep their spec. */
function* terminateChildren(ctx: ProcessContext, s: SupState, which: Child[]): Gen<void> {
  for (let i = which.length - 1; i >= 0; i--) {
    const c = which[i] as Child;
    if (c.pid !== undefined && c.pid !== "restarting") {
      const r = yield* shutdownChild(ctx, c.pid, c.spec.shutdown, c.spec.restart);
      if (r !== A.ok) report(ctx, s, "shutdown_error", (r as Tuple).elements[1] as Term, c);
    }
    c.pid = undefined;
    if (c.spec.restart === "temporary") s.children.splice(s.children.indexOf(c), 1);
  }
}

/** Starts `list` in order; on failure returns the failing child and reason (others stay started). */
function* startList(ctx: ProcessContext, s: SupState, cs: Child[]): Gen<{ c: Child; reason: Term } | undefined> {
  for (const c of cs) {
    const r = yield* runStart(ctx, c.spec);
    const e = (r as Tuple).elements;
    if (r === A.ignore) {
      c.pid = undefined;
      if (c.spec.restart === "temporary") s.children.splice(s.children.indexOf(c), 1);
    } else if (e[0] === A.ok) c.pid = e[1] === A.undefined ? undefined : (e[1] as Pid);
    else return { c, reason: e[1] as Term };
  }
  return undefined;
}

/** add_restart: ok, or terminate when the intensity is exceeded. */
function addRestart(ctx: ProcessContext, s: SupState): boolean {
  const now = Math.floor(ctx.now() / 1000);
  const threshold = now - s.period;
  const kept: number[] = [];
  for (const r of s.restarts) {
    if (r >= threshold) kept.push(r);
    else break;
  }
  s.restarts = [now, ...kept];
  return s.restarts.length <= s.intensity;
}

/** Restart `c` per strategy; returns "shutdown" when the intensity was exceeded. */
function* restart(ctx: ProcessContext, s: SupState, c: Child): Gen<"ok" | "shutdown"> {
  if (!addRestart(ctx, s)) {
    report(ctx, s, "shutdown", atom("reached_max_restart_intensity"), c);
    c.pid = undefined;
    if (c.spec.restart === "temporary") s.children.splice(s.children.indexOf(c), 1);
    return "shutdown";
  }
  let toStart: Child[];
  if (s.strategy === "one_for_one") toStart = [c];
  else {
    const idx = s.children.indexOf(c);
    const others = s.strategy === "one_for_all" ? s.children.filter((x) => x !== c) : s.children.slice(idx + 1);
    c.pid = undefined;
    yield* terminateChildren(ctx, s, others);
    toStart = s.strategy === "one_for_all" ? [...s.children] : s.children.slice(s.children.indexOf(c));
  }
  const failed = yield* startList(ctx, s, toStart);
  const bus = ctx.scheduler.telemetry;
  if (bus !== undefined) {
    bus.execute(EVENTS.supervisor.restart, { restarts_in_period: s.restarts.length, children_restarted: toStart.length }, { supervisor: printTerm(ctx.self), child_id: printTerm(c.spec.id), strategy: s.strategy, failed: failed !== undefined });
  }
  if (failed !== undefined) {
    report(ctx, s, "start_error", failed.reason, failed.c);
    failed.c.pid = "restarting";
    GS.cast(ctx, ctx.self, tuple(atom("try_again_restart"), failed.c.spec.id));
  }
  return "ok";
}

function find(s: SupState, id: Term): Child | undefined {
  return s.children.find((c) => eqTerm(c.spec.id, id));
}
import { equals as eqTerm } from "@beamlab/heap";

/** The gen_server callbacks of one supervisor instance. */
function supervisorCallbacks(mod: SupervisorModule, nameT: () => Term): GS.GenServerModule {
  let s: SupState | undefined;
  const st = (): SupState => s as SupState;
  return {
    name: "supervisor",
    *init(ctx, args) {
      ctx.trapExit(true);
      let r: ReturnType<SupervisorModule["init"]>;
      try {
        r = mod.init(ctx, args);
      } catch (err) {
        const k = caught(err);
        return tuple(A.stop, tuple(atom("bad_return"), tuple(atom(mod.name), atom("init"), k.reason)));
      }
      if (r === "ignore") return A.ignore;
      const f = r.flags;
      const strategy = f.strategy ?? "one_for_one";
      if (!["one_for_one", "one_for_all", "rest_for_one"].includes(strategy)) return tuple(A.stop, tuple(atom("supervisor_data"), tuple(atom("invalid_strategy"), atom(strategy))));
      const intensity = f.intensity ?? 1;
      if (!Number.isInteger(intensity) || intensity < 0) return tuple(A.stop, tuple(atom("supervisor_data"), tuple(atom("invalid_intensity"), atom(String(intensity)))));
      const period = f.period ?? 5;
      if (!Number.isInteger(period) || period <= 0) return tuple(A.stop, tuple(atom("supervisor_data"), tuple(atom("invalid_period"), atom(String(period)))));
      s = { name: nameT(), strategy, intensity, period, restarts: [], children: [] };
      for (const spec of r.children) {
        const c = checkChildSpec(spec);
        if (c instanceof ChildSpecError) {
          log(ctx, "supervisor start_spec", { supervisor: s.name, message: c.message, reason: c.term });
          return tuple(A.stop, tuple(atom("start_spec"), c.term));
        }
        if (find(s, c.id) !== undefined) return tuple(A.stop, tuple(atom("start_spec"), tuple(atom("duplicate_child_name"), c.id)));
        s.children.push({ spec: c, pid: undefined });
      }
      const failed = yield* startList(ctx, s, [...s.children]);
      if (failed !== undefined) {
        report(ctx, s, "start_error", failed.reason, failed.c);
        const started = s.children.filter((c) => c !== failed.c);
        yield* terminateChildren(ctx, s, started);
        return tuple(A.stop, tuple(A.shutdown, tuple(atom("failed_to_start_child"), failed.c.spec.id, failed.reason)));
      }
      return GS.ok(stateTerm(s));
    },
    *handleCall(ctx, req, _from, state) {
      const s = st();
      const r = req instanceof Tuple ? req.elements : [req];
      const tag = r[0];
      const done = (v: Term): Term => GS.reply(v, stateTerm(s));
      if (tag === atom("which_children")) {
        return done(list([...s.children].reverse().map((c) => tuple(c.spec.id, pidOf(c), atom(c.spec.type), c.spec.modules))));
      }
      if (tag === atom("count_children")) {
        const active = s.children.filter((c) => c.pid !== undefined && c.pid !== "restarting").length;
        const sups = s.children.filter((c) => c.spec.type === "supervisor").length;
        return done(list([tuple(atom("specs"), s.children.length), tuple(atom("active"), active), tuple(atom("supervisors"), sups), tuple(atom("workers"), s.children.length - sups)]));
      }
      if (tag === atom("start_child")) {
        const spec = pendingSpecs.get(r[1] as number);
        const c = checkChildSpec(spec);
        if (c instanceof ChildSpecError) {
          log(ctx, "supervisor start_spec", { supervisor: s.name, message: c.message, reason: c.term });
          return done(tuple(A.error, c.term));
        }
        const old = find(s, c.id);
        if (old !== undefined) return done(tuple(A.error, old.pid !== undefined && old.pid !== "restarting" ? tuple(A.already_started, old.pid) : atom("already_present")));
        const res = yield* runStart(ctx, c);
        const e = res instanceof Tuple ? res.elements : [];
        if (res === A.ignore) {
          if (c.restart !== "temporary") s.children.push({ spec: c, pid: undefined });
          return done(tuple(A.ok, A.undefined));
        }
        if (e[0] === A.ok) {
          s.children.push({ spec: c, pid: e[1] as Pid });
          return done(res);
        }
        return done(res);
      }
      const id = r[1] as Term;
      const c = find(s, id);
      if (tag === atom("terminate_child")) {
        if (c === undefined) return done(tuple(A.error, A.not_found));
        yield* terminateChildren(ctx, s, [c]);
        return done(A.ok);
      }
      if (tag === atom("restart_child")) {
        if (c === undefined) return done(tuple(A.error, A.not_found));
        if (c.pid === "restarting") return done(tuple(A.error, restartingA));
        if (c.pid !== undefined) return done(tuple(A.error, A.running));
        const res = yield* runStart(ctx, c.spec);
        const e = res instanceof Tuple ? res.elements : [];
        if (res === A.ignore) return done(tuple(A.ok, A.undefined));
        if (e[0] === A.ok) c.pid = e[1] as Pid;
        return done(res);
      }
      if (tag === atom("delete_child")) {
        if (c === undefined) return done(tuple(A.error, A.not_found));
        if (c.pid === "restarting") return done(tuple(A.error, restartingA));
        if (c.pid !== undefined) return done(tuple(A.error, A.running));
        s.children.splice(s.children.indexOf(c), 1);
        return done(A.ok);
      }
      if (tag === atom("get_childspec")) {
        if (c === undefined) return done(tuple(A.error, A.not_found));
        return done(tuple(A.ok, tuple(c.spec.id, atom(c.spec.restart), shutdownTerm(c.spec.shutdown), atom(c.spec.type), c.spec.modules)));
      }
      return GS.reply(tuple(A.error, atom("badcall")), state);
    },
    *handleCast(ctx, msg, state) {
      const s = st();
      const e = msg instanceof Tuple ? msg.elements : [];
      if (e[0] === atom("try_again_restart")) {
        const c = find(s, e[1] as Term);
        if (c?.pid === "restarting") {
          if ((yield* restart(ctx, s, c)) === "shutdown") return GS.stop(A.shutdown, stateTerm(s));
        }
      }
      return GS.noreply(state);
    },
    *handleInfo(ctx, msg, state) {
      const s = st();
      const e = msg instanceof Tuple ? msg.elements : [];
      if (e[0] !== A.EXIT || e.length !== 3) {
        log(ctx, "supervisor unexpected_message", { supervisor: s.name, message: msg });
        return GS.noreply(state);
      }
      const c = s.children.find((x) => x.pid !== undefined && x.pid !== "restarting" && samePid(e[1], x.pid));
      if (c === undefined) return GS.noreply(state);
      const reason = e[2] as Term;
      const rt = c.spec.restart;
      if (rt !== "permanent" && isNormalish(reason)) {
        c.pid = undefined;
        if (rt === "temporary") s.children.splice(s.children.indexOf(c), 1);
        return GS.noreply(stateTerm(s));
      }
      report(ctx, s, "child_terminated", reason, c);
      if (rt === "temporary") {
        s.children.splice(s.children.indexOf(c), 1);
        return GS.noreply(stateTerm(s));
      }
      if ((yield* restart(ctx, s, c)) === "shutdown") return GS.stop(A.shutdown, stateTerm(s));
      return GS.noreply(stateTerm(s));
    },
    *terminate(ctx) {
      if (s !== undefined) yield* terminateChildren(ctx, s, [...s.children]);
      return A.ok;
    },
  };
}

const pendingSpecs = new Map<number, ChildSpec>();
let nextSpec = 1;

export interface SupStartOptions {
  readonly name?: string;
  readonly spawnOpt?: GS.StartOptions["spawnOpt"];
}

/** supervisor:start_link(Name?, Mod, Args). */
export function startLink(ctx: ProcessContext, mod: SupervisorModule, args: Term = nil, o: SupStartOptions = {}): Gen<Term> {
  let pidT: Term = A.undefined;
  const cbs = supervisorCallbacks(mod, () => (o.name !== undefined ? atom(o.name) : pidT));
  const wrapped: GS.GenServerModule = {
    ...cbs,
    init: (c, a) => {
      pidT = tuple(c.self, atom(mod.name));
      return cbs.init(c, a);
    },
  };
  return GS.startLink(ctx, wrapped, args, { ...(o.name !== undefined ? { name: o.name } : {}), ...(o.spawnOpt !== undefined ? { spawnOpt: o.spawnOpt } : {}) });
}

export function whichChildren(ctx: ProcessContext, sup: ServerRef): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("which_children")), "infinity");
}
export function countChildren(ctx: ProcessContext, sup: ServerRef): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("count_children")), "infinity");
}
export function* startChild(ctx: ProcessContext, sup: ServerRef, spec: ChildSpec): Gen<Term> {
  const id = nextSpec++;
  pendingSpecs.set(id, spec);
  try {
    return yield* GS.call(ctx, sup, tuple(atom("start_child"), id), "infinity");
  } finally {
    pendingSpecs.delete(id);
  }
}
export function terminateChild(ctx: ProcessContext, sup: ServerRef, id: Term): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("terminate_child"), id), "infinity");
}
export function restartChild(ctx: ProcessContext, sup: ServerRef, id: Term): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("restart_child"), id), "infinity");
}
export function deleteChild(ctx: ProcessContext, sup: ServerRef, id: Term): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("delete_child"), id), "infinity");
}
export function getChildspec(ctx: ProcessContext, sup: ServerRef, id: Term): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("get_childspec"), id), "infinity");
}
export type { Timeout };
