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
 * As compiled (erlc -S): router/2 keeps Mode and Consumer across its receive (allocate 2: 3 stack
 * words), consumer/1 its state tuple (2 words); the producer's comprehension result is unused
 * (no list); `{Count + 1, Size + byte_size(B)}` is a new 3-word tuple per message (test_heap 3,
 * before call_last pops the frame).
 * FREE CHOICES: as the twin's (I:8 truncates I to a byte; spawn order).
 */
import { allocateTest } from "../kit/allocate.js";
import { atom, binary, list, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { defineScenario } from "../define-scenario.js";
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
const CONSUMER_FRAME = 2;

function* consumer(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "consumer");
  const heap = ctx.heap;
  let count = 0;
  let size = 0;
  let state: Term = heap.alloc(new Tuple([0, 0]));
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
  for (;;) {
    allocateTest(heap, ROUTER_FRAME);
    const f = heap.pushFrame(ROUTER_FRAME);
    const m = yield* ctx.receive(undefined, { after: 100 });
    heap.popFrame(f);
    if (m !== undefined) {
      ctx.send(consumerPid, m);
      yield* ctx.call();
    } else if (mode === "fix") {
      // erlang:hibernate(?MODULE, router_wake, [Mode, Consumer]): the argument list is kept
      yield* ctx.hibernate([ctx.alloc(list([FIX, consumerPid]))]);
    } else yield* ctx.call();
  }
}

function* producer(ctx: ProcessContext, routerPid: Pid, messages: number, bytes: number): Generator<Op, void, unknown> {
  setRole(ctx, "producer");
  for (let i = 1; i <= messages; i++) {
    yield* ctx.call();
    const one = ctx.alloc(binary(Uint8Array.of(i & 0xff)));
    const b = ctx.binaryCopy(one, bytes);
    ctx.send(routerPid, ctx.alloc(new Tuple([DATA, b])));
  }
}

/** Starts one connection (consumer, router, producer) on the calling process's node. */
export function startConnection(ctx: ProcessContext, mode: Mode, messages: number, bytes: number): { consumer: Pid; router: Pid; producer: Pid } {
  const c = ctx.spawn(consumer, [], { initialCall: "beamlab_twin_routers:'-main/1-fun-0-'/0" });
  const r = ctx.spawn((x: ProcessContext) => router(x, mode, c), [], { initialCall: "beamlab_twin_routers:'-main/1-fun-1-'/0" });
  const p = ctx.spawn((x: ProcessContext) => producer(x, r, messages, bytes), [], { initialCall: "beamlab_twin_routers:'-main/1-fun-2-'/0" });
  return { consumer: c, router: r, producer: p };
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions): ScenarioRun {
  const n = intParam(params, ROUTERS_PARAMS, "routers");
  const messages = intParam(params, ROUTERS_PARAMS, "messages");
  const bytes = intParam(params, ROUTERS_PARAMS, "binary_bytes");
  let done = false;
  const run = newNode(opts, { duration: 3_600_000, interval: 100 });
  run.scheduler.spawn(
    function* driver(ctx: ProcessContext) {
      setRole(ctx, "driver");
      const consumers: Pid[] = [];
      for (let i = 0; i < n; i++) consumers.push(ctx.spawn(consumer, [], { initialCall: "beamlab_twin_routers:'-main/1-fun-0-'/0" }));
      const routers = consumers.map((c) => ctx.spawn((x: ProcessContext) => router(x, mode, c), [], { initialCall: "beamlab_twin_routers:'-main/1-fun-1-'/0" }));
      const producers = routers.map((r) => ctx.spawnMonitor((x: ProcessContext) => producer(x, r, messages, bytes), [], { initialCall: "beamlab_twin_routers:'-main/1-fun-2-'/0" }));
      for (let left = producers.length; left > 0; left--) yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === atom("DOWN"));
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
