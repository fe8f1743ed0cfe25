/**
 * Shared plumbing of the OTP behaviours: atoms, callback results that may block, funs that carry
 * a JS function, exit reasons of caught exceptions, and per-scheduler registries (aliases, logger).
 *
 * Owns:
 *  - `A`: the atoms the behaviours use (interned once).
 *  - `run(result)`: a callback may return a term or a generator (when it blocks: calls another
 *    server, receives); `yield* run(r)` gives the term either way.
 *  - `fun(f, free)`: an Erlang local fun (`LocalFun` of module `beamlab_fun`, its free variables
 *    are real terms, so a message carrying it has the BEAM's size: 5 + free words) whose code is
 *    the JS function `f`, kept in a registry by index (never freed: a Node process making funs in
 *    a loop grows by one Map entry per fun made).
 *  - `caught(err)`: the `{Class, Reason, Stacktrace}` an OTP `try … catch Class:Reason:Stack`
 *    sees for a JS throw: `ctx.exit` → exit; `ctx.error`/ErlangError → error with `[]` as the
 *    stack (beamlab keeps no Erlang stacktrace); any other JS exception → error with reason
 *    `{js_exception, Name, Message}` and its JS stack as a binary.
 *  - Aliases (OTP 24+ `alias`/`[alias | Mref]` reply tags): the scheduler has none, so an active
 *    alias is kept here per scheduler and a reply to an inactive one is dropped at the sender —
 *    the observable behaviour of the BEAM (a late reply never reaches the caller's queue).
 *  - The logger: reports (`proc_lib` crash reports, gen_server terminate errors, supervisor
 *    reports) go to a per-scheduler sink (`setLogger`), default: kept in memory (`reports()`).
 * Invariant: nothing here yields; the scheduler of a context is read from the context (the
 * scheduler exposes no public accessor for it — listed in the README as a scheduler gap).
 */
import { atom, binary, Cons, LocalFun, nil, printTerm, Ref, Tuple, type Term } from "@beamlab/heap";
import { ErlangError, ExitThrow, type Op, type ProcessContext, type Scheduler } from "@beamlab/scheduler";

export const A = {
  ok: atom("ok"),
  error: atom("error"),
  exit: atom("exit"),
  throw: atom("throw"),
  undefined: atom("undefined"),
  normal: atom("normal"),
  shutdown: atom("shutdown"),
  kill: atom("kill"),
  killed: atom("killed"),
  timeout: atom("timeout"),
  infinity: atom("infinity"),
  hibernate: atom("hibernate"),
  continue: atom("continue"),
  reply: atom("reply"),
  noreply: atom("noreply"),
  stop: atom("stop"),
  ignore: atom("ignore"),
  EXIT: atom("EXIT"),
  DOWN: atom("DOWN"),
  process: atom("process"),
  noproc: atom("noproc"),
  gen_call: atom("$gen_call"),
  gen_cast: atom("$gen_cast"),
  system: atom("system"),
  ack: atom("ack"),
  bad_return_value: atom("bad_return_value"),
  already_started: atom("already_started"),
  gen_server: atom("gen_server"),
  call: atom("call"),
  true: atom("true"),
  false: atom("false"),
  js_exception: atom("js_exception"),
  alias: atom("alias"),
  running: atom("running"),
  worker: atom("worker"),
  supervisor: atom("supervisor"),
  permanent: atom("permanent"),
  transient: atom("transient"),
  temporary: atom("temporary"),
  brutal_kill: atom("brutal_kill"),
  restarting: atom("restarting"),
  not_found: atom("not_found"),
  running_child: atom("running"),
  nomatch: atom("nomatch"),
} as const;

export type Gen<T> = Generator<Op, T, unknown>;
/** What a callback returns: a term, or a generator when it blocks. */
export type CbResult = Term | Gen<Term>;

export function isGen(x: unknown): x is Gen<Term> {
  return typeof x === "object" && x !== null && typeof (x as { next?: unknown }).next === "function" && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}

/** `yield* run(r)`: the term a callback result stands for. */
export function* run(r: CbResult): Gen<Term> {
  if (isGen(r)) return yield* r;
  return r;
}

// ------------------------------------------------------------------ funs

type JsFn = (ctx: ProcessContext, ...args: Term[]) => CbResult;
const FUN_MODULE = atom("beamlab_fun");
// The fun table holds no code alive: each fun term carries its JS function (`LocalFun.code`,
// kept by every copy the heaps make), the table only maps an index back to a function that is
// still alive (for terms rebuilt from text or the external format, which lose `code`). A
// function gets one index for its life (like the BEAM's fun entry: one per fun in the code),
// and its entry goes when the function is garbage collected — dropped funs leak nothing.
const indexOf = new WeakMap<JsFn, number>();
const byIndex = new Map<number, WeakRef<JsFn>>();
const reaper = new FinalizationRegistry<number>((i) => {
  byIndex.delete(i);
});
let nextFun = 1;

/** An Erlang fun whose code is `f` (free variables: real terms, counted in its size). */
export function fun(f: JsFn, free: readonly Term[] = []): LocalFun {
  let i = indexOf.get(f);
  if (i === undefined) {
    i = nextFun++;
    indexOf.set(f, i);
    byIndex.set(i, new WeakRef(f));
    reaper.register(f, i);
  }
  const t = new LocalFun(FUN_MODULE, i, 0, f.length > 0 ? f.length - 1 : 0, free);
  t.code = f;
  return t;
}

/** How many functions made into funs by {@link fun} are still alive (the fun table's size). */
export function liveFunCount(): number {
  return byIndex.size;
}

/** Applies a fun made by {@link fun} (a term that is not one is `badfun`). */
export function applyFun(ctx: ProcessContext, f: Term, args: readonly Term[]): CbResult {
  let code: JsFn | undefined;
  if (f instanceof LocalFun && f.module === FUN_MODULE) code = typeof f.code === "function" ? (f.code as JsFn) : byIndex.get(f.index)?.deref();
  if (code === undefined) throw new ErlangError(new Tuple([atom("badfun"), f]));
  return code(ctx, ...args);
}

// ------------------------------------------------------------------ exceptions

export interface Caught {
  readonly cls: Term;
  readonly reason: Term;
  readonly stack: Term;
}

export function caught(err: unknown): Caught {
  if (err instanceof ExitThrow) return { cls: A.exit, reason: err.reason, stack: nil };
  if (err instanceof ErlangError) return { cls: A.error, reason: err.reason, stack: nil };
  if (err instanceof Error) return { cls: A.error, reason: new Tuple([A.js_exception, binary(err.name), binary(err.message)]), stack: binary(err.stack ?? "") };
  return { cls: A.throw, reason: binary(String(err)), stack: nil };
}

// ------------------------------------------------------------------ scheduler registries

/** The scheduler a context belongs to. */
export function schedulerOf(ctx: ProcessContext): Scheduler {
  return ctx.scheduler;
}

const aliases = new WeakMap<Scheduler, Set<number | string>>();
function aliasSet(s: Scheduler): Set<number | string> {
  let set = aliases.get(s);
  if (set === undefined) aliases.set(s, (set = new Set()));
  return set;
}
/** The set of active alias keys ({@link aliasKey}) of the context's scheduler. */
export function aliasSetOf(ctx: ProcessContext): Set<number | string> {
  return aliasSet(schedulerOf(ctx));
}
/** The key of an alias tag `[alias | Ref]` (or a bare ref): its id words as one number (no strings). */
export function aliasKey(tag: Term): number | string {
  const ref = tag instanceof Cons ? tag.tail : tag;
  if (ref instanceof Ref) {
    const ids = ref.ids;
    const a = ids[0] ?? 0;
    const b = ids[1] ?? 0;
    const c = ids[2] ?? 0;
    if (c === 0 && b < 0x200000) return a + b * 4294967296;
    return ids.join(".");
  }
  return printTerm(tag);
}
export function activateAlias(ctx: ProcessContext, key: Term): void {
  aliasSet(schedulerOf(ctx)).add(aliasKey(key));
}
export function deactivateAlias(ctx: ProcessContext, key: Term): void {
  aliasSet(schedulerOf(ctx)).delete(aliasKey(key));
}
export function aliasActive(ctx: ProcessContext, key: Term): boolean {
  return aliasSet(schedulerOf(ctx)).has(aliasKey(key));
}

/** A logger report (what `logger` would get): `label` like `{proc_lib, crash}`. */
export interface Report {
  readonly label: string;
  readonly time: number;
  readonly report: Record<string, Term | string>;
}
const logs = new WeakMap<Scheduler, Report[]>();
const sinks = new WeakMap<Scheduler, (r: Report) => void>();

/** Sends this scheduler's reports to `sink` instead of keeping them. */
export function setLogger(s: Scheduler, sink: (r: Report) => void): void {
  sinks.set(s, sink);
}
/** The reports kept for this scheduler (when no sink was set). */
export function reports(s: Scheduler): Report[] {
  let l = logs.get(s);
  if (l === undefined) logs.set(s, (l = []));
  return l;
}
export function log(ctx: ProcessContext, label: string, report: Record<string, Term | string>): void {
  const s = schedulerOf(ctx);
  const r: Report = { label, time: s.clock.now, report };
  const sink = sinks.get(s);
  if (sink !== undefined) sink(r);
  else reports(s).push(r);
}

export function tuple(...e: Term[]): Tuple {
  return new Tuple(e);
}

/** `Reason` is normal, shutdown or {shutdown, _}: no crash report, no transient restart. */
export function isNormalish(r: Term): boolean {
  return r === A.normal || r === A.shutdown || (r instanceof Tuple && r.elements.length === 2 && r.elements[0] === A.shutdown);
}

/** `erlang:demonitor(Ref, [flush])`. */
export function demonitorFlush(ctx: ProcessContext, ref: Term): void {
  ctx.demonitor(ref as never, { flush: true });
}
