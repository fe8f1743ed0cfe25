/**
 * Scenario 3, refc binaries pinned by a router that rarely collects.
 *
 * Leaky: `router` (role "router") forwards every `{data, Bin}` it receives (Bin a 64 KB refc
 * binary from the `producer`, every `PERIOD` ms) to the `consumer`. It was spawned "tuned for
 * throughput" — `min_heap_size` 10 000 words and `min_bin_vheap_size` 4 Mi words (32 MB) — so
 * neither its heap (9 words per message) nor its binary virtual heap fills for seconds: it does
 * not collect, and every ProcBin it has received — dead once forwarded — keeps its binary alive.
 * Fixed: the same tuning, but the router hibernates whenever its queue is empty (gen_server's
 * `hibernate_after`, or `{noreply, S, hibernate}`): the fullsweep drops the dead ProcBins.
 * (Lowering `min_bin_vheap_size` back to the default, or `erlang:garbage_collect()` after
 * forwarding, fix it too; forwarding fewer, larger binaries only lowers the rate.)
 */
import { makeBinary, Tuple } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { A, newNode, setRole } from "./node.js";
import type { Scenario, ScenarioOptions, ScenarioRun } from "./scenario.js";

const PERIOD = 10;
const PAYLOAD_BYTES = 64 * 1024;

function* producer(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "producer");
  for (let i = 0; ; i++) {
    const bin = makeBinary(ctx.heap, PAYLOAD_BYTES, { fill: i & 0xff });
    ctx.send("router", ctx.alloc(new Tuple([A.data, bin])));
    yield* ctx.sleep(PERIOD);
  }
}

function* router(ctx: ProcessContext, hibernate: boolean): Generator<Op, void, unknown> {
  setRole(ctx, "router");
  ctx.register("router");
  ctx.setCurrentFunction("router:loop/1");
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    ctx.send("consumer", m);
    if (hibernate && (ctx.processInfo(ctx.self, ["message_queue_len"])?.message_queue_len ?? 0) === 0) yield* ctx.hibernate();
  }
}

function* consumer(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "consumer");
  ctx.register("consumer");
  for (;;) {
    // consumes the payload (a checksum, a write to a socket: 40 words of temporaries) and drops it
    yield* ctx.receive();
    ctx.heap.allocGarbage(40);
  }
}

function build(hibernate: boolean, opts: ScenarioOptions = {}): ScenarioRun {
  const run = newNode(opts, { duration: 2000, interval: 200 });
  startRouter(run, hibernate);
  return run;
}

/** Spawns the router workload on an existing node (`hibernate`: the fixed variant). */
export function startRouter(run: ScenarioRun, hibernate: boolean): void {
  const s = run.scheduler;
  s.spawn(consumer, [], { initialCall: "consumer:init/1" });
  s.spawn((ctx) => router(ctx, hibernate), [], { initialCall: "router:init/1", minHeapSize: 10_000, minBinVheapSize: 4 * 1024 * 1024 });
  s.spawn(producer, [], { initialCall: "producer:loop/0" });
}

export const pinnedRefcFixed: Scenario = {
  id: "router-pins-binaries.fixed",
  title: "Router pinning refc binaries — fixed: hibernate when idle",
  description: "The same tuned router hibernates whenever its queue is empty; the fullsweep releases the forwarded binaries.",
  expects: undefined,
  run: (opts) => build(true, opts),
};

export const pinnedRefc: Scenario = {
  id: "router-pins-binaries",
  title: "Refc binaries pinned by a router that rarely collects",
  description:
    "A router forwards 64 KB binaries; tuned with a large min_heap_size and min_bin_vheap_size it never collects, so the " +
    "ProcBins it has forwarded keep every binary alive.",
  expects: "refc_binaries_pinned",
  culpritRole: "router",
  run: (opts) => build(false, opts),
  fixed: pinnedRefcFixed,
};

