/**
 * nodeSource: the scheduler as a telemetry NodeSource. Snapshots carry erlang:memory(),
 * system_info, statistics, process_info and the beamlab fields from the real PCBs and heaps;
 * binary holder rows tell ProcBins from sub-binaries by tracing; sampling does not perturb the
 * run; send and slice events are emitted only to attached handlers.
 */
import { describe, expect, it } from "vitest";
import { atom, binaryPart, makeBinary, printTerm, Tuple, type Pid } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { EVENTS, TelemetryBus, byPid, compactSnapshot, schedulerUsage } from "@beamlab/telemetry";
import { nodeSource, OTP25_BOOTED_NODE, ROLE_KEY, Scheduler, type ProcessContext } from "../src/index.js";

function* idle(ctx: ProcessContext) {
  ctx.put(ROLE_KEY, atom("worker"));
  yield* ctx.receive();
}

function* sup(ctx: ProcessContext, n: unknown) {
  ctx.put(ROLE_KEY, atom("supervisor"));
  ctx.trapExit(true);
  for (let i = 0; i < (n as number); i++) ctx.spawnLink(idle);
  ctx.spawn(idle); // not linked: not a child
  yield* ctx.receive();
}

describe("nodeSource", () => {
  it("fills memory, system_info, statistics and per-process items from the scheduler", () => {
    const s = new Scheduler({ refc: new RefcStore() });
    const supPid = s.spawn(sup, [3]);
    s.run();
    const snap = nodeSource(s).snapshot();
    expect(snap.time).toBe(0);
    expect(snap.system_info.process_count).toBe(5);
    expect(snap.system_info.process_limit).toBe(262144);
    // whole-node memory includes the booted node (on by default); without it, Σ process memory
    const own = snap.processes.reduce((a, p) => a + p.memory, 0);
    expect(snap.memory.processes).toBe(own + OTP25_BOOTED_NODE.memory.processes);
    expect(nodeSource(s, { memory: { bootedNode: false } }).snapshot().memory.processes).toBe(own);
    expect(snap.statistics?.run_queue).toBe(0);
    expect(snap.statistics?.reductions).toBe(snap.processes.reduce((a, p) => a + p.reductions, 0));
    const procs = byPid(snap);
    const sp = procs.get("<0.1.0>");
    expect(sp?.pid).toBe(printTerm(supPid));
    expect(sp?.role).toBe("supervisor");
    expect(sp?.children).toEqual(["<0.2.0>", "<0.3.0>", "<0.4.0>"]);
    expect(procs.get("<0.5.0>")?.parent).toBe("<0.1.0>");
    expect(procs.get("<0.5.0>")?.children).toBeUndefined();
    expect(procs.get("<0.2.0>")?.role).toBe("worker");
    expect(sp?.liveness?.heap_garbage_words).toBeGreaterThanOrEqual(0);
  });

  it("a role given from outside (tagRole) is reported without touching the process; its own put wins", () => {
    const s = new Scheduler();
    const plain = s.spawn(function* (ctx: ProcessContext) {
      ctx.trapExit(true);
      for (let i = 0; i < 2; i++) ctx.spawnLink(idle);
      yield* ctx.receive();
    });
    const tagged = s.spawn(idle);
    s.run();
    const before = nodeSource(s).snapshot().processes.find((p) => p.pid === printTerm(plain))!;
    expect(before.role).toBeUndefined();
    expect(s.tagRole(plain, "supervisor")).toBe(true);
    expect(s.tagRole(tagged, "other")).toBe(true);
    const after = byPid(nodeSource(s).snapshot());
    const p = after.get(printTerm(plain))!;
    expect(p.role).toBe("supervisor");
    expect(p.children).toEqual(["<0.3.0>", "<0.4.0>"]); // a supervisor role reports its children
    const items = (x: typeof p) => [x.memory, x.heap_size, x.total_heap_size, x.stack_size, x.reductions, x.message_queue_len];
    expect(items(p)).toEqual(items(before)); // nothing allocated, nothing run
    expect(after.get(printTerm(tagged))?.role).toBe("worker"); // its dictionary names its role
    s.exit(tagged, atom("kill"));
    s.run();
    expect(s.tagRole(tagged, "x")).toBe(false);
  });

  it("counts messages in and out, GCs and words reclaimed", () => {
    const s = new Scheduler();
    s.spawn(function* consumer(ctx: ProcessContext) {
      ctx.register("c");
      for (let i = 0; i < 100; i++) {
        yield* ctx.receive();
        ctx.heap.allocGarbage(200);
      }
      yield* ctx.receive(() => false); // parks with the rest queued
    });
    s.run();
    for (let i = 0; i < 150; i++) s.send("c", new Tuple([atom("m"), i]));
    s.run();
    const snap = nodeSource(s).snapshot();
    const c = snap.processes[0];
    expect(c?.messages_in).toBe(150);
    expect(c?.messages_out).toBe(100);
    expect(c?.message_queue_len).toBe(50);
    const gcs = (c?.gc_count?.minor ?? 0) + (c?.gc_count?.major ?? 0);
    expect(gcs).toBeGreaterThan(0);
    expect(snap.statistics?.garbage_collection?.number_of_gcs).toBe(gcs);
    expect(snap.statistics?.garbage_collection?.words_reclaimed).toBeGreaterThan(0);
  });

  it("reports sub-binary holders only when the part is all the process reaches", () => {
    const store = new RefcStore();
    const s = new Scheduler({ refc: store });
    s.spawn(function* cache(ctx: ProcessContext) {
      const f = ctx.heap.pushFrame();
      f.hold(makeBinary(ctx.heap, 65536));
      const payload = f.hold(makeBinary(ctx.heap, 65536));
      f.hold(binaryPart(ctx.heap, payload, 0, 100));
      f.release(payload);
      yield* ctx.receive();
    });
    s.run();
    const snap = nodeSource(s).snapshot();
    expect(snap.binaries).toEqual([
      { binaryId: 1, size: 65536, holders: [{ pid: "<0.1.0>", via: "procbin" }] },
      { binaryId: 2, size: 65536, holders: [{ pid: "<0.1.0>", via: "sub_binary", subSize: 100 }] },
    ]);
    expect(snap.processes[0]?.binary).toEqual([
      { id: 1, size: 65536, refc: 1 },
      { id: 2, size: 65536, refc: 1 },
    ]);
  });

  it("compactSnapshot is telemetry's compactSnapshot of snapshot, built without the lists", () => {
    const store = new RefcStore();
    const s = new Scheduler({ refc: store });
    const cache = s.spawn(function* cache(ctx: ProcessContext) {
      const f = ctx.heap.pushFrame();
      f.hold(makeBinary(ctx.heap, 65536));
      for (let i = 0; i < 3; i++) {
        const payload = f.hold(makeBinary(ctx.heap, 1000 * (i + 1)));
        f.hold(binaryPart(ctx.heap, payload, 0, 100));
        if (i !== 1) f.release(payload); // the second payload stays reachable whole
      }
      yield* ctx.receive(); // the holder's binary
      yield* ctx.receive();
    });
    s.spawn(function* holder(ctx: ProcessContext) {
      ctx.heap.pushFrame().hold(makeBinary(ctx.heap, 4096));
      ctx.send(cache, makeBinary(ctx.heap, 2048));
      yield* ctx.receive();
    });
    s.spawn(idle);
    s.run();
    const source = nodeSource(s);
    const full = source.snapshot();
    const compact = source.compactSnapshot();
    expect(compact).toEqual(compactSnapshot(full));
    expect(compact.binaries?.map((r) => r.size)).toEqual([1000, 3000]);
    expect(compact.processes.map((p) => p.binary_summary?.count)).toEqual(full.processes.map((p) => p.binary?.length));
    expect(compact.processes[1]?.binary_summary).toEqual({ count: 2, bytes: 4096 + 2048 }); // its ProcBin of the sent binary too, until it collects
  });

  it("collectAll collects every process; snapshots do not perturb the run", () => {
    const run = (sample: boolean): string[] => {
      const s = new Scheduler({ trace: true, refc: new RefcStore() });
      const src = nodeSource(s);
      s.spawn(function* worker(ctx: ProcessContext) {
        const f = ctx.heap.pushFrame();
        for (let i = 0; i < 50; i++) {
          f.set(0, makeBinary(ctx.heap, 1000 + i));
          ctx.heap.allocGarbage(300);
          yield* ctx.sleep(10);
        }
      });
      for (let t = 0; t <= 600; t += 25) {
        s.run({ until: t });
        if (sample) src.snapshot();
      }
      return [...s.trace()];
    };
    expect(run(true)).toEqual(run(false));
    const s = new Scheduler();
    s.spawn(function* w(ctx: ProcessContext) {
      ctx.heap.allocGarbage(100);
      yield* ctx.receive();
    });
    s.run();
    nodeSource(s).collectAll();
    expect(nodeSource(s).snapshot().processes[0]?.gc_count).toEqual({ minor: 0, major: 1 });
  });

  it("emits send and slice events to attached handlers", () => {
    const bus = new TelemetryBus();
    const seen: string[] = [];
    bus.attach("send", EVENTS.message.send, (_e, m, md) => seen.push(`send ${String(md.from)}->${String(md.to)} ${String(m.words)}`));
    bus.attach("slice", EVENTS.scheduler.slice, (_e, m, md) => seen.push(`slice ${String(md.pid)} ${String(m.reductions)}`));
    const s = new Scheduler({ telemetry: bus });
    const b = s.spawn(function* b(ctx: ProcessContext) {
      yield* ctx.receive();
    });
    s.spawn(function* a(ctx: ProcessContext, to: unknown) {
      ctx.send(to as Pid, new Tuple([atom("hi"), 1]));
      yield* ctx.call();
    }, [b]);
    s.run();
    expect(seen).toEqual(["slice <0.1.0> 0", "send <0.2.0>-><0.1.0> 3", "slice <0.2.0> 2", "slice <0.1.0> 0"]);
  });
});

describe("scheduler utilisation", () => {
  it("reports scheduler_wall_time only when asked, and recon-like schedulerUsage reads it", () => {
    const s = new Scheduler();
    s.spawn(function* (ctx: ProcessContext) {
      for (let i = 0; i < 20_000; i++) yield* ctx.call();
    });
    expect(nodeSource(s).snapshot().statistics?.scheduler_wall_time).toBeUndefined();
    const src = nodeSource(s, { wallTime: true });
    const before = src.snapshot().statistics?.scheduler_wall_time?.[0];
    // recon:scheduler_usage(Ms) over an interval in which the scheduler runs the busy process
    const usage = schedulerUsage(src, 0, () => { s.run(); });
    const after = src.snapshot().statistics?.scheduler_wall_time?.[0];
    expect(before).toBeDefined();
    expect(after!.active_time).toBeGreaterThan(before!.active_time);
    expect(after!.active_time).toBeLessThanOrEqual(after!.total_time);
    expect(usage).toHaveLength(1);
    expect(usage![0]!.usage).toBeGreaterThan(0);
    expect(usage![0]!.usage).toBeLessThanOrEqual(1);
  });
});
