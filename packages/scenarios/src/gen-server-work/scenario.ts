/**
 * `gen-server-work` (issue 11, story 1: Yaws + gen_server). `servers` gen_servers; each of
 * `rounds` rounds calls every server once, in order, with `{work, N}`,
 * N = work_base + (R × 37 rem work_spread), R = 1..rounds.
 * leak: handle_call does work(N) in the server, whose heap grows to hold it and keeps that size
 *   (and, with fullsweep_after 65535, its tenured garbage).
 * fix: handle_call spawns a worker doing work(N) and sending `{result, Worker, Result}` back; the
 *   server receives it (`after 5000`) and replies. The worker's heap dies with it.
 * Roles: driver (the caller), server, worker. The twin: tooling/beam-oracle/twins/gen_server_work.escript.
 * FREE CHOICES (as the twin): R counts from 1; a server's state is the atom `state`-like mode atom.
 * Invariant: the run is `finished()` once the last call has returned; round R ends at virtual ms R.
 */
import { allocateTest } from "../kit/allocate.js";
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import { GenServer } from "@beamlab/otp";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { defineScenario } from "../define-scenario.js";
import { newNode, setRole } from "../node.js";
import { intParam, msOrOffParam, type ParamSpec, type ParamValues } from "../params.js";
import type { Mode, ParametricScenario, ScenarioRun, ScenarioRunOptions } from "../scenario.js";
import { workKit as work } from "./work-kit.js";

export const GEN_SERVER_WORK_PARAMS: readonly ParamSpec[] = [
  { name: "servers", type: "integer", default: 300, min: 1, max: 100_000, description: "gen_servers called in each round" },
  { name: "rounds", type: "integer", default: 60, min: 1, max: 100_000, description: "rounds; each calls every server once" },
  { name: "work_base", type: "integer", default: 2000, min: 1, max: 1_000_000, description: "N = work_base + (R × 37 rem work_spread)" },
  { name: "work_spread", type: "integer", default: 3000, min: 1, max: 1_000_000, description: "see work_base" },
  { name: "fullsweep_after", type: "integer", default: 65535, min: 0, max: 65535, description: "the servers' fullsweep_after spawn option" },
  { name: "hibernate_after", type: "ms_or_off", default: null, min: 0, max: 3_600_000, description: "the servers' hibernate_after (ms, or off)" },
];

const A = { work: atom("work"), result: atom("result"), timeout: atom("timeout"), leak: atom("leak"), fix: atom("fix") };

/** The worker of the fix: work(N), then `Server ! {result, self(), Result}`. */
function* worker(ctx: ProcessContext, server: Term, n: Term): Generator<Op, void, unknown> {
  setRole(ctx, "worker");
  const result = yield* work(ctx, n as number);
  ctx.send(server as Pid, ctx.alloc(new Tuple([A.result, ctx.self, result])));
}

/** The gen_server callback module; its state is the mode atom. */
export const workServer: GenServer.GenServerModule = {
  name: "beamlab_twin_gen_server_work",
  init: (ctx, mode) => {
    setRole(ctx, "server");
    return GenServer.ok(mode);
  },
  handleCall: function* (ctx, req, _from, mode) {
    const n = (req as Tuple).elements[1] as number;
    if (mode === A.leak) {
      // `{reply, work(N), leak}`: the clause keeps nothing across the call, its frame is the CP
      const frame = ctx.heap.pushFrame(1);
      const result = yield* work(ctx, n);
      ctx.heap.popFrame(frame);
      return GenServer.reply(result, mode);
    }
    // the fix clause keeps Worker across its receive (allocate 1: 2 stack words); the closure
    // fun() -> … end over Server and N is 7 words on this heap, and erlang:spawn/1 leaves 2 more
    // (measured: otp_memory.json's spawn_per_call twin)
    allocateTest(ctx.heap, 2);
    const frame = ctx.heap.pushFrame(2);
    ctx.heap.allocGarbage(7 + 2);
    const w = ctx.spawn(worker, [ctx.self, n], { initialCall: "beamlab_twin_gen_server_work:'-handle_call/3-fun-0-'/0" });
    const m = yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === A.result && t.elements[1] === w, { after: 5000 });
    ctx.heap.popFrame(frame);
    return GenServer.reply(m === undefined ? A.timeout : ((m as Tuple).elements[2] as Term), mode);
  },
};

/** Starts one work server on the calling process's node (the demo server reuses it). */
export function* startWorkServer(ctx: ProcessContext, mode: Mode, opts: { readonly fullsweepAfter?: number; readonly hibernateAfter?: number | null } = {}): Generator<Op, Pid, unknown> {
  const r = (yield* GenServer.start(ctx, workServer, mode === "leak" ? A.leak : A.fix, {
    spawnOpt: { fullsweepAfter: opts.fullsweepAfter ?? 65535 },
    callbackPathStack: true,
    ...(opts.hibernateAfter === null || opts.hibernateAfter === undefined ? {} : { hibernateAfter: opts.hibernateAfter }),
  })) as Tuple;
  return r.elements[1] as Pid;
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions): ScenarioRun {
  const p = (name: string) => intParam(params, GEN_SERVER_WORK_PARAMS, name);
  const servers = p("servers");
  const rounds = p("rounds");
  const base = p("work_base");
  const spread = p("work_spread");
  const hibernateAfter = msOrOffParam(params, GEN_SERVER_WORK_PARAMS, "hibernate_after");
  let done = false;
  let roundsDone = 0;
  const run = newNode(opts, { duration: 3_600_000, interval: 1 });
  run.scheduler.spawn(
    function* driver(ctx: ProcessContext) {
      setRole(ctx, "driver");
      const pids: Pid[] = [];
      for (let i = 0; i < servers; i++) pids.push(yield* startWorkServer(ctx, mode, { fullsweepAfter: p("fullsweep_after"), hibernateAfter }));
      for (let r = 1; r <= rounds; r++) {
        for (const s of pids) yield* GenServer.call(ctx, s, ctx.alloc(new Tuple([A.work, base + ((r * 37) % spread)])), "infinity");
        // virtual time does not pass while processes compute: one virtual ms per round puts each
        // round on leak-lab's sample grid (interval 1 ms). The twin runs the rounds back to back;
        // the wait changes no server's heap (they are idle in gen_server's receive).
        yield* ctx.sleep(1);
        roundsDone = r;
      }
      done = true;
      yield* ctx.receive(); // stays, as the escript's process does while the report is taken
    },
    [],
    { initialCall: "escript:run/2" },
  );
  return { ...run, finished: () => done, progress: () => roundsDone / rounds };
}

export const genServerWork: ParametricScenario = defineScenario({
  id: "gen-server-work",
  title: "gen-server-work: hundreds of gen_servers doing request work in their own process",
  description:
    "The Yaws + gen_server story: every round calls each server with {work, N}; leak does work(N) (a list of N tuples and a binary of its digits) in handle_call, " +
    "so each server's heap grows to the work's peak and keeps it; fix spawns a worker per call and only receives its result.",
  params: GEN_SERVER_WORK_PARAMS,
  roles: ["driver", "server", "worker"],
  expects: (mode) => (mode === "leak" ? "tenured_garbage" : undefined),
  culpritRole: "server",
  twin: { runtime: "erl", script: "twins/gen_server_work.escript" },
  small: { servers: 10, rounds: 6, work_base: 500, work_spread: 500 },
  run: (opts = {}) => build(opts.mode ?? "leak", opts.params, opts),
});
