/**
 * The kit's list_to_binary against tooling/beam-oracle/recorders/l2b_traps.escript: loops of
 * `_ = list_to_binary(Io)` on iolists of N literal strings (5N + 1 items, 4N bytes: the shape of
 * gen-server-work's work(N)), written with the kit the way the recorder's Erlang compiles
 * (`erlc -S`: run/3 `allocate 3`, `send` of `{done, self()}` at the end; l2b/2 `allocate 2`, `call_ext`, `call_last`). Every GC event
 * (heap, old heap, fragments, stack, binary virtual heap) is the BEAM's, and so are the slices:
 * the model traps and yields where the BEAM's `running` trace shows it scheduled out.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, binary, charlist, list, markLiteral, Tuple, type GcTraceEntry, type Pid, type Term } from "@beamlab/heap";
import { Scheduler, type Op, type ProcessContext } from "@beamlab/scheduler";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { allocateTest } from "../src/kit/allocate.js";
import { iolistShape } from "../src/kit/list-to-binary.js";
import { duplicate, iolistToBinary, listToBinary } from "@beamlab/scenarios/kit";

const ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size", "bin_vheap_size", "bin_vheap_block_size"] as const;
type Gc = { tag: string } & Record<(typeof ITEMS)[number], number>;
interface Workload {
  workload: string;
  n: number;
  k: number;
  final: { reductions: number; heap_size: number; total_heap_size: number; binaries: number };
  events: Gc[];
  /** A second run traced with `running` (its 4-word {M, F, A} per event perturbs the heap). */
  slices: { tag: "in" | "out"; mfa: string }[];
}
const fixture = loadFixture("l2b_traps") as { workloads: Workload[] };
const GO = atom("go");
const DONE = atom("done");
const STRING: Term = markLiteral(charlist("1234"));

/** run/3 and l2b/2 of the recorder (`recorder`: where run/3 sends `{done, self()}`). */
function* run(ctx: ProcessContext, n: number, k: number, recorder: Pid): Generator<Op, void, unknown> {
  ctx.setStack(1); // the return address the JIT pushes when it calls the collector
  allocateTest(ctx.heap, 4); // run/3: allocate 3
  const top = ctx.heap.pushFrame(4);
  yield* ctx.receive((m) => m === GO);
  const io = yield* duplicate(ctx, n, STRING);
  yield* ctx.call(); // call l2b/2
  const x1 = ctx.heap.pushFrame(0); // x1 = Io across the calls (l2b/2's argument)
  x1.set(0, io);
  for (let i = k; i > 0; i--) {
    allocateTest(ctx.heap, 3); // allocate 2
    const frame = ctx.heap.pushFrame(3);
    frame.set(0, io);
    yield* listToBinary(ctx, io);
    ctx.heap.popFrame(frame);
    yield* ctx.call(); // call_last l2b/2
  }
  ctx.heap.popFrame(x1);
  const done = ctx.heap.alloc(new Tuple([DONE, ctx.self]), { need: 3 }); // test_heap 3, put_tuple2
  yield* ctx.call(0); // send: preempted first when the slice is used up
  ctx.send(recorder, done);
  ctx.heap.popFrame(top);
  yield* ctx.receive();
}

function simulate(w: Workload) {
  const events: Gc[] = [];
  const s = new Scheduler({
    refc: new RefcStore(),
    onGcTrace: (_pid, e: GcTraceEntry) => {
      const i = e.info as unknown as Record<string, number>;
      events.push({ tag: e.tag, ...Object.fromEntries(ITEMS.map((key) => [key, i[key] as number])) } as Gc);
    },
  });
  let preempted = 0;
  const recorder = s.spawn(function* recorder(ctx) {
    yield* ctx.receive();
  });
  const p = s.spawn(function* runner(ctx) {
    // every yield of the body that is not a receive is a preemption (a trap, a yield, a call)
    const gen = run(ctx, w.n, w.k, recorder);
    let r = gen.next();
    while (r.done !== true) {
      if ((r.value as { op?: string }).op === "yield") preempted++;
      r = gen.next(yield r.value);
    }
  }, [w.n, w.k, recorder]);
  s.traceGc(p);
  s.spawn(function* driver(ctx) {
    ctx.send(p, GO);
    yield* ctx.sleep(1);
  });
  s.run({ untilOnlyReceiveTimeouts: true });
  const proc = s.lookup(p)!;
  const info = s.heapOf(proc).processInfo();
  return { events, final: { reductions: proc.reductions, heap_size: info.heap_size, total_heap_size: info.total_heap_size, binaries: s.heapOf(proc).binaries().length }, preempted };
}

describe("l2b_traps.json: list_to_binary's passes, traps and GC events", () => {
  it("counts an iolist of N strings as iolist_size does: 5N + 1 items, 4N bytes", () => {
    expect(iolistShape(list(Array.from({ length: 3 }, () => STRING)))).toEqual({ items: 16, bytes: 12 });
    expect(iolistShape(charlist("abc"))).toEqual({ items: 3, bytes: 3 });
    expect(iolistShape(list([STRING, binary("xy")]))).toEqual({ items: 6, bytes: 6 });
  });

  it("answers [Bin] and iolist_to_binary(Bin) with Bin itself, building nothing (binary.c's shortcuts)", () => {
    const s = new Scheduler();
    const big = binary("x".repeat(100));
    const got: unknown[] = [];
    s.spawn(function* shortcuts(ctx) {
      const before = ctx.heap.freeWords;
      const a = ctx.heap.alloc(list([big]));
      got.push(yield* listToBinary(ctx, a), yield* iolistToBinary(ctx, big), before - ctx.heap.freeWords);
      got.push((yield* listToBinary(ctx, list([big, big]))).bitSize / 8);
    });
    s.run();
    expect(got[0]).toBe(big);
    expect(got[1]).toBe(big);
    expect(got[2]).toBe(8); // [Bin]: its cell and the ProcBin, nothing more
    expect(got[3]).toBe(200);
  });

  it.each(fixture.workloads.map((w) => [w.workload, w] as const))("%s: every GC event (all fields), the final heap and the ProcBins left are the BEAM's", (_name, w) => {
    const sim = simulate(w);
    expect(sim.events).toEqual(w.events);
    const { heap_size, total_heap_size, binaries } = w.final;
    expect({ heap_size: sim.final.heap_size, total_heap_size: sim.final.total_heap_size, binaries: sim.final.binaries }).toEqual({ heap_size, total_heap_size, binaries });
  });

  it.each(fixture.workloads.map((w) => [w.workload, w] as const))("%s: the preemptions (traps, yields, calls) are the BEAM's; the reductions within 0.5 percent (pinned)", (_name, w) => {
    const sim = simulate(w);
    const outs = w.slices.filter((e) => e.tag === "out" && !e.mfa.endsWith(":run/3")).length;
    expect(sim.preempted).toBe(outs);
    // the pinned gap: l2b_500 7 and l2b_2000 12 reductions short of the BEAM's (of 116k, 148k),
    // l2b_5000 214 over (of 249k). Not list_to_binary's: one call measured in a fresh process
    // after 0…3,905 reductions of other work (the fast path, the 1,000 allowance, the
    // yield-first, 1 to 3 traps) costs the BEAM and the model the same, and lists:duplicate(5000,
    // "1234") alone costs the model 7,335 reductions, the BEAM 7,099 (its collections' cost; at
    // 500 and 2,000 elements the two agree within 3). (The recorder once polled the busy process
    // with process_info: each request is a signal the process handles with its own reductions;
    // l2b_500 was 551 short then.)
    expect(Math.abs(sim.final.reductions / w.final.reductions - 1)).toBeLessThan(0.005);
    expect(sim.final.reductions).not.toBe(w.final.reductions);
  });
});
