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
import { atom, LocalFun, markLiteral, Tuple, type Pid, type Term } from "@beamlab/heap";
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

/** `{reply, timeout, fix}`: a literal of the module (no heap words). */
const REPLY_TIMEOUT = markLiteral(GenServer.reply(A.timeout, A.fix));

/**
 * The gen_server callback module; its state is the mode atom. The servers run gen_server's
 * compiled call path (GenServer's `compiledCallPath`, beam_disasm of OTP 25's gen_server):
 * handle_call/3 is entered at the BEAM's 20 words (apply's return address included; the
 * model's stack is the BEAM's + 1 while code runs, otp frames.ts), its `return` costs a
 * reduction, try_handle_call's `{ok, Reply}`, gen:reply's `{Tag, Reply}` and loop/7's
 * `allocate` test the heap inside their own frames, and handle_msg drops From and the request
 * before gen:reply. Each clause follows its `erlc -S`; a frame holds the clause's y registers
 * and the return address of the call it makes, as the workload kit's frames do:
 * - leak: `allocate 0`, `call work/1` (1 word), `test_heap 4` for `{reply, Result, leak}`;
 * - fix: `allocate_heap 1` (Worker in y0) and `make_fun3` (the fun over Server and N, 7 words,
 *   live in x0 until erlang:spawn/3 has copied it), `call_ext erlang:spawn/1` (Erlang code: its
 *   entry a reduction; 2 words more, measured: otp_memory.json's spawn_per_call twin); the
 *   receive waits at 21 words (measured: process_info(S, stack_size) from the worker), and its
 *   clause's `test_heap 4` runs between the match and remove_message, where the BEAM delays a
 *   collection (F_DELAY_GC: ReceiveOptions.beforeRemove, ProcessHeap.delayGc).
 * With these a fix server's heaps after each call are the BEAM's for every request padding of
 * gsw_fix_calls.json (test/gen-server-work-fix-calls.twin.test.ts).
 */
export const workServer: GenServer.GenServerModule = {
  name: "beamlab_twin_gen_server_work",
  init: (ctx, mode) => {
    setRole(ctx, "server");
    return GenServer.ok(mode);
  },
  handleCall: function* (ctx, req, _from, mode) {
    const n = (req as Tuple).elements[1] as number;
    const heap = ctx.heap;
    if (mode === A.leak) {
      const frame = heap.pushFrame(1);
      const result = yield* work(ctx, n);
      frame.stackWords = 0; // back from work/1
      const r = heap.alloc(GenServer.reply(result, mode)); // test_heap 4, Result live in x0
      heap.popFrame(frame);
      return r;
    }
    const frame = heap.pushFrame(0);
    heap.heapTest(1 + FUN_WORDS); // allocate_heap 1 with the fun's words
    frame.stackWords = 1; // y0
    // make_fun3: fun() -> … end over Server and N, live in x0 until erlang:spawn/3 copied it
    const fun = heap.alloc(new LocalFun(MODULE, 0, 0, 0, [ctx.self, n]));
    const x0 = heap.pushFrame(0);
    x0.hold(fun);
    // call_ext erlang:spawn/1 (Erlang code): its return address, and the entry's reduction —
    // switched out there when none is left (the stack without the running code's word)
    yield* ctx.call();
    frame.stackWords = 2;
    heap.allocGarbage(SPAWN_WORDS);
    const w = ctx.spawn(worker, [ctx.self, n], { initialCall: "beamlab_twin_gen_server_work:'-handle_call/3-fun-0-'/0" });
    heap.popFrame(x0);
    frame.stackWords = 0; // waiting: the BEAM's 21 (entry 20 + y0), without running code's extra word
    const m = yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === A.result && t.elements[1] === w, {
      after: 5000,
      beforeRemove: () => {
        frame.stackWords = 1; // running: y0 (+ the model's word)
        heap.heapTest(4); // the clause's test_heap 4, collections delayed (F_DELAY_GC)
      },
    });
    frame.stackWords = 1;
    const r = m === undefined ? REPLY_TIMEOUT : heap.alloc(GenServer.reply((m as Tuple).elements[2] as Term, mode));
    heap.popFrame(frame);
    return r;
  },
};

/** The fun over Server and N: 5 words and its 2 free variables (erts_debug:size; otp_memory.json's spawn_per_call twin). */
const FUN_WORDS = 7;
const MODULE = atom("beamlab_twin_gen_server_work");
/** What erlang:spawn/1 leaves on the caller's heap (the same twin). */
const SPAWN_WORDS = 2;

/** Starts one work server on the calling process's node (the demo server reuses it). */
export function* startWorkServer(ctx: ProcessContext, mode: Mode, opts: { readonly fullsweepAfter?: number; readonly hibernateAfter?: number | null } = {}): Generator<Op, Pid, unknown> {
  const r = (yield* GenServer.start(ctx, workServer, mode === "leak" ? A.leak : A.fix, {
    spawnOpt: { fullsweepAfter: opts.fullsweepAfter ?? 65535 },
    compiledCallPath: true,
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
