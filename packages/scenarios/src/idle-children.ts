/**
 * Scenario 2, children that never terminate: a job supervisor starts an Agent-like process per
 * job, and the agents never stop.
 *
 * Leaky: `jobs_sup` (role "supervisor": trap_exit, children linked to it — a DynamicSupervisor in
 * spirit) receives `{job, N}` every `PERIOD` ms and starts a linked child per job. The child (role
 * "agent") computes its result (N tuples), keeps it as its state and waits for requests that never
 * come — an Agent used where a Task was meant. Children pile up, idle, each holding its heap.
 * Fixed: the child is Task-like (role "task"): it computes, sends the result to the requester and
 * returns (exit `normal`); the supervisor receives the `'EXIT'` and forgets it. The child count
 * stays at the jobs in flight.
 * Both written on plain scheduler processes (@beamlab/otp's Agent/Task/DynamicSupervisor are not
 * used: that package is being written concurrently).
 */
import { list, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { A, newNode, setRole } from "./node.js";
import type { Scenario, ScenarioOptions, ScenarioRun } from "./scenario.js";

const PERIOD = 20;
const RESULT_ITEMS = 50;

function* buildResult(ctx: ProcessContext, n: number): Generator<Op, Term, unknown> {
  const items: Term[] = [];
  for (let i = 0; i < n; i++) {
    items.push(new Tuple([i, i * i]));
    yield* ctx.call();
  }
  return ctx.alloc(list(items));
}

/** Agent-like: computes its state, then serves `get` requests forever (none come). */
function* agent(ctx: ProcessContext, n: Term): Generator<Op, void, unknown> {
  setRole(ctx, "agent");
  const f = ctx.heap.pushFrame();
  f.set(0, yield* buildResult(ctx, n as number));
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    const from = m.elements[1] as Pid;
    ctx.send(from, f.get(0) as Term);
  }
}

/** Task-like: computes, reports to the requester, exits normally. */
function* task(ctx: ProcessContext, n: Term, requester: Term): Generator<Op, void, unknown> {
  setRole(ctx, "task");
  const result = yield* buildResult(ctx, n as number);
  ctx.send(requester as Pid, ctx.alloc(new Tuple([A.reply, result])));
}

function* supervisor(ctx: ProcessContext, useTasks: boolean): Generator<Op, void, unknown> {
  setRole(ctx, "supervisor");
  ctx.register("jobs_sup");
  ctx.trapExit(true);
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    if (m.elements[0] === A.EXIT) continue; // a task finished: forget it
    const [, n, requester] = m.elements;
    if (useTasks) ctx.spawnLink(task, [n as Term, requester as Term], { initialCall: "jobs:run/2" });
    else ctx.spawnLink(agent, [n as Term], { initialCall: "jobs_agent:init/1" });
  }
}

function* requester(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "client");
  for (let i = 0; ; i++) {
    ctx.send("jobs_sup", ctx.alloc(new Tuple([A.job, RESULT_ITEMS + (i % 7), ctx.self])));
    yield* ctx.sleep(PERIOD);
    for (;;) if ((yield* ctx.receive(undefined, { after: 0 })) === undefined) break; // drop replies
  }
}

/** Spawns the jobs workload on an existing node (`useTasks`: the fixed variant). */
export function startJobs(run: ScenarioRun, useTasks: boolean): void {
  run.scheduler.spawn((ctx) => supervisor(ctx, useTasks), [], { initialCall: "jobs_sup:init/1" });
  run.scheduler.spawn(requester, [], { initialCall: "jobs_client:loop/0" });
}

function build(useTasks: boolean, opts: ScenarioOptions = {}): ScenarioRun {
  const run = newNode(opts, { duration: 2000, interval: 200 });
  startJobs(run, useTasks);
  return run;
}

export const idleChildrenFixed: Scenario = {
  id: "children-never-terminate.fixed",
  title: "Children that never terminate — fixed: a Task per job",
  description: "Each job runs in a Task-like process that reports its result and exits; the supervisor forgets it.",
  expects: undefined,
  run: (opts) => build(true, opts),
};

export const idleChildren: Scenario = {
  id: "children-never-terminate",
  title: "Children that never terminate: an Agent per job under a supervisor",
  description:
    "A supervisor starts an Agent-like child per job; the child keeps its result as state and never stops, so children " +
    "accumulate, idle, each holding its heap.",
  expects: "children_never_terminate",
  culpritRole: "supervisor",
  run: (opts) => build(false, opts),
  fixed: idleChildrenFixed,
};
