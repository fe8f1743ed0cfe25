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
 * timers fire follows the driver's slices, so the driver spawns as compiled (spawn-each.ts),
 * in the fresh process the twin's main/1 spawns for it (drive/5): every collection of the
 * driver is the BEAM's (routers_driver_gc.json; the spawn BIFs' argument cell and their
 * {Pid, Ref} placed as OTP 25 places them), and so are the 'DOWN' signals the exited producers
 * leave it — converted onto its heap at its schedule-in up to a budget, 2.25 reductions each
 * (down_signals.json; the scheduler package).
 * As compiled (erlc -S): every process starts with its spawn fun's words (spawn-fun.ts) and its
 * initial continuation on the stack; router/2 keeps Mode and Consumer across its receive and its
 * send (allocate 2: 3 stack words), consumer/1 its state tuple (2 words; the first, {0, 0}, is a
 * literal); `{Count + 1, Size + byte_size(B)}` is a new 3-word tuple per message (test_heap 3,
 * before call_last pops the frame); produce/3 builds lists:seq(1, Messages) and runs its
 * comprehension frame by frame (see producer). Every GC event of one connection's producer,
 * router and consumer equals the BEAM's (leak mode).
 * FREE CHOICES: as the twin's (I:8 truncates I to a byte; spawn order); the clock's rate, moved
 * by `--band` (workClockOf).
 * The driver's first producer batch is the BEAM's 102 connections: the driver is switched out
 * at the spawn BIFs' exports too, and charged the call again there when it resumes
 * (ProcessContext.callBif, fixtures/bif_preempt.json) — without that rule the model counted
 * the routers' comprehension 2 reductions short and the producers' 3 (reduction probes between
 * the comprehensions) and spawned 103.
 * GAP (pinned in test/routers.twin.test.ts): the driver's last collection (after its 'DOWN's)
 * keeps fewer live words than the BEAM's.
 */
import { allocateTest } from "../kit/allocate.js";
import { binaryCopy } from "../kit/binaries.js";
import { seq } from "../kit/lists.js";
import { ret } from "../kit/return.js";
import { atom, binary, Cons, equals, heapBinWords, list, markLiteral, Tuple, type GcTraceEntry, type LocalFun, type Pid, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { defineScenario } from "../define-scenario.js";
import { spawnEach } from "./spawn-each.js";
import { spawnFun } from "./spawn-fun.js";
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

/** The twin's funs: `fun() -> …, consumer({0, 0}) end` and the router's and producer's, with their free variables. */
const consumerFun = (): LocalFun => spawnFun(1, []);
const routerFun = (mode: Mode, c: Pid): LocalFun => spawnFun(3, [atom(mode), c]);
const producerFun = (r: Pid, messages: number, bytes: number): LocalFun => spawnFun(5, [r, messages, bytes]);
const spawnConsumer = (ctx: ProcessContext, fun = consumerFun()): Pid => ctx.spawn(consumer, [fun], { initialCall: "beamlab_twin_routers:'-drive/5-fun-1-'/0" });
const spawnRouter = (ctx: ProcessContext, mode: Mode, c: Pid, fun = routerFun(mode, c)): Pid =>
  ctx.spawn((x: ProcessContext) => router(x, mode, c), [fun], { initialCall: "beamlab_twin_routers:'-drive/5-fun-3-'/0" });
const producerBody = (r: Pid, messages: number, bytes: number) => (x: ProcessContext) => producer(x, r, messages, bytes);

/** Starts one connection (consumer, router, producer) on the calling process's node. */
export function startConnection(ctx: ProcessContext, mode: Mode, messages: number, bytes: number): { consumer: Pid; router: Pid; producer: Pid } {
  const c = spawnConsumer(ctx);
  const r = spawnRouter(ctx, mode, c);
  const p = ctx.spawn(producerBody(r, messages, bytes), [producerFun(r, messages, bytes)], { initialCall: "beamlab_twin_routers:'-drive/5-fun-5-'/0" });
  return { consumer: c, router: r, producer: p };
}

/**
 * The work clock's rate: the BEAM's wall time per reduction doing this workload, measured by the
 * twin (fixtures/scenarios.json, the routers records' `work`: busy_us / reductions on 100 fresh
 * connections after the report): the median of the recorded runs (twelve, 0.49 … 1.45 µs per
 * reduction on the recording machine, which was busy; an idle one measured 0.26 … 0.29;
 * test/routers.twin.test.ts checks this value against the recording). The routers' `after 100`
 * is real time on the BEAM: while the producers run for longer than 100 ms, routers time out
 * mid-run (and take the timeout although their messages have arrived,
 * receive_timeout_race.json); the scheduler's work clock lets the model's timers fire between
 * slices in the same way. Which connections' routers forward before their timers fire follows
 * this rate: at the defaults the first producer batch (102 connections) forwards in time below
 * about 0.3 µs per reduction and times out above 0.45 — the BEAM's fix figure moves with the
 * machine's speed in the same way (test/routers.twin.test.ts runs the model at each recorded
 * run's own rate).
 */
export const ROUTERS_MS_PER_REDUCTION = 0.00074;

/**
 * The model's free choice here moved by `--band` besides stacks and pids: the work clock's rate
 * (× 0.5 … 2: a machine's wall time per reduction is not the recording's). Without a
 * perturbation: the recorded rate. (The driver's slices are not a free choice: the twin's
 * driver is a fresh process, as the model's is, and its gc trace is the model's —
 * routers_driver_gc.json.)
 */
function workClockOf(perturb: ScenarioRunOptions["perturb"]): { readonly msPerReduction: number } {
  if (perturb === undefined) return { msPerReduction: ROUTERS_MS_PER_REDUCTION };
  const h = Math.imul(perturb.seed >>> 0, 0x9e3779b1) >>> 0;
  const factor = 2 ** (((h % 5) - 2) / 2); // 0.5, 0.71, 1, 1.41, 2
  return { msPerReduction: ROUTERS_MS_PER_REDUCTION * factor };
}

/** The DOWN comprehension's `allocate 3` (the rest of the list, Pid, Ref + the continuation pointer). */
const DOWN_LEVEL_FRAME = 4;

/**
 * `[receive {'DOWN', Ref, process, Pid, _} -> ok end || {Pid, Ref} <- Producers]` as erlc -S
 * compiles it: per element `allocate 3` (the rest of the list, Pid and Ref kept across the
 * receive), a selective receive of that 'DOWN', and `call_last` (the level's frame dropped):
 * the elements already handled are garbage.
 */
function* awaitDowns(ctx: ProcessContext, producers: Term): Generator<Op, void, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call '-drive/5-lc$^6/1-3-'/1
  const x = heap.pushFrame(0);
  for (let p: Term = producers; p instanceof Cons; p = p.tail) {
    const [pid, ref] = (p.head as Tuple).elements as [Pid, Term];
    x.set(0, p);
    allocateTest(heap, DOWN_LEVEL_FRAME);
    const f = heap.pushFrame(DOWN_LEVEL_FRAME);
    f.set(0, p.tail);
    f.set(1, ref);
    x.set(0, undefined);
    yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === DOWN && equals(t.elements[1] as Term, ref) && equals(t.elements[3] as Term, pid));
    heap.popFrame(f);
    yield* ctx.call(); // call_last
  }
  heap.popFrame(x);
  yield* ret(ctx); // the [] clause's return
}

/** drive/5's `allocate 5` (Bytes, Msgs, N, Mode, Main + the continuation pointer). */
const DRIVE_FRAME = 6;
const DOWN = atom("DOWN");

/**
 * The twin's drive/5, in the fresh process main/1 spawns for it (role driver), as erlc -S
 * compiles it: `allocate 5`, twin_report:role/1, lists:seq/2 and the three spawning
 * comprehensions (spawn-each.ts; each list lives only as the next comprehension's argument),
 * then one selective receive per 'DOWN', timer:sleep(1000) and `Main ! {self(), done}`.
 */
function* driver(ctx: ProcessContext, main: Pid, mode: Mode, n: number, messages: number, bytes: number, finished: () => void): Generator<Op, void, unknown> {
  const heap = ctx.heap;
  heap.setStack(INITIAL_CONTINUATION);
  // erlang:apply/2 calls the fun, whose code ('-main/1-fun-1-'/5) tail-calls drive/5 (call_only)
  yield* ctx.call();
  yield* ctx.call();
  allocateTest(heap, DRIVE_FRAME);
  const f = heap.pushFrame(DRIVE_FRAME);
  yield* ctx.call(); // call_ext twin_report:role/1
  setRole(ctx, "driver");
  yield* ret(ctx);
  const numbers = yield* seq(ctx, 1, n);
  const consumers = yield* spawnEach(ctx, numbers, { yRegs: 1, fun: () => consumerFun(), spawn: (c, _, fun) => spawnConsumer(c, fun) });
  const routerPids = yield* spawnEach(ctx, consumers, { yRegs: 2, fun: (pid) => routerFun(mode, pid as Pid), spawn: (c, pid, fun) => spawnRouter(c, mode, pid as Pid, fun) });
  const producers = yield* spawnEach(ctx, routerPids, {
    yRegs: 3,
    fun: (r) => producerFun(r as Pid, messages, bytes),
    spawn: (c, r, fun) => new Tuple(c.spawnMonitor(producerBody(r as Pid, messages, bytes), [fun], { initialCall: "beamlab_twin_routers:'-drive/5-fun-5-'/0" })),
    result: "halloc",
  });
  yield* awaitDowns(ctx, producers);
  yield* ctx.sleep(1000);
  ctx.send(main, ctx.alloc(new Tuple([ctx.self, atom("done")])));
  finished();
  yield* ctx.receive();
  heap.popFrame(f);
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions, traceDriver?: (entry: GcTraceEntry) => void, msPerReduction?: number): ScenarioRun {
  const n = intParam(params, ROUTERS_PARAMS, "routers");
  const messages = intParam(params, ROUTERS_PARAMS, "messages");
  const bytes = intParam(params, ROUTERS_PARAMS, "binary_bytes");
  let done = false;
  const clock = msPerReduction === undefined ? workClockOf(opts.perturb) : { msPerReduction };
  const hooks = traceDriver === undefined ? {} : { onGcTrace: (_pid: Pid, e: GcTraceEntry) => { traceDriver(e); } };
  const run = newNode(opts, { duration: 3_600_000, interval: 100, workClock: { msPerReduction: clock.msPerReduction } }, hooks);
  run.scheduler.spawn(
    function* main(ctx: ProcessContext) {
      // Driver = spawn(fun() -> drive(Main, Mode, N, Msgs, Bytes) end), then receive {Driver, done}
      const self = ctx.self;
      const d = ctx.spawn(
        (d: ProcessContext) => driver(d, self, mode, n, messages, bytes, () => (done = true)),
        [spawnFun(1, [self, atom(mode), n, messages, bytes])],
        { initialCall: "beamlab_twin_routers:'-main/1-fun-1-'/0" },
      );
      if (traceDriver !== undefined) ctx.scheduler.traceGc(d);
      yield* ctx.receive();
      yield* ctx.receive();
    },
    [],
    { initialCall: "escript:run/2" },
  );
  return { ...run, finished: () => done };
}

/**
 * The run with its driver gc-traced from its spawn, as the twin's `BEAMLAB_TRACE=driver` run
 * is (recorders/routers_driver_gc.record.mjs): every trace entry of the driver goes to
 * `onEntry` (the heap models the tracer's phantom fragments). For tests and diagnostics; the
 * plain run is untraced.
 */
export function runTracedDriver(mode: Mode, params: ParamValues | undefined, onEntry: (entry: GcTraceEntry) => void): ScenarioRun {
  return build(mode, params, {}, onEntry);
}

/**
 * The run on a node whose work clock runs at `msPerReduction` (a recorded run's own measured
 * rate, the twin's `work`): which routers time out first follows the machine's speed, so a
 * recorded run is compared with the model at that run's speed. For tests and diagnostics.
 */
export function runRoutersAtRate(mode: Mode, params: ParamValues | undefined, msPerReduction: number): ScenarioRun {
  return build(mode, params, {}, undefined, msPerReduction);
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
