/**
 * routers (issue 11, story 5): many connections, each a router forwarding refc binaries to its
 * consumer — what the real BEAM shows for many connections.
 *
 * For each of `routers` connections: a consumer (role consumer) keeping `{Count, Bytes}` of the
 * `{data, B}` it receives, a router (role router) forwarding every `{data, B}` to its consumer
 * and waiting in `receive … after 100` (leak: loops back into the receive; fix: hibernates on the
 * timeout), and a producer (role producer) sending its router `messages` binaries
 * `binary:copy(<<I:8>>, binary_bytes)` and stopping. All consumers first, then all routers, then
 * all producers; the run ends 1 s after the last producer is done.
 * What the real BEAM shows (fixtures/scenarios.json): hibernating the routers lowers their heaps,
 * not memory(binary): the consumers still hold the ProcBins of what they received until they
 * collect. The scenario shows that honestly.
 * Twin: tooling/beam-oracle/twins/routers.escript.
 * Time: the routers' `after 100` is wall time on the BEAM, and the producers run for about a
 * second: routers time out mid-run. The node runs on the scheduler's work clock at the rate the
 * twin measured ({@link ROUTERS_MS_PER_REDUCTION}); which producers run before the routers'
 * timers fire follows the driver's slices, so the driver spawns as compiled (spawn-each.ts).
 * As compiled (erlc -S): every process starts with its spawn fun's words (spawn-fun.ts) and its
 * initial continuation on the stack; router/2 keeps Mode and Consumer across its receive and its
 * send (allocate 2: 3 stack words), consumer/1 its state tuple (2 words; the first, {0, 0}, is a
 * literal); `{Count + 1, Size + byte_size(B)}` is a new 3-word tuple per message (test_heap 3,
 * before call_last pops the frame); produce/3 builds lists:seq(1, Messages) and runs its
 * comprehension frame by frame (see producer). Every GC event of one connection's producer,
 * router and consumer equals the BEAM's (leak mode).
 * FREE CHOICES: as the twin's (I:8 truncates I to a byte; spawn order); the driver's slice phase
 * (0: a fresh slice) and the clock's rate, both moved by `--band` (workClockOf).
 */
import { allocateTest } from "../kit/allocate.js";
import { binaryCopy } from "../kit/binaries.js";
import { seq } from "../kit/lists.js";
import { ret } from "../kit/return.js";
import { atom, binary, Cons, heapBinWords, list, markLiteral, Tuple, type Pid, type Term } from "@beamlab/heap";
import { CONTEXT_REDS, type Op, type ProcessContext } from "@beamlab/scheduler";
import { defineScenario } from "../define-scenario.js";
import { spawnEach } from "./spawn-each.js";
import { spawnFunArgs } from "./spawn-fun.js";
import { newNode, setRole } from "../node.js";
import { intParam, type ParamSpec, type ParamValues } from "../params.js";
import type { Mode, ParametricScenario, ScenarioRun, ScenarioRunOptions } from "../scenario.js";

export const ROUTERS_PARAMS: readonly ParamSpec[] = [
  { name: "routers", type: "integer", default: 1000, min: 1, max: 1_000_000, description: "connections: a consumer, a router and a producer each" },
  { name: "messages", type: "integer", default: 200, min: 1, max: 10_000_000, description: "binaries each producer sends its router" },
  { name: "binary_bytes", type: "bytes", default: 1024, min: 1, max: 1 << 30, description: "size of each binary (binary:copy(<<I:8>>, binary_bytes))" },
];

const DATA = atom("data");
const FIX = atom("fix");
const ROUTER_FRAME = 3;
/** consumer({0, 0}): the initial state is a literal (no heap words). */
const LITERAL_ZERO_STATE = markLiteral(new Tuple([0, 0]));
const CONSUMER_FRAME = 2;
const INITIAL_CONTINUATION = 1;
/** produce/3's `allocate 2` (Bytes, Router + the continuation pointer). */
const PRODUCE_FRAME = 3;
/**
 * bs_create_bin of a heap binary calls beam_jit_bs_init (OTP 25), whose C `test_heap` asks for the
 * binary's words + ERL_SUB_BIN_SIZE (5) and fails one word earlier than the JIT's own heap tests
 * (HeapWordsLeft < need + S_RESERVED): 6 words on top of the binary in the model's heap-test
 * terms. Measured: the producer's gc trace on erts 13.1.5 collects there at 9 and 11 free words
 * (and not at 23) for the 3-word <<I:8>>.
 */
const BS_INIT_EXTRA_WORDS = 6;
/** The comprehension's `allocate 3` (Tail, Bytes, Router + the continuation pointer). */
const LC_FRAME = 4;

function* consumer(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "consumer");
  const heap = ctx.heap;
  heap.setStack(INITIAL_CONTINUATION);
  let count = 0;
  let size = 0;
  let state: Term = LITERAL_ZERO_STATE;
  for (;;) {
    allocateTest(heap, CONSUMER_FRAME);
    const f = heap.pushFrame(CONSUMER_FRAME);
    f.set(0, state);
    const m = (yield* ctx.receive()) as Tuple;
    const b = m.elements[1] as { byteSize: number };
    count += 1;
    size += b.byteSize;
    ctx.bif();
    // test_heap 3 and the new state tuple with the frame still there, then call_last pops it
    state = heap.alloc(new Tuple([count, size]));
    heap.popFrame(f);
    yield* ctx.call();
  }
}

function* router(ctx: ProcessContext, mode: Mode, consumerPid: Pid): Generator<Op, void, unknown> {
  setRole(ctx, "router");
  const heap = ctx.heap;
  heap.setStack(INITIAL_CONTINUATION);
  for (;;) {
    allocateTest(heap, ROUTER_FRAME);
    const f = heap.pushFrame(ROUTER_FRAME);
    const m = yield* ctx.receive(undefined, { after: 100 });
    if (m !== undefined) {
      ctx.send(consumerPid, m);
      heap.popFrame(f);
      yield* ctx.call();
    } else if (mode === "fix") {
      // erlang:hibernate(?MODULE, router_wake, [Mode, Consumer]): the argument list is kept
      const args = ctx.alloc(list([FIX, consumerPid]));
      heap.popFrame(f);
      yield* ctx.hibernate([args]);
    } else {
      heap.popFrame(f);
      yield* ctx.call();
    }
  }
}

/**
 * produce/3 as erlc -S compiles it: `allocate 2` (Bytes, Router) around `call_ext lists:seq/2`
 * (the 2 × messages-word list is built), `trim 2` (the continuation pointer stays), then
 * `call` into the comprehension `'-produce/3-lc$^0/1-0-'/3`, whose every element does
 * `bs_create_bin` (<<I:8>>: a 3-word heap binary, x0..x3 live), `allocate 3` (Tail, Bytes,
 * Router kept across the BIF call), `call_ext binary:copy/2`, `test_heap 3` + `put_tuple2`,
 * `send`, and `call_last` back into itself; its result list is never built.
 */
function* producer(ctx: ProcessContext, routerPid: Pid, messages: number, bytes: number): Generator<Op, void, unknown> {
  setRole(ctx, "producer");
  const heap = ctx.heap;
  heap.setStack(INITIAL_CONTINUATION);
  allocateTest(heap, PRODUCE_FRAME);
  const outer = heap.pushFrame(PRODUCE_FRAME);
  const numbers = yield* seq(ctx, 1, messages);
  outer.stackWords = 1; // trim 2
  yield* ctx.call(); // call '-produce/3-lc$^0/1-0-'/3
  const x = heap.pushFrame(0); // the x registers live across a heap test
  let rest: Term = numbers;
  while (rest instanceof Cons) {
    const i = rest.head as number;
    rest = rest.tail;
    x.set(0, rest);
    const byte = binary(Uint8Array.of(i & 0xff));
    const one = x.hold(ctx.alloc(byte, { need: heapBinWords(1) + BS_INIT_EXTRA_WORDS }));
    allocateTest(heap, LC_FRAME);
    const f = heap.pushFrame(LC_FRAME);
    f.set(0, rest);
    x.release(one);
    const b = yield* binaryCopy(ctx, one, bytes);
    x.set(0, b);
    const m = ctx.alloc(new Tuple([DATA, b]));
    yield* ctx.call(0); // a send after a BIF that may have used the slice preempts first
    ctx.send(routerPid, m);
    x.set(0, undefined);
    heap.popFrame(f);
    yield* ctx.call(); // call_last
  }
  heap.popFrame(x);
  yield* ret(ctx); // the comprehension's return
  heap.popFrame(outer);
  yield* ret(ctx); // produce/3's deallocate + return
}

const spawnConsumer = (ctx: ProcessContext): Pid => ctx.spawn(consumer, spawnFunArgs(0, []), { initialCall: "beamlab_twin_routers:'-main/1-fun-0-'/0" });
const spawnRouter = (ctx: ProcessContext, mode: Mode, c: Pid): Pid =>
  ctx.spawn((x: ProcessContext) => router(x, mode, c), spawnFunArgs(1, [atom(mode), c]), { initialCall: "beamlab_twin_routers:'-main/1-fun-1-'/0" });
const producerBody = (r: Pid, messages: number, bytes: number) => (x: ProcessContext) => producer(x, r, messages, bytes);
const producerFun = (r: Pid, messages: number, bytes: number): Term[] => spawnFunArgs(2, [r, messages, bytes]);

/** Starts one connection (consumer, router, producer) on the calling process's node. */
export function startConnection(ctx: ProcessContext, mode: Mode, messages: number, bytes: number): { consumer: Pid; router: Pid; producer: Pid } {
  const c = spawnConsumer(ctx);
  const r = spawnRouter(ctx, mode, c);
  const p = ctx.spawn(producerBody(r, messages, bytes), producerFun(r, messages, bytes), { initialCall: "beamlab_twin_routers:'-main/1-fun-2-'/0" });
  return { consumer: c, router: r, producer: p };
}

/**
 * The work clock's rate: the BEAM's wall time per reduction doing this workload, measured by the
 * twin (fixtures/scenarios.json, the routers records' `work`: busy_us / reductions on 100 fresh
 * connections after the report; test/routers.twin.test.ts checks this value against the
 * recording). The routers' `after 100` is real time on the BEAM: while the producers run for
 * longer than 100 ms, routers time out mid-run (and take the timeout although their messages
 * have arrived, receive_timeout_race.json); the scheduler's work clock lets the model's timers
 * fire between slices in the same way.
 */
export const ROUTERS_MS_PER_REDUCTION = 0.00033;

/**
 * The model's free choices here, moved by `--band`: the work clock's rate (× 0.5 … 2: a loaded
 * machine's wall time per reduction is not the recording's) and the driver's slice phase (the
 * reductions of its slice used before it spawns: on the BEAM its start-up code — compiling the
 * report module, parsing the arguments, starting the sampler — runs in that slice, and where
 * its slices end decides which producers run before the routers' timers fire; the model starts
 * the driver with a fresh slice). Without a perturbation: the recorded rate and phase 0.
 */
function workClockOf(perturb: ScenarioRunOptions["perturb"]): { readonly msPerReduction: number; readonly driverPhase: number } {
  if (perturb === undefined) return { msPerReduction: ROUTERS_MS_PER_REDUCTION, driverPhase: 0 };
  const h = Math.imul(perturb.seed >>> 0, 0x9e3779b1) >>> 0;
  const factor = 2 ** (((h % 5) - 2) / 2); // 0.5, 0.71, 1, 1.41, 2
  return { msPerReduction: ROUTERS_MS_PER_REDUCTION * factor, driverPhase: (h >>> 8) % CONTEXT_REDS };
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions): ScenarioRun {
  const n = intParam(params, ROUTERS_PARAMS, "routers");
  const messages = intParam(params, ROUTERS_PARAMS, "messages");
  const bytes = intParam(params, ROUTERS_PARAMS, "binary_bytes");
  let done = false;
  const clock = workClockOf(opts.perturb);
  const run = newNode(opts, { duration: 3_600_000, interval: 100, workClock: { msPerReduction: clock.msPerReduction } });
  run.scheduler.spawn(
    function* driver(ctx: ProcessContext) {
      setRole(ctx, "driver");
      ctx.chargeCalls(clock.driverPhase);
      const heap = ctx.heap;
      const all = heap.pushFrame(0); // the lists main/1 keeps
      const consumers = all.hold(
        yield* spawnEach(ctx, yield* seq(ctx, 1, n), { yRegs: 1, freeVariables: 0, spawn: (x) => spawnConsumer(x) }),
      );
      const routers = all.hold(yield* spawnEach(ctx, consumers, { yRegs: 2, freeVariables: 2, spawn: (x, c) => spawnRouter(x, mode, c as Pid) }));
      const producers = all.hold(
        yield* spawnEach(ctx, routers, {
          yRegs: 3,
          freeVariables: 3,
          spawn: (x, r) => {
            const [pid, ref] = x.spawnMonitor(producerBody(r as Pid, messages, bytes), producerFun(r as Pid, messages, bytes), { initialCall: "beamlab_twin_routers:'-main/1-fun-2-'/0" });
            return x.alloc(new Tuple([pid, ref]));
          },
        }),
      );
      for (let p: Term = producers; p instanceof Cons; p = p.tail) yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === atom("DOWN"));
      yield* ctx.sleep(1000);
      done = true;
      yield* ctx.receive();
    },
    [],
    { initialCall: "escript:run/2" },
  );
  return { ...run, finished: () => done };
}

export const routers: ParametricScenario = defineScenario({
  id: "routers",
  title: "routers: many connections, each a router forwarding refc binaries to its consumer",
  description:
    "Routers forward {data, B} to their consumers and wait in receive … after 100: leak loops back into the receive, fix hibernates on the timeout. " +
    "Hibernating lowers the routers' heaps, not memory(binary): the consumers still hold what they received until they collect.",
  params: ROUTERS_PARAMS,
  roles: ["driver", "consumer", "router", "producer"],
  expects: () => undefined,
  twin: { runtime: "erl", script: "twins/routers.escript" },
  small: { routers: 20, messages: 50 },
  run: (opts = {}) => build(opts.mode ?? "leak", opts.params, opts),
});
