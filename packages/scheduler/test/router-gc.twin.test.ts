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

function simulate(consumerCalls = true) {
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
        if (consumerCalls) yield* cx.call();
      }
    });
    // spawn(?MODULE, router, [C]): the argument list is copied onto the router's heap
    const r = ctx.spawn(function* router(cx) {
      for (;;) {
        const m = (yield* cx.receive()) as Tuple;
        cx.send(c, m); // the compiler reuses the received {data, B} (erlc -S: no put_tuple)
        yield* cx.call();
      }
    }, [c]);
    rc = [r, c];
    s.traceGc(c);
    s.traceGc(r);
    yield* ctx.sleep(1);
    const base = ctx.heap.pushFrame().hold(ctx.binaryCopy(binary(new Uint8Array([7])), fixture.binary_bytes));
    const point = (p: Pid): ProcPoint => {
      const i = ctx.processInfo(p)!;
      return { memory: i.memory, total_heap_size: i.total_heap_size, minor_gcs: i.garbage_collection.minor_gcs, binaries: store.processBinaries(p).map((b) => b.size) };
    };
    let sent = 0;
    for (const cp of fixture.checkpoints) {
      for (; sent < cp.messages; sent++) {
        const b = ctx.binaryCopy(base);
        yield* ctx.call(0); // the send BIF's reduction check: preempted before sending when the copy used the slice up
        ctx.send(r, new Tuple([DATA, b]));
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

describe("router_gc.json: a router of 100 KB binaries and its consumer", () => {
  const sim = simulate();

  it("every GC event of the router equals the BEAM's (start and end, heap, old heap, both binary virtual heaps, mbuf)", () => {
    expect(sim.router.length).toBe(fixture.router_events.length);
    expect(sim.router).toEqual(fixture.router_events);
  });

  it("every GC event of the consumer equals the BEAM's", () => {
    expect(sim.consumer.length).toBe(fixture.consumer_events.length);
    expect(sim.consumer).toEqual(fixture.consumer_events);
  });

  it("at every checkpoint both hold the BEAM's ProcBins, memory, total heap size and minor GC count", () => {
    expect(sim.points).toEqual(fixture.checkpoints.map(({ router, consumer }) => ({ router, consumer })));
  });

  it("a consumer written as a bare receive loop (no ctx.call()) is charged its loop's call and lands on the same events", () => {
    const bare = simulate(false);
    expect(bare.consumer).toEqual(fixture.consumer_events);
    expect(bare.points).toEqual(sim.points);
  });

  it("the rules this rests on: collections at schedule-in (vheap over its block) keep the queued messages' binaries live", () => {
    // the router's steady state: 8 binaries at the start (4 received and dead, 4 queued), the
    // 4 queued ones live after it — copied onto the heap inside the collection
    const start = sim.router[4]!;
    const end = sim.router[5]!;
    expect([start.tag, start.bin_vheap_size, end.tag, end.bin_vheap_size]).toEqual(["gc_minor_start", 100000, "gc_minor_end", 50000]);
  });
});
