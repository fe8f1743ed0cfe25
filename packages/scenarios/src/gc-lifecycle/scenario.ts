/**
 * `gc-lifecycle` (issue 11, item 4): the four GC lifecycles every BEAM memory article draws, one
 * process each, with each process's GC events (`erlang:trace(Pid, true, [garbage_collection])`)
 * as the output (`run.gcEvents()`; leak-lab prints them as a timeline).
 *   no_gc            spawn → 100 words, under the minimum heap → exit: no collection.
 *   minors           spawn → the first collection (a fullsweep) → minors → exit.
 *   fullsweep_after  … → minors until `fullsweep_after` of them → a major → minors → exit.
 *   grow             … → live data grows: the old heap fills, a major frees too little, the heap
 *                    grows → again → exit.
 * Every process runs lifecycle(Role, K, M, Keep) (./work.ts): K iterations, each building M
 * conses it drops and Keep conses it keeps; spawned one after the other by the driver, which
 * traces it from spawn and waits for its exit.
 * Modes: `leak` = the defaults users get (fullsweep_after 65535 for minors and grow: what is
 *   promoted stays in the old heap until it fills); `fix` = minors and grow spawned with
 *   {fullsweep_after, 0}: every collection is a fullsweep, nothing is tenured, every GC copies
 *   all live data (the timeline shows the trade). no_gc and fullsweep_after are the same in both.
 *   No leak detector applies (expects: none in both modes).
 * The twin: tooling/beam-oracle/twins/gc_lifecycle.escript; fixture gc_lifecycle.json.
 * Invariant: the four processes run at virtual ms 0, 1, 2, 3 (the driver sleeps 1 ms after each
 * exit, so leak-lab's samples fall between them; no heap is touched while it sleeps); the run is
 * `finished()` once the last one has exited.
 */
import { atom, equals, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { defineScenario } from "../define-scenario.js";
import { newNode, setRole } from "../node.js";
import { intParam, type ParamSpec, type ParamValues } from "../params.js";
import type { GcEventRecord, Mode, ParametricScenario, ProcessGcEvents, ScenarioRun, ScenarioRunOptions } from "../scenario.js";
import { lifecycle, type LifecycleWork } from "./work.js";

export const GC_LIFECYCLE_PARAMS: readonly ParamSpec[] = [
  { name: "iterations", type: "integer", default: 40, min: 1, max: 1_000_000, description: "loop iterations of minors, fullsweep_after and grow" },
  { name: "garbage", type: "integer", default: 100, min: 0, max: 1_000_000, description: "conses built and dropped per iteration (2 words each)" },
  { name: "kept", type: "integer", default: 2, min: 0, max: 1_000_000, description: "conses minors and fullsweep_after keep per iteration" },
  { name: "grown", type: "integer", default: 100, min: 0, max: 1_000_000, description: "conses grow keeps per iteration" },
  { name: "fullsweep_after", type: "integer", default: 10, min: 0, max: 65535, description: "the fullsweep_after spawn option of the fullsweep_after process" },
  { name: "min_heap_size", type: "integer", default: 233, min: 1, max: 10_000_000, description: "the min_heap_size spawn option of the four processes (words)" },
];

export const GC_LIFECYCLE_ROLES = ["no_gc", "minors", "fullsweep_after", "grow"] as const;
export type GcLifecycleRole = (typeof GC_LIFECYCLE_ROLES)[number];

/** no_gc's work: one iteration of 50 conses (100 words), under the 233-word minimum heap. */
const NO_GC_WORK: LifecycleWork = { iterations: 1, garbage: 50, keep: 0 };
/** The BEAM's default fullsweep_after. */
const DEFAULT_FULLSWEEP_AFTER = 65535;

/** Each role's work and fullsweep_after in this mode, as the twin spawns them. */
export function lifecyclePlan(mode: Mode, params: ParamValues | undefined): { role: GcLifecycleRole; work: LifecycleWork; fullsweepAfter: number }[] {
  const p = (name: string) => intParam(params, GC_LIFECYCLE_PARAMS, name);
  const tuned = mode === "leak" ? DEFAULT_FULLSWEEP_AFTER : 0;
  const churn = { iterations: p("iterations"), garbage: p("garbage"), keep: p("kept") };
  return [
    { role: "no_gc", work: NO_GC_WORK, fullsweepAfter: DEFAULT_FULLSWEEP_AFTER },
    { role: "minors", work: churn, fullsweepAfter: tuned },
    { role: "fullsweep_after", work: churn, fullsweepAfter: p("fullsweep_after") },
    { role: "grow", work: { ...churn, keep: p("grown") }, fullsweepAfter: tuned },
  ];
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions): ScenarioRun {
  const minHeapSize = intParam(params, GC_LIFECYCLE_PARAMS, "min_heap_size");
  const plan = lifecyclePlan(mode, params);
  const traced = new Map<string, { role: string; events: GcEventRecord[] }>();
  let done = false;
  const run = newNode(opts, { duration: plan.length + 1, interval: 1 }, {
    onGcTrace: (pid, t) => {
      traced.get(printTerm(pid))?.events.push({ event: t.tag, info: t.tag === "gc_max_heap_size" ? { ...t.info } : { wordsize: t.wordsize, ...t.info } });
    },
  });
  const s = run.scheduler;
  s.spawn(
    function* driver(ctx: ProcessContext): Generator<Op, void, unknown> {
      setRole(ctx, "driver");
      for (const { role, work, fullsweepAfter } of plan) {
        const [pid] = ctx.spawnMonitor(lifecycle, [atom(role), work.iterations, work.garbage, work.keep], {
          minHeapSize,
          fullsweepAfter,
          initialCall: "beamlab_twin_gc_lifecycle:lifecycle/4",
        });
        traced.set(printTerm(pid), { role, events: [] });
        s.traceGc(pid);
        ctx.send(pid, atom("go"));
        yield* ctx.receive((m) => isDownOf(m, pid));
        yield* ctx.sleep(1);
      }
      done = true;
      yield* ctx.receive(); // stays, as the escript's process does while the report is taken
    },
    [],
    { initialCall: "escript:run/2" },
  );
  return {
    ...run,
    finished: () => done,
    gcEvents: (): ProcessGcEvents[] => [...traced].map(([pid, t]) => ({ pid, role: t.role, events: t.events })),
  };
}

const DOWN = atom("DOWN");
function isDownOf(m: Term, pid: Pid): boolean {
  return m instanceof Tuple && m.elements.length === 5 && m.elements[0] === DOWN && equals(m.elements[3] as Term, pid);
}

export const gcLifecycle: ParametricScenario = defineScenario({
  id: "gc-lifecycle",
  title: "gc-lifecycle: the four GC lifecycles of a BEAM process, as GC event timelines",
  description:
    "One process per lifecycle: no_gc (never collects), minors (a first fullsweep, then minors), fullsweep_after (minors until fullsweep_after, then a major), " +
    "grow (live data grows: majors free too little and the heap grows). Each process's gc trace is the output. " +
    "leak = the default fullsweep_after 65535 for minors and grow (promoted data stays in the old heap); fix = fullsweep_after 0 for them (every GC a fullsweep). No leak detector applies.",
  params: GC_LIFECYCLE_PARAMS,
  roles: ["driver", ...GC_LIFECYCLE_ROLES],
  expects: () => undefined,
  twin: { runtime: "erl", script: "twins/gc_lifecycle.escript" },
  small: { iterations: 20 },
  run: (opts = {}) => build(opts.mode ?? "leak", opts.params, opts),
});
