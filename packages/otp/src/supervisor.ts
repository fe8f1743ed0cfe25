/**
 * `supervisor` (OTP 25 supervisor.erl): one_for_one, one_for_all, rest_for_one and
 * simple_one_for_one, as a gen_server (it is one in OTP too: calls, sys, terminate all come
 * from gen-server.ts).
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
 * which_children, count_children, start_child, terminate_child (by id or pid), restart_child,
 * delete_child, get_childspec. Bad child specs: OTP's error term (see child-spec.ts) and a
 * report naming the child and the field.
 * simple_one_for_one: exactly one spec (the template; else `{bad_start_spec, Specs}`), no child
 * at init; start_child(Sup, ExtraArgs) starts the template with `Args ++ ExtraArgs`;
 * terminate_child takes a pid (an id gives `{error, simple_one_for_one}`, as do restart_child
 * and delete_child); a dynamic child is restarted with the same arguments; which_children lists
 * `{undefined, Pid, Type, Modules}` newest first; at shutdown all children are told at once and
 * waited for together (OTP's terminate_dynamic_children), killed after the template's timeout.
 * Automatic shutdown (OTP 24+): `autoShutdown` never | any_significant | all_significant; when a
 * significant child (transient or temporary) ends by itself and is not restarted, the
 * supervisor shuts down (any_significant) or does so once no significant child is left
 * (all_significant), terminating the others and exiting with `shutdown`. Children ended through
 * the API (terminate_child) do not count.
 * Memory: the state lives on the supervisor's heap as OTP's `#state{}` record with `#child{}`
 * records and the dynamic children's map (supervisor-state.ts), rebuilt on every change as
 * the Erlang code rebuilds it; the children table used for the logic is a JS mirror of it.
 * Invariants: every running child is linked to the supervisor; a child's pid is a live pid,
 * `undefined` (not running) or `restarting`; ids are unique.
 */
import { Atom, atom, Cons, list, markLiteral, nil, Pid, printTerm, Tuple, type Term } from "@beamlab/heap";
import { EVENTS } from "@beamlab/telemetry";
import type { ProcessContext } from "@beamlab/scheduler";
import { A, caught, isGen, isNormalish, log, tuple, type CbResult, type Gen } from "./common.js";
import { checkChildSpec, ChildSpecError, startModuleName, type CheckedSpec, type ChildSpec } from "./child-spec.js";
import { childRecord, SupStateTerm } from "./supervisor-state.js";
import { checkChildspec, checkStartspec, initOwnWords, initStateWords, specKeys } from "./supervisor-init.js";
import * as GS from "./gen-server.js";
import { allocateIn, callAt } from "./frames.js";
import type { ServerRef, Timeout } from "./gen.js";

export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one" | "simple_one_for_one";
export type AutoShutdown = "never" | "any_significant" | "all_significant";
export interface SupFlags {
  readonly strategy?: Strategy;
  readonly intensity?: number;
  readonly period?: number;
  readonly autoShutdown?: AutoShutdown;
}
export interface SupervisorModule {
  readonly name: string;
  /** `{ok, {Flags, Specs}}` as `{flags, children}`, or "ignore". `returnWords`: the words the
   * callback's compiled code builds for that return value besides a start MFA with non-constant
   * arguments (default 6 + 2 per spec: the two tuples and the list; the maps taken as literals). */
  init(ctx: ProcessContext, args: Term): { flags: SupFlags; children: readonly ChildSpec[]; returnWords?: number } | "ignore";
}

interface Child {
  spec: CheckedSpec;
  pid: Pid | undefined | "restarting";
}

/** A simple_one_for_one child: its pid (or `restarting`) and the arguments it was started with. */
interface DynChild {
  pid: Pid | "restarting";
  readonly args: readonly Term[];
}

interface SupState {
  readonly name: Term;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
  readonly autoShutdown: AutoShutdown;
  restarts: number[];
  /** Start order (oldest first). For simple_one_for_one: empty (see `template`). */
  children: Child[];
  /** simple_one_for_one: the one spec every child is started from. */
  template: CheckedSpec | undefined;
  /** simple_one_for_one: the children by pid key (`id.serial`), in start order. */
  dyn: Map<string, DynChild>;
  /** The OTP-shaped state on the heap (the gen_server state). */
  mirror: SupStateTerm;
}

const pidKey = (p: Pid): string => `${p.id}.${p.serial}`;

/** Sets a static child's pid, in the JS table and the heap record. */
function setPid(s: SupState, c: Child, pid: Child["pid"]): void {
  c.pid = pid;
  s.mirror.setChild(c.spec, pidOf(c));
}

/** Forgets a static child (temporary gone, delete_child). */
function forget(s: SupState, c: Child): void {
  const i = s.children.indexOf(c);
  if (i < 0) return;
  s.children.splice(i, 1);
  s.mirror.removeChild(c.spec.id);
}

function dynAdd(s: SupState, pid: Pid, args: readonly Term[]): void {
  s.dyn.set(pidKey(pid), { pid, args });
  s.mirror.addDynamic(pid, list([...args]));
}

function dynRemove(s: SupState, key: string): void {
  const d = s.dyn.get(key);
  if (d === undefined) return;
  s.dyn.delete(key);
  if (d.pid !== "restarting") s.mirror.removeDynamic(d.pid);
}

const restartingA = atom("restarting");

/**
 * handle_info({'EXIT', Pid, Reason}, State) of a simple_one_for_one supervisor for a child that
 * is not restarted (temporary or transient, Reason normal/shutdown/{shutdown, _}), instruction
 * by instruction as OTP 25's supervisor.erl compiles (beam_disasm; frames.ts; entered through
 * gen_server's compiled info path at stack 21): handle_info's `allocate 0`; restart_child/3
 * (`allocate 2`) → find_child_and_args/2 (`allocate 4`) → find_dynamic_child/2 (`allocate 2`):
 * dyn_exists/1 (is_map_key), `trim 1, 1`, get_dynamic_child/1 (the template `#child{}` from
 * Db), `trim 1, 0`, erlang:setelement(2, Child, Pid) (a BIF: the 10-word copy HAlloc'd) and
 * `{ok, Child}`; back in find_child_and_args `trim 2, 2`, dyn_args/2 (mapsets: the literal
 * `{ok, undefined}`; maps: maps:find's `{ok, Args}`), `test_heap 4` for `{M, F, Args}`,
 * `trim 2, 0`, setelement(4, …) and `{ok, Child}`; restart_child's `call_last` to do_restart/3
 * (`allocate 1`) → del_child/2 → dyn_erase/2 (`call_only`, `allocate 2`): maps:remove/2,
 * `{Kind, Db}`, and setelement(5, State, …) by `call_ext_last` (dyn_erase's frame gone); then
 * do_restart's `call_last` to do_auto_shutdown/2 (`{ok, State}`) and handle_info's
 * `{noreply, State}`.
 */
function* dynamicExitForget(ctx: ProcessContext, s: SupState, tpl: CheckedSpec, pid: Pid, key: string): Gen<Term> {
  const heap = ctx.heap;
  const hi = heap.pushFrame(0); // handle_info/2 (its entry word is the gen_server path's)
  allocateIn(heap, hi, 0);
  const rc = heap.pushFrame(1); // restart_child/3
  yield* callAt(ctx, rc);
  allocateIn(heap, rc, 2);
  const fa = heap.pushFrame(1); // find_child_and_args/2
  yield* callAt(ctx, fa);
  allocateIn(heap, fa, 4);
  const fd = heap.pushFrame(1); // find_dynamic_child/2
  yield* callAt(ctx, fd);
  allocateIn(heap, fd, 2);
  fd.stackWords += 1;
  yield* callAt(ctx, fd); // dyn_exists/2
  fd.stackWords -= 2; // its return, trim 1, 1
  fd.stackWords += 1;
  yield* callAt(ctx, fd); // get_dynamic_child/1
  fd.stackWords -= 2; // its return, trim 1, 0
  const tplRec = s.mirror.childRecordOf(tpl.id) ?? childRecord(tpl, A.undefined);
  ctx.bif(); // erlang:setelement(2, Child, Pid)
  const withPid = fd.hold(ctx.bifResult(new Tuple(tplRec.elements.map((x, i) => (i === 1 ? pid : x)))));
  fa.hold(ctx.alloc(tuple(A.ok, withPid))); // test_heap 3
  heap.popFrame(fd);
  fa.stackWords -= 2; // trim 2, 2
  fa.stackWords += 1;
  yield* callAt(ctx, fa); // dyn_args/2
  let args: Term = A.undefined;
  if (s.mirror.keepsArgs) {
    ctx.bif(); // maps:find(Pid, Db)
    args = s.mirror.dynamicValue(pid) ?? nil;
    fa.hold(ctx.bifResult(tuple(A.ok, args)));
  }
  fa.stackWords -= 1;
  const mfa = tplRec.elements[3] as Tuple;
  const newMfa = fa.hold(ctx.alloc(tuple(mfa.elements[0] as Term, mfa.elements[1] as Term, args))); // test_heap 4
  fa.stackWords -= 2; // trim 2, 0
  ctx.bif(); // erlang:setelement(4, Child, {M, F, Args})
  const child = rc.hold(ctx.bifResult(new Tuple(withPid.elements.map((x, i) => (i === 3 ? newMfa : x)))));
  ctx.alloc(tuple(A.ok, child)); // test_heap 3
  heap.popFrame(fa);
  rc.stackWords = 1; // call_last do_restart/3: restart_child's y registers gone
  yield* callAt(ctx, rc); // do_restart/3
  allocateIn(heap, rc, 1);
  const dc = heap.pushFrame(1); // del_child/2
  yield* callAt(ctx, dc);
  yield* callAt(ctx, dc); // dyn_erase/2 (call_only)
  allocateIn(heap, dc, 2);
  ctx.bif(); // maps:remove(Pid, Db)
  const d = s.dyn.get(key);
  s.dyn.delete(key);
  if (d !== undefined && d.pid !== "restarting") {
    s.mirror.removeDynamic(d.pid, () => {
      dc.stackWords = 1; // call_ext_last erlang:setelement/3: dyn_erase's y registers gone
      ctx.bif();
    });
  }
  heap.popFrame(dc);
  rc.release(child);
  rc.stackWords = 1; // call_last do_auto_shutdown/2
  yield* callAt(ctx, rc);
  const state = hi.hold(stateTerm(s));
  ctx.alloc(tuple(A.ok, state)); // do_auto_shutdown's test_heap 3 (auto_shutdown never)
  heap.popFrame(rc);
  const stop = autoShutdown(s, tpl);
  const r = ctx.alloc(stop ? GS.stop(A.shutdown, state) : GS.noreply(state)); // handle_info's test_heap 3 / 4
  heap.popFrame(hi);
  return r;
}

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
  return s.mirror.term;
}

function report(ctx: ProcessContext, s: SupState, context: string, reason: Term, c: Child | undefined): void {
  log(ctx, `supervisor ${context}`, {
    supervisor: s.name,
    errorContext: atom(context),
    reason,
    ...(c !== undefined ? { offender: list([tuple(atom("pid"), pidOf(c)), tuple(atom("id"), c.spec.id), tuple(atom("restart_type"), atom(c.spec.restart)), tuple(atom("significant"), c.spec.significant ? A.true : A.false), tuple(atom("shutdown"), shutdownTerm(c.spec.shutdown)), tuple(atom("child_type"), atom(c.spec.type))]) } : {}),
  });
}

const pidOf = (c: Child): Term => (c.pid === undefined ? A.undefined : c.pid === "restarting" ? restartingA : c.pid);
const shutdownTerm = (x: CheckedSpec["shutdown"]): Term => (typeof x === "number" ? x : atom(x));
/** A dynamic child as a Child (for reports and shutdown). */
const asChild = (spec: CheckedSpec, d: DynChild): Child => ({ spec, pid: d.pid });

/** Shuts children down newest first; temporary ones are forgotten, others keep their spec. */
function* terminateChildren(ctx: ProcessContext, s: SupState, which: Child[]): Gen<void> {
  for (let i = which.length - 1; i >= 0; i--) {
    const c = which[i] as Child;
    if (c.pid !== undefined && c.pid !== "restarting") {
      const r = yield* shutdownChild(ctx, c.pid, c.spec.shutdown, c.spec.restart);
      if (r !== A.ok) report(ctx, s, "shutdown_error", (r as Tuple).elements[1] as Term, c);
    }
    if (c.spec.restart === "temporary") forget(s, c);
    else if (c.pid !== undefined) setPid(s, c, undefined);
  }
}

/**
 * terminate_dynamic_children: every simple_one_for_one child is told at once (exit shutdown,
 * or kill for brutal_kill) and waited for together; after the template's timeout the rest are
 * killed. Reasons other than the expected one are reported.
 */
function* terminateDynamic(ctx: ProcessContext, s: SupState): Gen<void> {
  const spec = s.template;
  if (spec === undefined) return;
  const live = [...s.dyn.values()].filter((d): d is { pid: Pid; args: readonly Term[] } => d.pid !== "restarting");
  s.dyn.clear();
  const mons = new Map<string, { pid: Pid; ref: Term }>();
  const brutal = spec.shutdown === "brutal_kill";
  for (const d of live) {
    mons.set(pidKey(d.pid), { pid: d.pid, ref: ctx.monitor(d.pid) });
    ctx.unlink(d.pid);
    ctx.exitSignal(d.pid, brutal ? A.kill : A.shutdown);
  }
  const expected = brutal ? A.killed : A.shutdown;
  const isDown = (m: Term): boolean => m instanceof Tuple && m.elements[0] === A.DOWN && m.elements.length === 5 && m.elements[3] instanceof Pid && mons.has(pidKey(m.elements[3]));
  const deadline = typeof spec.shutdown === "number" ? ctx.now() + spec.shutdown : Infinity;
  let killed = false;
  while (mons.size > 0) {
    const left = deadline - ctx.now();
    const m = !killed && Number.isFinite(left) ? yield* ctx.receive(isDown, { after: Math.max(0, left) }) : yield* ctx.receive(isDown);
    if (m === undefined) {
      for (const { pid } of mons.values()) ctx.exitSignal(pid, A.kill);
      killed = true;
      continue;
    }
    const e = (m as Tuple).elements;
    const pid = e[3] as Pid;
    mons.delete(pidKey(pid));
    const reason = e[4] as Term;
    const fine = reason === expected || (spec.restart !== "permanent" && isNormalish(reason));
    if (!fine) report(ctx, s, "shutdown_error", reason, { spec, pid });
  }
}

/** Starts `list` in order; on failure returns the failing child and reason (others stay started). */
function* startList(ctx: ProcessContext, s: SupState, cs: Child[]): Gen<{ c: Child; reason: Term } | undefined> {
  for (const c of cs) {
    const r = yield* runStart(ctx, c.spec);
    const e = (r as Tuple).elements;
    if (r === A.ignore) {
      if (c.spec.restart === "temporary") forget(s, c);
      else setPid(s, c, undefined);
    } else if (e[0] === A.ok) setPid(s, c, e[1] === A.undefined ? undefined : (e[1] as Pid));
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
  s.mirror.setRestarts(s.restarts);
  return s.restarts.length <= s.intensity;
}

/** Restart `c` per strategy; returns "shutdown" when the intensity was exceeded. */
function* restart(ctx: ProcessContext, s: SupState, c: Child): Gen<"ok" | "shutdown"> {
  if (!addRestart(ctx, s)) {
    report(ctx, s, "shutdown", atom("reached_max_restart_intensity"), c);
    if (c.spec.restart === "temporary") forget(s, c);
    else setPid(s, c, undefined);
    return "shutdown";
  }
  let toStart: Child[];
  if (s.strategy === "one_for_one") toStart = [c];
  else {
    const idx = s.children.indexOf(c);
    const others = s.strategy === "one_for_all" ? s.children.filter((x) => x !== c) : s.children.slice(idx + 1);
    setPid(s, c, undefined);
    yield* terminateChildren(ctx, s, others);
    toStart = s.strategy === "one_for_all" ? [...s.children] : s.children.slice(s.children.indexOf(c));
  }
  const failed = yield* startList(ctx, s, toStart);
  restartEvent(ctx, s, c.spec.id, toStart.length, failed !== undefined);
  if (failed !== undefined) {
    report(ctx, s, "start_error", failed.reason, failed.c);
    setPid(s, failed.c, "restarting");
    GS.cast(ctx, ctx.self, tuple(atom("try_again_restart"), failed.c.spec.id));
  }
  return "ok";
}

function restartEvent(ctx: ProcessContext, s: SupState, id: Term, restarted: number, failed: boolean): void {
  const bus = ctx.scheduler.telemetry;
  if (bus !== undefined) {
    bus.execute(EVENTS.supervisor.restart, { restarts_in_period: s.restarts.length, children_restarted: restarted }, { supervisor: printTerm(ctx.self), child_id: printTerm(id), strategy: s.strategy, failed });
  }
}

/** Restart a simple_one_for_one child with its arguments; "shutdown" past the intensity. */
function* restartDynamic(ctx: ProcessContext, s: SupState, key: string, d: DynChild): Gen<"ok" | "shutdown"> {
  const spec = s.template as CheckedSpec;
  if (!addRestart(ctx, s)) {
    report(ctx, s, "shutdown", atom("reached_max_restart_intensity"), asChild(spec, d));
    dynRemove(s, key);
    return "shutdown";
  }
  const r = yield* runStart(ctx, { ...spec, start: { ...spec.start, args: d.args } });
  const e = r instanceof Tuple ? r.elements : [];
  dynRemove(s, key);
  restartEvent(ctx, s, A.undefined, 1, e[0] !== A.ok && r !== A.ignore);
  if (e[0] === A.ok && e[1] instanceof Pid) dynAdd(s, e[1], d.args);
  else if (r !== A.ignore) {
    report(ctx, s, "start_error", e[1] as Term, asChild(spec, d));
    s.dyn.set(key, { pid: "restarting", args: d.args });
    GS.cast(ctx, ctx.self, tuple(atom("try_again_restart"), atom(key)));
  }
  return "ok";
}

/** do_auto_shutdown after a significant child ended by itself and was not restarted. */
function autoShutdown(s: SupState, spec: CheckedSpec): boolean {
  if (s.autoShutdown === "never" || !spec.significant) return false;
  if (s.autoShutdown === "any_significant") return true;
  const live = (p: Child["pid"] | DynChild["pid"]): boolean => p !== undefined && p !== "restarting";
  if (s.template !== undefined) return ![...s.dyn.values()].some((d) => live(d.pid));
  return !s.children.some((c) => c.spec.significant && live(c.pid));
}

/** A child spec's `{M, F, A}` as the callback's code has it: a literal when its arguments are
 * constants (atoms, numbers, lists and tuples of them), else built on the heap (4 words and
 * the argument list) by the callback. */
function startMfa(ctx: ProcessContext, spec: ChildSpec): Term {
  const args = spec.start.args ?? [];
  const t = new Tuple([atom(startModuleName(spec.start)), atom("start_link"), list([...args])]);
  return args.every(isConstant) ? markLiteral(t) : ctx.alloc(t);
}

function isConstant(t: Term): boolean {
  if (typeof t === "number" || typeof t === "bigint" || t === nil || t instanceof Atom) return true;
  if (t instanceof Tuple) return t.elements.every(isConstant);
  if (t instanceof Cons) return isConstant(t.head) && isConstant(t.tail);
  return false;
}

function find(s: SupState, id: Term): Child | undefined {
  return s.children.find((c) => eqTerm(c.spec.id, id));
}
import { equals as eqTerm } from "@beamlab/heap";

/** The gen_server callbacks of one supervisor instance. */
function supervisorCallbacks(mod: SupervisorModule, nameT: () => Term): GS.GenServerModule {
  let s: SupState | undefined;
  const st = (): SupState => s as SupState;
  const badFlag = (what: string, v: unknown): Term => tuple(A.stop, tuple(atom("supervisor_data"), tuple(atom(what), typeof v === "number" && Number.isInteger(v) ? v : atom(String(v)))));
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
      initOwnWords(ctx);
      // The callback's return: `{ok, {Flags, Specs}}` (3 + 3 + a cell per spec) unless the
      // callback says what its compiled code builds (`returnWords`); a start MFA whose
      // arguments are not constants (a pid) is built by it too and kept in the child record.
      ctx.heap.allocGarbage(r.returnWords ?? 6 + 2 * r.children.length);
      const mfas = r.children.map((c) => startMfa(ctx, c));
      const f = r.flags;
      const strategy = f.strategy ?? "one_for_one";
      if (!["one_for_one", "one_for_all", "rest_for_one", "simple_one_for_one"].includes(strategy)) return badFlag("invalid_strategy", strategy);
      const intensity = f.intensity ?? 1;
      if (!Number.isInteger(intensity) || intensity < 0) return badFlag("invalid_intensity", intensity);
      const period = f.period ?? 5;
      if (!Number.isInteger(period) || period <= 0) return badFlag("invalid_period", period);
      const auto = f.autoShutdown ?? "never";
      if (!["never", "any_significant", "all_significant"].includes(auto)) return badFlag("invalid_auto_shutdown", auto);
      // init_state/4: supname's `{self(), Mod}` (kept: the state's name), then the record words
      const name = strategy === "simple_one_for_one" ? ctx.alloc(nameT()) : nameT();
      if (strategy === "simple_one_for_one") initStateWords(ctx, Object.keys(f).length);
      const fields = { name, strategy, intensity, period, autoShutdown: auto, module: mod.name, args };
      const mirror = strategy === "simple_one_for_one" ? undefined : new SupStateTerm(ctx, fields);
      s = { name, strategy, intensity, period, autoShutdown: auto, restarts: [], children: [], template: undefined, dyn: new Map(), mirror: mirror as SupStateTerm };
      const checked: CheckedSpec[] = [];
      const records: { id: Term; rec: Tuple }[] = [];
      for (const [i, spec] of r.children.entries()) {
        const c = checkChildSpec(spec, auto);
        if (c instanceof ChildSpecError) {
          log(ctx, "supervisor start_spec", { supervisor: s.name, message: c.message, reason: c.term });
          return tuple(A.stop, tuple(atom("start_spec"), c.term));
        }
        if (checked.some((x) => eqTerm(x.id, c.id))) return tuple(A.stop, tuple(atom("start_spec"), tuple(atom("duplicate_child_name"), c.id)));
        checked.push(c);
        if (strategy === "simple_one_for_one") records.push({ id: c.id, rec: checkChildspec(ctx, c, specKeys(spec), mfas[i] as Term) });
      }
      if (strategy === "simple_one_for_one") {
        const [tpl] = checked;
        if (tpl === undefined || checked.length !== 1) return tuple(A.stop, tuple(atom("bad_start_spec"), list(checked.map((c) => c.id))));
        s.template = tpl;
        // init_dynamic/2: check_startspec's `{ok, {Ids, Db}}`, then the record (supervisor-state.ts)
        s.mirror = SupStateTerm.simple(ctx, fields, checkStartspec(ctx, records).children, tpl.restart === "temporary");
        return GS.ok(stateTerm(s));
      }
      for (const c of checked) {
        const child: Child = { spec: c, pid: undefined };
        s.children.push(child);
        s.mirror.setChild(c, A.undefined);
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
    *handleCall(ctx, req) {
      const s = st();
      const r = req instanceof Tuple ? req.elements : [req];
      const tag = r[0];
      const done = (v: Term): Term => GS.reply(v, stateTerm(s));
      const tpl = s.template;
      if (tag === atom("which_children")) {
        if (tpl !== undefined) return done(list([...s.dyn.values()].reverse().map((d) => tuple(A.undefined, d.pid === "restarting" ? restartingA : d.pid, atom(tpl.type), tpl.modules))));
        return done(list([...s.children].reverse().map((c) => tuple(c.spec.id, pidOf(c), atom(c.spec.type), c.spec.modules))));
      }
      if (tag === atom("count_children")) {
        if (tpl !== undefined) {
          const n = s.dyn.size;
          const active = [...s.dyn.values()].filter((d) => d.pid !== "restarting").length;
          // as compiled (beam_disasm): `{specs, 1}` and the zero count are literals; test_heap 18
          // for the two other tuples, the four cells and `{reply, Reply, State}`
          const counts = tpl.type === "supervisor" ? [tuple(atom("supervisors"), n), markLiteral(tuple(atom("workers"), 0))] : [markLiteral(tuple(atom("supervisors"), 0)), tuple(atom("workers"), n)];
          return done(list([markLiteral(tuple(atom("specs"), 1)), tuple(atom("active"), active), ...counts]));
        }
        const active = s.children.filter((c) => c.pid !== undefined && c.pid !== "restarting").length;
        const sups = s.children.filter((c) => c.spec.type === "supervisor").length;
        return done(list([tuple(atom("specs"), s.children.length), tuple(atom("active"), active), tuple(atom("supervisors"), sups), tuple(atom("workers"), s.children.length - sups)]));
      }
      if (tag === atom("start_child") && tpl !== undefined) {
        // handle_call({start_child, EArgs}, _, State) for simple_one_for_one as compiled
        // (beam_disasm, frames.ts): allocate 3; get_dynamic_child/1; Args = A ++ EArgs (the
        // '++' BIF copies A); call do_start_child_i/3 (allocate 1, its catch) and apply/3's
        // return address; after the start, trim 2, 1 (the start's result stays in y0) and call
        // dyn_store/3; the `{reply, Result, NState}` tuple's test_heap 4 inside the frame.
        const heap = ctx.heap;
        const hc = heap.pushFrame(0);
        allocateIn(heap, hc, 3);
        hc.stackWords += 1;
        yield* callAt(ctx, hc); // get_dynamic_child/1
        hc.stackWords -= 1;
        const extra: Term[] = [];
        for (let l = r[1]; l instanceof Cons; l = l.tail) extra.push(l.head);
        const tplArgs = tpl.start.args ?? [];
        if (tplArgs.length > 0) hc.hold(ctx.bifResult(list([...tplArgs], r[1] as Term)));
        const argsAll = [...tplArgs, ...extra];
        hc.stackWords += 1;
        yield* callAt(ctx, hc); // do_start_child_i/3
        allocateIn(heap, hc, 1);
        // apply/3 (call_ext): its return address is the start function's entry word, which a
        // start function's own frame counts (gen_server's start path, frames.ts callAllocate)
        hc.stackWords += 1;
        yield* callAt(ctx, hc); // apply/3
        hc.stackWords -= 1;
        const res = yield* runStart(ctx, { ...tpl, start: { ...tpl.start, args: argsAll } });
        hc.stackWords -= 2; // back in handle_call/3
        hc.hold(res);
        const e = res instanceof Tuple ? res.elements : [];
        hc.stackWords -= 2; // trim 2, 1
        if (e[0] === A.ok && e[1] instanceof Pid) {
          hc.stackWords += 1;
          yield* callAt(ctx, hc); // dyn_store/3
          dynAdd(s, e[1], argsAll);
          hc.stackWords -= 1;
        }
        const reply = ctx.alloc(done(res === A.ignore ? tuple(A.ok, A.undefined) : res));
        heap.popFrame(hc);
        return reply;
      }
      if (tag === atom("start_child")) {
        const spec = pendingSpecs.get(r[1] as number);
        const c = checkChildSpec(spec, s.autoShutdown);
        if (c instanceof ChildSpecError) {
          log(ctx, "supervisor start_spec", { supervisor: s.name, message: c.message, reason: c.term });
          return done(tuple(A.error, c.term));
        }
        const old = find(s, c.id);
        if (old !== undefined) return done(tuple(A.error, old.pid !== undefined && old.pid !== "restarting" ? tuple(A.already_started, old.pid) : atom("already_present")));
        const res = yield* runStart(ctx, c);
        const e = res instanceof Tuple ? res.elements : [];
        if (res === A.ignore) {
          if (c.restart !== "temporary") {
            s.children.push({ spec: c, pid: undefined });
            s.mirror.setChild(c, A.undefined);
          }
          return done(tuple(A.ok, A.undefined));
        }
        if (e[0] === A.ok) {
          const child: Child = { spec: c, pid: e[1] as Pid };
          s.children.push(child);
          s.mirror.setChild(c, pidOf(child));
        }
        return done(res);
      }
      const id = r[1] as Term;
      if (tag === atom("terminate_child")) {
        if (id instanceof Pid) {
          if (tpl !== undefined) {
            const d = s.dyn.get(pidKey(id));
            // find_child: a pid that is no (longer a) child is ok when dead, not_found when alive
            if (d === undefined || d.pid === "restarting") return done(ctx.isAlive(id) ? tuple(A.error, A.not_found) : A.ok);
            const res = yield* shutdownChild(ctx, id, tpl.shutdown, tpl.restart);
            if (res !== A.ok) report(ctx, s, "shutdown_error", (res as Tuple).elements[1] as Term, asChild(tpl, d));
            dynRemove(s, pidKey(id));
            return done(A.ok);
          }
          const byPid = s.children.find((c) => c.pid instanceof Pid && samePid(id, c.pid));
          if (byPid === undefined) return done(tuple(A.error, A.not_found));
          yield* terminateChildren(ctx, s, [byPid]);
          return done(A.ok);
        }
        if (tpl !== undefined) return done(tuple(A.error, atom("simple_one_for_one")));
        const c = find(s, id);
        if (c === undefined) return done(tuple(A.error, A.not_found));
        yield* terminateChildren(ctx, s, [c]);
        return done(A.ok);
      }
      if (tpl !== undefined && (tag === atom("restart_child") || tag === atom("delete_child"))) return done(tuple(A.error, atom("simple_one_for_one")));
      const c = find(s, id);
      if (tag === atom("restart_child")) {
        if (c === undefined) return done(tuple(A.error, A.not_found));
        if (c.pid === "restarting") return done(tuple(A.error, restartingA));
        if (c.pid !== undefined) return done(tuple(A.error, A.running));
        const res = yield* runStart(ctx, c.spec);
        const e = res instanceof Tuple ? res.elements : [];
        if (res === A.ignore) return done(tuple(A.ok, A.undefined));
        if (e[0] === A.ok) setPid(s, c, e[1] as Pid);
        return done(res);
      }
      if (tag === atom("delete_child")) {
        if (c === undefined) return done(tuple(A.error, A.not_found));
        if (c.pid === "restarting") return done(tuple(A.error, restartingA));
        if (c.pid !== undefined) return done(tuple(A.error, A.running));
        forget(s, c);
        return done(A.ok);
      }
      if (tag === atom("get_childspec")) {
        const spec = tpl !== undefined && id instanceof Pid ? (s.dyn.has(pidKey(id)) ? tpl : undefined) : c?.spec;
        if (spec === undefined) return done(tuple(A.error, A.not_found));
        return done(tuple(A.ok, tuple(spec.id, atom(spec.restart), shutdownTerm(spec.shutdown), atom(spec.type), spec.modules)));
      }
      return done(tuple(A.error, atom("badcall")));
    },
    *handleCast(ctx, msg) {
      const s = st();
      const e = msg instanceof Tuple ? msg.elements : [];
      if (e[0] === atom("try_again_restart")) {
        if (s.template !== undefined) {
          const key = (e[1] as { name: string }).name;
          const d = s.dyn.get(key);
          if (d?.pid === "restarting" && (yield* restartDynamic(ctx, s, key, d)) === "shutdown") return GS.stop(A.shutdown, stateTerm(s));
          return GS.noreply(stateTerm(s));
        }
        const c = find(s, e[1] as Term);
        if (c?.pid === "restarting") {
          if ((yield* restart(ctx, s, c)) === "shutdown") return GS.stop(A.shutdown, stateTerm(s));
        }
      }
      return GS.noreply(stateTerm(s));
    },
    *handleInfo(ctx, msg) {
      const s = st();
      const e = msg instanceof Tuple ? msg.elements : [];
      if (e[0] !== A.EXIT || e.length !== 3) {
        log(ctx, "supervisor unexpected_message", { supervisor: s.name, message: msg });
        return GS.noreply(stateTerm(s));
      }
      const reason = e[2] as Term;
      const tpl = s.template;
      if (tpl !== undefined) {
        const who = e[1];
        const key = who instanceof Pid ? pidKey(who) : "";
        const d = s.dyn.get(key);
        if (d === undefined || d.pid === "restarting") return GS.noreply(stateTerm(s));
        const rt = tpl.restart;
        if (rt !== "permanent" && isNormalish(reason)) return yield* dynamicExitForget(ctx, s, tpl, who as Pid, key);
        // (not yet instruction by instruction: do_restart's logger report and restart/2)
        ctx.heap.allocGarbage(rt === "temporary" ? 33 : 36); // find_child_and_args' and do_restart's words (measured)
        report(ctx, s, "child_terminated", reason, asChild(tpl, d));
        if (rt === "temporary") {
          dynRemove(s, key);
          return autoShutdown(s, tpl) ? GS.stop(A.shutdown, stateTerm(s)) : GS.noreply(stateTerm(s));
        }
        if ((yield* restartDynamic(ctx, s, key, d)) === "shutdown") return GS.stop(A.shutdown, stateTerm(s));
        return GS.noreply(stateTerm(s));
      }
      const c = s.children.find((x) => x.pid !== undefined && x.pid !== "restarting" && samePid(e[1], x.pid));
      if (c === undefined) return GS.noreply(stateTerm(s));
      const rt = c.spec.restart;
      if (rt !== "permanent" && isNormalish(reason)) {
        if (rt === "temporary") forget(s, c);
        else setPid(s, c, undefined);
        return autoShutdown(s, c.spec) ? GS.stop(A.shutdown, stateTerm(s)) : GS.noreply(stateTerm(s));
      }
      report(ctx, s, "child_terminated", reason, c);
      if (rt === "temporary") {
        forget(s, c);
        return autoShutdown(s, c.spec) ? GS.stop(A.shutdown, stateTerm(s)) : GS.noreply(stateTerm(s));
      }
      if ((yield* restart(ctx, s, c)) === "shutdown") return GS.stop(A.shutdown, stateTerm(s));
      return GS.noreply(stateTerm(s));
    },
    *terminate(ctx) {
      if (s !== undefined) {
        if (s.template !== undefined) yield* terminateDynamic(ctx, s);
        else yield* terminateChildren(ctx, s, [...s.children]);
      }
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
  return GS.startLink(ctx, wrapped, args, { compiledCallPath: true, compiledInfoPath: true, ...(o.name !== undefined ? { name: o.name } : {}), ...(o.spawnOpt !== undefined ? { spawnOpt: o.spawnOpt } : {}) });
}

export function whichChildren(ctx: ProcessContext, sup: ServerRef): Gen<Term> {
  return GS.call(ctx, sup, atom("which_children"), "infinity"); // call(Sup, which_children)
}
export function countChildren(ctx: ProcessContext, sup: ServerRef): Gen<Term> {
  return GS.call(ctx, sup, atom("count_children"), "infinity"); // call(Sup, count_children)
}
/** supervisor:start_child(Sup, ChildSpec | ExtraArgs): an array is simple_one_for_one's extra arguments. */
export function* startChild(ctx: ProcessContext, sup: ServerRef, spec: ChildSpec | readonly Term[]): Gen<Term> {
  if (Array.isArray(spec)) return yield* GS.call(ctx, sup, tuple(atom("start_child"), list(spec as readonly Term[])), "infinity");
  const id = nextSpec++;
  pendingSpecs.set(id, spec as ChildSpec);
  try {
    return yield* GS.call(ctx, sup, tuple(atom("start_child"), id), "infinity");
  } finally {
    pendingSpecs.delete(id);
  }
}
/** supervisor:terminate_child(Sup, Id | Pid). */
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
