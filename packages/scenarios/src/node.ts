/**
 * Building blocks shared by the scenarios: a fresh simulated node, roles, and the small process
 * patterns (a request/reply call with a timeout-free wait, a periodic client).
 *
 * Owns: `newNode` (scheduler + refc store + node source wired together), `setRole` (the
 * `'$beamlab_role'` dictionary key the scheduler's node source reads), `call`/`reply` (the
 * gen_server:call shape on plain processes: `{call, Ref, From, Request}` → `{Ref, Reply}`, a
 * selective receive on a tag).
 * The scenarios use plain scheduler processes, not @beamlab/otp (being written concurrently):
 * each pattern is the few lines of the behaviour it stands for, and says which.
 * Invariant: every term a body sends is first allocated on its own heap (`ctx.alloc`), so the
 * sender pays the heap words the BEAM would.
 */
import { atom, Tuple, type GcTraceEntry, type Pid, type Term } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { nodeSource, ROLE_KEY, Scheduler, type Op, type ProcessContext } from "@beamlab/scheduler";
import type { Perturbation, ScenarioOptions, ScenarioRun } from "./scenario.js";

export const A = {
  call: atom("call"),
  cast: atom("cast"),
  reply: atom("reply"),
  ok: atom("ok"),
  job: atom("job"),
  put: atom("put"),
  data: atom("data"),
  EXIT: atom("EXIT"),
} as const;

/**
 * How far a `--band` rerun moves the node's pid counter: its first process is `<0.(1 + s).0>`
 * with `s` in 0..PID_BAND − 1, drawn from the perturbation's seed. A free choice of the model —
 * a real node's user pids start after its boot processes, wherever what ran before left the
 * counter — that decides every map keyed by pids past 32 keys (a supervisor's children: the
 * HAMT is laid out by the pids' hashes, so the words of each maps:put and the collections'
 * timing follow them; dynsup_memory.json shows the BEAM's own figure moving with the pid base).
 */
export const PID_BAND = 100;

/** The pid shift of perturbation seed `seed` (0 … PID_BAND − 1), deterministic. */
export function pidShift(seed: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) >>> 0) % PID_BAND;
}

/** Where a node's pid counter and clock start, besides the sampling plan (see {@link newNode}). */
export interface NodePlan {
  readonly duration: number;
  readonly interval: number;
  /**
   * The first pid number (default 1): a scenario whose figures follow its pids' hashes (a
   * supervisor's children map past 32 children) spawns at its twin's recorded numbers; `--band`
   * shifts it by pidShift(seed).
   */
  readonly firstPid?: number;
  /**
   * Virtual time that also passes while processes compute (the Scheduler's workClock): ms per
   * reduction run, a rate measured for the workload (routers' `after 100` fires mid-run as on a
   * busy BEAM; agent-vs-task's sample grid).
   */
  readonly workClock?: { readonly msPerReduction: number };
}

/** A fresh node: a scheduler whose heaps reference their refc binaries in one store (`onGcTrace`: where the gc trace messages of the processes `scheduler.traceGc` switches on go). */
export function newNode(
  opts: ScenarioOptions & { readonly perturb?: Perturbation },
  plan: NodePlan,
  hooks: { readonly onGcTrace?: (pid: Pid, entry: GcTraceEntry) => void } = {},
): ScenarioRun {
  const refc = new RefcStore(opts.telemetry === undefined ? {} : { telemetry: opts.telemetry });
  const scheduler = new Scheduler({
    seed: opts.seed ?? 1,
    refc,
    ...(opts.telemetry === undefined ? {} : { telemetry: opts.telemetry }),
    ...(hooks.onGcTrace === undefined ? {} : { onGcTrace: hooks.onGcTrace }),
    ...(plan.workClock === undefined ? {} : { workClock: plan.workClock }),
    // --band: the model's stack words moved by 0..words per process (Scheduler's stackJitter),
    // and the pid counter by 0..PID_BAND − 1
    firstPid: (plan.firstPid ?? 1) + (opts.perturb === undefined ? 0 : pidShift(opts.perturb.seed)),
    ...(opts.perturb === undefined ? {} : { stackJitter: { seed: opts.perturb.seed, words: opts.perturb.words } }),
  });
  return { scheduler, refc, source: nodeSource(scheduler), duration: plan.duration, interval: plan.interval };
}

/** `put('$beamlab_role', Role)`: what the node source reports as the process's role. */
export function setRole(ctx: ProcessContext, role: string): void {
  ctx.put(ROLE_KEY, atom(role));
}

let callTag = 0;

/**
 * gen_server:call on plain processes: sends `{call, Tag, Self, Request}` and waits (selective
 * receive) for `{Tag, Reply}`; Tag is a small integer unique within the run (a ref's role).
 */
export function* call(ctx: ProcessContext, to: Pid | string, request: Term): Generator<Op, Term, unknown> {
  const tag = ++callTag;
  ctx.send(to, ctx.alloc(new Tuple([A.call, tag, ctx.self, request])));
  const m = yield* ctx.receive((t) => t instanceof Tuple && t.elements.length === 2 && t.elements[0] === tag);
  return (m as Tuple).elements[1] as Term;
}

/** The reply half of {@link call}: `From ! {Ref, Reply}` for a received `{call, Ref, From, _}`. */
export function reply(ctx: ProcessContext, callMsg: Tuple, value: Term): void {
  const [, ref, from] = callMsg.elements;
  ctx.send(from as Pid, ctx.alloc(new Tuple([ref as Term, value])));
}
