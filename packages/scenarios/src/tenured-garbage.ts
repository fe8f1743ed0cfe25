/**
 * Scenario 1, tenured garbage: a long-lived server does each request's work in its own process.
 *
 * Leaky: `api` (role "server", a gen_server in spirit: `{call, …}` in, reply out) builds each
 * request's intermediate data — a list of N `{I, I*7, I rem 13}` tuples, built cell by cell —
 * on its own heap. The build spans several minor collections, so the list's older cells survive
 * two of them and are promoted to the old heap; once the reply is sent they are garbage, but the
 * old heap is only swept by a major (`fullsweep_after` 65535 by default, or when the old heap is
 * full). The old heap fills with dead request data between majors.
 * Fixed: the server spawns a short-lived worker per request (`spawn(fun() -> Reply = work(N),
 * From ! … end)`); the intermediate data lives and dies with the worker's heap. The server's own
 * heap holds only its small state. (Hibernating after each request or `fullsweep_after: 0` also
 * fix it; the spawned worker is the structural fix.)
 * A client calls the server every `period` ms (back to back, waiting for each reply).
 */
import { list, nil, Tuple, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { A, call, newNode, reply, setRole } from "./node.js";
import type { Scenario, ScenarioOptions, ScenarioRun } from "./scenario.js";

/** Result elements built per request (6 words each), temporaries per request, results kept. */
const ITEMS = 100;
const GARBAGE = 3000;
const KEEP = 4;
const PERIOD = 20;

/**
 * The request's work on the caller's heap: GARBAGE words of temporaries (parsing, encoding) and a
 * result list of n `{I, I*7, I rem 13}` tuples, which it returns.
 */
function* work(ctx: ProcessContext, n: number): Generator<Op, Term, unknown> {
  const f = ctx.heap.pushFrame();
  let acc: Term = nil;
  for (let i = 0; i < n; i++) {
    ctx.heap.allocGarbage(GARBAGE / n);
    acc = ctx.heap.allocCons(ctx.alloc(new Tuple([i, i * 7, i % 13])), acc);
    f.set(0, acc);
    yield* ctx.call();
  }
  ctx.heap.popFrame(f);
  return acc;
}

function* server(ctx: ProcessContext, spawnWork: boolean): Generator<Op, void, unknown> {
  setRole(ctx, "server");
  ctx.register("api");
  ctx.setCurrentFunction("api_server:handle_call/3");
  const f = ctx.heap.pushFrame();
  // state: the last KEEP results ([Newest | …]), rebuilt on every request (lists:sublist/2)
  let recent: Term[] = [];
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    f.set(0, m);
    if (spawnWork) {
      ctx.spawn(worker, [m], { initialCall: "api_server:'-handle_call/3-fun-0-'/1" });
    } else {
      const result = yield* work(ctx, m.elements[3] as number);
      recent = [result, ...recent.slice(0, KEEP - 1)];
      f.set(1, ctx.alloc(list(recent)));
      reply(ctx, m, ctx.alloc(new Tuple([A.ok, recent.length])));
    }
    f.set(0, undefined);
  }
}

/** The fixed variant's per-request process: does the work, replies, exits (its heap is freed). */
function* worker(ctx: ProcessContext, req: Term): Generator<Op, void, unknown> {
  setRole(ctx, "request_worker");
  const m = req as Tuple;
  yield* work(ctx, m.elements[3] as number);
  reply(ctx, m, ctx.alloc(new Tuple([A.ok, 1])));
}

function* client(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "client");
  for (;;) {
    yield* call(ctx, "api", ITEMS);
    yield* ctx.sleep(PERIOD);
  }
}

/** Spawns the server workload on an existing node (`spawnWork`: the fixed variant). */
export function startApiServer(run: ScenarioRun, spawnWork: boolean): void {
  run.scheduler.spawn((ctx) => server(ctx, spawnWork), [], { initialCall: "api_server:init/1" });
  run.scheduler.spawn(client, [], { initialCall: "api_client:loop/0" });
}

function build(spawnWork: boolean, opts: ScenarioOptions = {}): ScenarioRun {
  const run = newNode(opts, { duration: 3000, interval: 250 });
  startApiServer(run, spawnWork);
  return run;
}

export const tenuredGarbageFixed: Scenario = {
  id: "tenured-garbage.fixed",
  title: "Tenured garbage — fixed: the work runs in a process per request",
  description: "The server spawns a worker per request; the request's data lives and dies on the worker's heap.",
  expects: undefined,
  run: (opts) => build(true, opts),
};

export const tenuredGarbage: Scenario = {
  id: "tenured-garbage",
  title: "Tenured garbage: a long-lived server doing request work on its own heap",
  description:
    "Each request builds its result (a 100-element list) and 3000 words of temporaries on the server heap and keeps the last 4 results in its state. " +
    "Results live across minor collections, are promoted to the old heap, and stay there as garbage once replaced, until the next major.",
  expects: "tenured_garbage",
  culpritRole: "server",
  run: (opts) => build(false, opts),
  fixed: tenuredGarbageFixed,
};
