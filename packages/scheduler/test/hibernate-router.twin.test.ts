/**
 * Twin of tooling/beam-oracle/recorders/hibernate_router.escript: a router that hibernates
 * whenever its queue is empty, fed 200 messages of 100 KB one per ms. The BEAM runs one minor
 * collection per message after the first (the message reaches a hibernated, minimal heap in a
 * fragment) and hibernation does not reset minor_gcs.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, binary, list, Tuple, type GcTraceEntry, type Pid } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/index.js";

const fixture = loadFixture("hibernate_router") as { messages: number; binary_bytes: number; minor_gcs: number; gc_minor_start: number; gc_major_start: number; memory: number; total_heap_size: number; binaries: number };
const DATA = atom("data");

function simulate() {
  const store = new RefcStore();
  const tags: string[] = [];
  const s = new Scheduler({ refc: store, onGcTrace: (_p, e: GcTraceEntry) => tags.push(e.tag) });
  let router: Pid | undefined;
  const out: { minor_gcs: number; memory: number; total_heap_size: number; binaries: number } = { minor_gcs: -1, memory: -1, total_heap_size: -1, binaries: -1 };
  s.spawn(function* recorder(ctx) {
    const c = ctx.spawn(function* consumer(cx) {
      for (;;) {
        yield* cx.receive();
        yield* cx.call();
      }
    });
    router = ctx.spawnOpt(
      function* routerLoop(cx) {
        for (;;) {
          const m = (yield* cx.receive()) as Tuple;
          cx.send(c, cx.alloc(new Tuple([DATA, m.elements[1]!])));
          // erlang:hibernate(?MODULE, router, [C]): the argument list [C] (2 words) is what stays live
          if ((cx.processInfo(cx.self, ["message_queue_len"])?.message_queue_len ?? 0) === 0) yield* cx.hibernate([cx.alloc(list([c]))]);
          else yield* cx.call();
        }
      },
      [],
      { minHeapSize: 10000, minBinVheapSize: 4194304 },
    );
    s.traceGc(router);
    const base = ctx.heap.pushFrame().hold(ctx.alloc(binary(new Uint8Array(fixture.binary_bytes).fill(7))));
    for (let i = 0; i < fixture.messages; i++) {
      ctx.send(router, new Tuple([DATA, ctx.binaryCopy(base)]));
      yield* ctx.sleep(1);
    }
    yield* ctx.sleep(1);
    const info = ctx.processInfo(router)!;
    Object.assign(out, { minor_gcs: info.garbage_collection.minor_gcs, memory: info.memory, total_heap_size: info.total_heap_size, binaries: store.processBinaries(router).length });
  });
  s.run({ untilOnlyReceiveTimeouts: true });
  return { ...out, minors: tags.filter((t) => t === "gc_minor_start").length, majors: tags.filter((t) => t === "gc_major_start").length };
}

describe("hibernate_router.json: a router that hibernates when idle", () => {
  const sim = simulate();
  it("one minor collection per message after the first, none before hibernating, no major traced; minor_gcs not reset by hibernation", () => {
    expect(sim.minors).toBe(fixture.gc_minor_start);
    expect(sim.majors).toBe(fixture.gc_major_start);
    expect(sim.minor_gcs).toBe(fixture.minor_gcs);
  });
  it("ends hibernated: the BEAM's heap, memory and no binaries", () => {
    expect(sim.total_heap_size).toBe(fixture.total_heap_size);
    expect(sim.memory).toBe(fixture.memory);
    expect(sim.binaries).toBe(fixture.binaries);
  });
});
