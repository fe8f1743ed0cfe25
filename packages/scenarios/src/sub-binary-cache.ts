/**
 * Scenario 4, sub-binary pinning: a cache keeps 100-byte parts of 64 KB payloads.
 *
 * Leaky: every `PERIOD` ms a short-lived handler (role "handler", one per request, like a web
 * request process) builds a 64 KB payload (a refc binary), sends `{put, Key, Payload}` to
 * `cache` (role "cache") and exits. The cache keeps `binary:part(Payload, 0, 100)` — a 100-byte
 * sub-binary, which points into the whole payload — in its state. Every cached entry keeps its
 * 64 KB payload alive: 99.8 % of the bytes are wasted.
 * Fixed: the cache stores `binary:copy(binary:part(Payload, 0, 100))`, an independent 100-byte
 * binary; the payload is freed at the cache's next collection.
 */
import { binaryCopy, binaryPart, makeBinary, nil, Tuple, type BitString, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { A, newNode, setRole } from "./node.js";
import type { Scenario, ScenarioOptions, ScenarioRun } from "./scenario.js";

const PERIOD = 20;
const PAYLOAD_BYTES = 64 * 1024;
const PART_BYTES = 100;

function* handler(ctx: ProcessContext, key: Term): Generator<Op, void, unknown> {
  setRole(ctx, "handler");
  const payload = makeBinary(ctx.heap, PAYLOAD_BYTES, { fill: (key as number) & 0xff });
  ctx.send("cache", ctx.alloc(new Tuple([A.put, key, payload])));
  yield* ctx.call();
}

function* cache(ctx: ProcessContext, copy: boolean): Generator<Op, void, unknown> {
  setRole(ctx, "cache");
  ctx.register("cache");
  ctx.setCurrentFunction("header_cache:handle_cast/2");
  const f = ctx.heap.pushFrame();
  f.set(0, nil); // the cache: [{Key, Part} | …]
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    f.set(1, m);
    const [, key, payload] = m.elements;
    let part = f.hold(binaryPart(ctx.heap, payload as BitString, 0, PART_BYTES));
    if (copy) {
      const copied = binaryCopy(ctx.heap, part);
      f.release(part);
      part = f.hold(copied);
    }
    const entry = ctx.alloc(new Tuple([key as Term, part]));
    f.set(0, ctx.heap.allocCons(entry, f.get(0) as Term));
    f.release(part);
    f.set(1, undefined);
  }
}

function* acceptor(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "acceptor");
  for (let i = 0; ; i++) {
    ctx.spawn(handler, [i], { initialCall: "upload_handler:init/1" });
    yield* ctx.sleep(PERIOD);
  }
}

/** Spawns the cache workload on an existing node. */
export function startCache(run: ScenarioRun, copy: boolean): void {
  run.scheduler.spawn((ctx) => cache(ctx, copy), [], { initialCall: "header_cache:init/1" });
  run.scheduler.spawn(acceptor, [], { initialCall: "upload_acceptor:loop/0" });
}

function build(copy: boolean, opts: ScenarioOptions = {}): ScenarioRun {
  const run = newNode(opts, { duration: 2000, interval: 200 });
  startCache(run, copy);
  return run;
}

export const subBinaryPinningFixed: Scenario = {
  id: "sub-binary-pinning.fixed",
  title: "Sub-binary pinning — fixed: binary:copy/1 the part",
  description: "The cache stores a copy of the 100-byte part; the 64 KB payloads are freed.",
  expects: undefined,
  run: (opts) => build(true, opts),
};

export const subBinaryPinning: Scenario = {
  id: "sub-binary-pinning",
  title: "Sub-binary pinning: a cache keeping 100-byte parts of 64 KB payloads",
  description: "The cache keeps binary:part/3 of each payload: a sub-binary that keeps the whole 64 KB binary alive.",
  expects: "sub_binary_pinning",
  culpritRole: "cache",
  run: (opts) => build(false, opts),
  fixed: subBinaryPinningFixed,
};
