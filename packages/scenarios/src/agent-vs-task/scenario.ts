/**
 * agent-vs-task (issue 11, story 2, the Elixir story): a listener starting one child per event
 * under a DynamicSupervisor (one_for_one), where observer shows the children piling up.
 *
 * For each of `events` events the listener (role listener) starts a child (role child) with
 * DynamicSupervisor.start_child: `leak` = `{Agent, fn -> process(i) end}` (the result is the
 * Agent's state and it never exits), `fix` = a temporary `{Task, fn -> process(i) end}` that
 * computes the same and exits. process(i): see process.ts. The run ends as the twin's does, with
 * the same work: the listener is done, (fix) the driver has monitored the children's pids and
 * taken their 'DOWN's, then one :sys.get_state round trip to the supervisor. Twin:
 * tooling/beam-oracle/twins/agent_vs_task.exs (warm: no code loading on a measured heap).
 * FREE CHOICES (as the twin): i counts from 1; the listener starts the children one after another
 * (start_child returns once the child's init is done); the pid numbers are the twin's
 * (TWIN_FIRST_PID); the sample grid follows the reductions run (MS_PER_REDUCTION, the work clock), no process
 * sleeps.
 */
import { atom, Pid, Tuple, type GcTraceEntry, type Term } from "@beamlab/heap";
import { A, Agent, DynamicSupervisor, fun, Sys, Task } from "@beamlab/otp";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { defineScenario } from "../define-scenario.js";
import { newNode, setRole } from "../node.js";
import { intParam, type ParamSpec, type ParamValues } from "../params.js";
import type { Mode, ParametricScenario, ScenarioRun, ScenarioRunOptions } from "../scenario.js";
import { processEvent } from "./process.js";

export const AGENT_VS_TASK_PARAMS: readonly ParamSpec[] = [
  { name: "events", type: "integer", default: 437, min: 1, max: 1_000_000, description: "events; the listener starts one child per event" },
  { name: "result_kb", type: "integer", default: 48, min: 1, max: 1_000_000, description: "size of process(i)'s input in KB (its result is result_kb×1024/16 integers)" },
];


/**
 * Stack words the model puts under a child's fun besides what @beamlab/otp's start path already
 * pushes (proc_lib, gen_server:init_it, Agent.Server.init and run/2): 19, taken from a recorded
 * trace — tooling/beam-oracle/twins/agent_child_gctrace.exs on a warm node (a first Agent
 * started beforehand, so no module is loaded on the measured child's heap): with 19 every one of
 * the child's 40 GC events (heap, block, old heap, fragments, stack) equals the BEAM's, and the
 * Agent ends on its 6,772 + 10,958 words; 20 (the stack an :erlang.garbage_collect() inside the
 * fun reports, taken before the start path's frames were modelled) leaves one stack word over,
 * and the child's first major then grows its heap where the BEAM's does not. Used for the Task
 * as well (a free choice: a Task's heap dies with it, no figure depends on it).
 */
const CHILD_INIT_PATH_STACK = 19;

/** The child's fun: `fn -> :twin_report.role(:child); process(i, kb) end` (free variables i and kb). */
function childFun(i: number, kb: number): Term {
  return fun(
    function* (ctx: ProcessContext): Generator<Op, Term, unknown> {
      const path = ctx.heap.pushFrame(CHILD_INIT_PATH_STACK);
      setRole(ctx, "child");
      const r = yield* processEvent(ctx, i, kb);
      ctx.heap.popFrame(path);
      return r;
    },
    [i, kb],
  );
}

/** Starts the child for event `i` in `mode` under `sup` (the demo server reuses it): the
 * listener's `DynamicSupervisor.start_child(sup, child(mode, i, kb))`, where child/3 builds the
 * fun (2 free variables) and `{Agent, Fun}` | `{Task, Fun}` on the listener's heap. */
export function* startEventChild(ctx: ProcessContext, sup: Pid, mode: Mode, i: number, kb: number): Generator<Op, Term, unknown> {
  const f = childFun(i, kb);
  return yield* DynamicSupervisor.startChildModuleArg(
    ctx,
    sup,
    mode === "leak"
      ? { module: "Elixir.Agent", arg: f, start: (c: ProcessContext, g: Term) => Agent.startLink(c, g) }
      : { module: "Elixir.Task", arg: f, start: (c: ProcessContext, g: Term) => Task.startLink(c, g), restart: "temporary" },
  );
}

/**
 * `DynamicSupervisor.start_link(strategy: :one_for_one)` (Elixir's Supervisor.Default callbacks,
 * the path otp's dynsup_gc / dynsup_memory twins check collection for collection), its role
 * supervisor given from outside as the twin's report gives it (the supervisor runs no code of
 * ours: nothing lands on its heap or in its dictionary).
 */
export function* startEventSupervisor(ctx: ProcessContext): Generator<Op, Pid, unknown> {
  const r = (yield* DynamicSupervisor.startLink(ctx)) as Tuple;
  const sup = r.elements[1] as Pid;
  ctx.scheduler.tagRole(sup, "supervisor");
  return sup;
}

/**
 * The pid number the run starts at (the driver; then the supervisor, the listener and the
 * children, one after another): the twin's, a free choice of the model taken from the record
 * (scenarios.json's agent-vs-task `pids`: supervisor 113, listener 114, children 115 …, after
 * the twin's warm-up). The children's pids key the supervisor's children map, a HAMT past 32
 * children laid out by their hashes: at other numbers the same work builds other trees (the
 * twin-figures test checks the numbers against the record; `--band` shifts them).
 */
export const TWIN_FIRST_PID = 112;

/**
 * Virtual ms per reduction run (the Scheduler's workClock): the workload waits on no timer, so
 * without it the whole run would be one virtual ms and leak-lab's 1 ms sample grid would see
 * only its end; with it the grid follows the work done, and nothing runs differently (a sleep in
 * the listener would let the Tasks run ahead of it). A free choice, about the real node's pace:
 * the twin runs the leak workload (7.1 M reductions in the model) in 65–75 ms of real time on
 * the recording machine (about 100,000 reductions per ms), so the leak run takes ~70 samples.
 */
export const MS_PER_REDUCTION = 1 / 100_000;

/** The pid numbered `n` on the node of `like` (the twin's `:c.pid(0, n, 0)`). */
function pidNumbered(like: Pid, n: number): Pid {
  return new Pid(like.node, n & 0x7fff, (n >>> 15) & 0x1fff, like.creation);
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions, traceSupervisor?: (entry: GcTraceEntry) => void): ScenarioRun {
  const events = intParam(params, AGENT_VS_TASK_PARAMS, "events");
  const kb = intParam(params, AGENT_VS_TASK_PARAMS, "result_kb");
  let done = false;
  let started = 0;
  const hooks = traceSupervisor === undefined ? {} : { onGcTrace: (_pid: Pid, e: GcTraceEntry) => { traceSupervisor(e); } };
  const run = newNode(opts, { duration: 3_600_000, interval: 1, firstPid: TWIN_FIRST_PID, workClock: { msPerReduction: MS_PER_REDUCTION } }, hooks);
  run.scheduler.spawn(
    function* driver(ctx: ProcessContext) {
      setRole(ctx, "driver");
      const sup = yield* startEventSupervisor(ctx);
      if (traceSupervisor !== undefined) ctx.scheduler.traceGc(sup);
      const self = ctx.self;
      const listener = ctx.spawn(
        function* listener(c: ProcessContext) {
          setRole(c, "listener");
          for (let i = 1; i <= events; i++) {
            yield* startEventChild(c, sup, mode, i, kb);
            started = i;
          }
          c.send(self, atom("listener_done"));
          yield* c.receive((t) => t === atom("stop"));
        },
        [],
        { initialCall: "erlang:apply/2" },
      );
      yield* ctx.receive((t) => t === atom("listener_done"));
      if (mode === "fix") {
        // every Task gone: monitor the children's pids (the listener's next `events` numbers; a
        // dead one answers at once) and take their 'DOWN's — no measured process is touched
        const n = pidKey(listener);
        for (let k = n + 1; k <= n + events; k++) ctx.monitor(pidNumbered(listener, k));
        for (let k = 0; k < events; k++) yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === A.DOWN);
      }
      // one :sys.get_state round trip: the supervisor has handled every 'EXIT' (a child's exit
      // signal to it is sent before its 'DOWN' to the driver)
      yield* Sys.getState(ctx, sup);
      done = true;
      yield* ctx.receive();
    },
    [],
    { initialCall: "elixir:eval_external_handler/3" },
  );
  return { ...run, finished: () => done, progress: () => started / events };
}

/** A pid's number (`<0.N.S>`: N + S × 2^15). */
function pidKey(p: Pid): number {
  return p.id + p.serial * 0x8000;
}

/**
 * The run with its supervisor gc-traced from just after its start, as the twin's
 * `BEAMLAB_TRACE=sup` run is (recorders/agent_vs_task_gc.record.mjs): every trace entry of the
 * supervisor goes to `onEntry` (the heap models the tracer's phantom fragments). For tests and
 * diagnostics; the plain run is untraced.
 */
export function runTracedSupervisor(mode: Mode, params: ParamValues | undefined, onEntry: (entry: GcTraceEntry) => void): ScenarioRun {
  return build(mode, params, {}, onEntry);
}

export const agentVsTask: ParametricScenario = defineScenario({
  id: "agent-vs-task",
  title: "agent-vs-task: a listener starting Agents under a DynamicSupervisor that never exit",
  description:
    "For each event the listener starts a child under a DynamicSupervisor: leak = an Agent holding process(i) as its state (it never exits), " +
    "fix = a temporary Task computing the same and exiting. Observer shows the Agents piling up under the supervisor.",
  params: AGENT_VS_TASK_PARAMS,
  roles: ["driver", "listener", "supervisor", "child"],
  expects: (mode) => (mode === "leak" ? "children_never_terminate" : undefined),
  culpritRole: "supervisor",
  twin: { runtime: "elixir", script: "twins/agent_vs_task.exs" },
  small: { events: 60, result_kb: 8 },
  run: (opts = {}) => build(opts.mode ?? "leak", opts.params, opts),
});
