/**
 * Twin of tooling/beam-oracle/recorders/router_gc.escript: a router forwarding 100 KB refc
 * binaries to a consumer that drops them, 4 rounds of 500 messages; every GC event of both and
 * their ProcBins at the checkpoints, compared with the real BEAM.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, binary, Tuple, type GcTraceEntry, type Pid } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

interface ProcPoint {
  memory: number;
  total_heap_size: number;
  minor_gcs: number;
  binaries: number[];
}
interface Ev {
  tag: string;
  heap_size: number;
  heap_block_size: number;
  old_heap_block_size: number;
  bin_vheap_size: number;
  bin_vheap_block_size: number;
  bin_old_vheap_size: number;
  bin_old_vheap_block_size: number;
  mbuf_size: number;
}
const fixture = loadFixture("router_gc") as {
  binary_bytes: number;
  checkpoints: { messages: number; router: ProcPoint; consumer: ProcPoint }[];
  router_events: Ev[];
  consumer_events: Ev[];
};

const DATA = atom("data");

function simulate() {
  const store = new RefcStore();
  const events = new Map<string, Ev[]>();
  const s = new Scheduler({
    refc: store,
    onGcTrace: (pid, e: GcTraceEntry) => {
      const k = `${pid.id}`;
      const i = e.info;
      if (!events.has(k)) events.set(k, []);
      events.get(k)?.push({ tag: e.tag, heap_size: i.heap_size, heap_block_size: i.heap_block_size, old_heap_block_size: i.old_heap_block_size, bin_vheap_size: i.bin_vheap_size, bin_vheap_block_size: i.bin_vheap_block_size, bin_old_vheap_size: i.bin_old_vheap_size, bin_old_vheap_block_size: i.bin_old_vheap_block_size, mbuf_size: i.mbuf_size });
    },
  });
  const points: { router: ProcPoint; consumer: ProcPoint }[] = [];
  let rc: [Pid, Pid] | undefined;
  s.spawn(function* producer(ctx: ProcessContext) {
    const c = ctx.spawn(function* consumer(cx) {
      for (;;) {
        yield* cx.receive();
        yield* cx.call();
      }
    });
    const r = ctx.spawn(function* router(cx) {
      for (;;) {
        const m = (yield* cx.receive()) as Tuple;
        cx.send(c, cx.alloc(new Tuple([DATA, m.elements[1]!])));
        yield* cx.call();
      }
    });
    rc = [r, c];
    s.traceGc(c);
    s.traceGc(r);
    yield* ctx.sleep(1);
    const base = ctx.heap.pushFrame().hold(ctx.alloc(binary(new Uint8Array(fixture.binary_bytes).fill(7))));
    const point = (p: Pid): ProcPoint => {
      const i = ctx.processInfo(p)!;
      return { memory: i.memory, total_heap_size: i.total_heap_size, minor_gcs: i.garbage_collection.minor_gcs, binaries: store.processBinaries(p).map((b) => b.size) };
    };
    let sent = 0;
    for (const cp of fixture.checkpoints) {
      for (; sent < cp.messages; sent++) {
        ctx.send(r, new Tuple([DATA, ctx.binaryCopy(base)]));
        yield* ctx.call();
      }
      yield* ctx.sleep(1);
      points.push({ router: point(r), consumer: point(c) });
    }
  });
  s.run({ untilOnlyReceiveTimeouts: true });
  const [r, c] = rc!;
  return { points, router: events.get(`${r.id}`) ?? [], consumer: events.get(`${c.id}`) ?? [] };
}

const minors = (evs: readonly Ev[]): number => evs.filter((e) => e.tag === "gc_minor_start").length;
const tags = (evs: readonly Ev[], n: number): string[] => evs.slice(0, n).map((e) => e.tag);

describe("router_gc.json: a router of 100 KB binaries and its consumer", () => {
  const sim = simulate();
  const beamEnd = fixture.checkpoints[fixture.checkpoints.length - 1]!;
  const simEnd = sim.points[sim.points.length - 1]!;

  it("both start as the BEAM does: a minor that escalates to a major", () => {
    expect(tags(sim.router, 4)).toEqual(tags(fixture.router_events, 4));
    expect(tags(sim.consumer, 4)).toEqual(tags(fixture.consumer_events, 4));
  });

  it("the router's first major keeps the forwarded binary live (send's GC-after-BIF check): its binary virtual heap block grows to the BEAM's 75,110 words", () => {
    expect(sim.router[3]?.bin_vheap_block_size).toBe(fixture.router_events[3]?.bin_vheap_block_size);
    expect(sim.router[3]?.bin_vheap_size).toBe(fixture.router_events[3]?.bin_vheap_size);
  });

  it("GAP (pinned): where the BEAM collects with queued messages' binaries live, the model does not, and collects less often", () => {
    // Measured, 2,000 messages of 100 KB:
    //  - BEAM: router and consumer 498 minors each (one per 4 messages); each collection runs
    //    with the 4 messages still queued, whose fragments the GC copies onto the heap, so
    //    their ProcBins are live young data (consumer's first major ends with bin_vheap_size
    //    50,000 words and a 75,110-word block); none is promoted; 5 ProcBins each at the end.
    //  - model: the queued messages are moved onto the heap after the collection (afterGc),
    //    so the consumer's first major ends with bin_vheap_size 0 and the block stays 46,422;
    //    the first collection comes at 4 received binaries, not 6 (the BEAM's vheap-desired GC
    //    runs 5 reductions after the receive); router 165 minors, consumer 208; 12 ProcBins in
    //    the router and 1 in the consumer at the end.
    expect(fixture.consumer_events[3]?.bin_vheap_size).toBe(50000);
    expect(sim.consumer[3]?.bin_vheap_size).toBe(0);
    expect(minors(sim.router)).toBeLessThan(minors(fixture.router_events) / 2);
    expect(minors(sim.consumer)).toBeLessThan(minors(fixture.consumer_events));
    expect(simEnd.router.binaries.length).not.toBe(beamEnd.router.binaries.length);
  });
});
