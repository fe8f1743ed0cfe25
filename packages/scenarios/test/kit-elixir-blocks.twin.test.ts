/**
 * The workload kit's Elixir blocks (kit/elixir.ts) and agent-vs-task's process(i) written with
 * them, against tooling/beam-oracle/recorders/kit_elixir_blocks.escript: each workload written
 * the way the recorder's Erlang is compiled (`erlc -S`), every GC event compared with the BEAM's.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, Cons, nil, type Binary, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { binToList, comprehension, duplicate, enumTake, listDuplicate, listFlatten, listToBinary, seq, allocateTest } from "@beamlab/scenarios/kit";
import { processEvent } from "../src/agent-vs-task/process.js";
import { GO, simulateKit, type KitWorkload } from "./support/kit-trace.js";

const fixture = loadFixture("kit_elixir_blocks") as { workloads: KitWorkload[] };
const X = atom("x");

/** `[[I, [I]] || I <- L]`: `allocate 1` keeps I, `test_heap 8` for the element's 3 cells and its own. */
const NESTED = { yRegs: 1, before: (_c: ProcessContext, x: Term) => x, elementWords: 6, build: (k: Term): Term => new Cons(k, new Cons(new Cons(k, nil), nil)) };

/** A loop `W(K, …) -> _ = Block(…), W(K - 1, …)`: `allocate Y`, the block, `call_last`. */
function* loop(ctx: ProcessContext, k: number, frameWords: number, x: Term, block: (ctx: ProcessContext, x: Term) => Generator<Op, Term, unknown>): Generator<Op, void, unknown> {
  for (let i = k; i > 0; i--) {
    allocateTest(ctx.heap, frameWords);
    const frame = ctx.heap.pushFrame(frameWords);
    frame.set(0, x);
    yield* block(ctx, x);
    ctx.heap.popFrame(frame);
    yield* ctx.call(); // call_last
  }
}

/** block/3's clauses that build an input: `allocate Y`, the input, `call_last`. */
function* input(ctx: ProcessContext, frameWords: number, build: (ctx: ProcessContext) => Generator<Op, Term, unknown>): Generator<Op, Term, unknown> {
  allocateTest(ctx.heap, frameWords);
  const f = ctx.heap.pushFrame(frameWords);
  const x = yield* build(ctx);
  ctx.heap.popFrame(f);
  yield* ctx.call(); // call_last
  return x;
}

/** The recorder's run/3 and block/3. */
function* run(ctx: ProcessContext, w: KitWorkload): Generator<Op, void, unknown> {
  ctx.setStack(1); // the return address the JIT pushes when it calls the collector
  allocateTest(ctx.heap, 4); // run/3: allocate 3
  const top = ctx.heap.pushFrame(4);
  yield* ctx.receive((m) => m === GO);
  yield* ctx.call(); // call block/3
  const { k, n } = w;
  switch (w.workload) {
    case "bin_to_list": {
      const b = yield* input(ctx, 2, function* (c) {
        return yield* listToBinary(c, yield* duplicate(c, n, 97));
      });
      yield* loop(ctx, k, 3, b, (c, x) => binToList(c, x as Binary));
      break;
    }
    case "list_duplicate":
      yield* ctx.call(); // call_only ldup/2
      yield* loop(ctx, k, 3, n, (c) => listDuplicate(c, X, n));
      break;
    case "list_flatten": {
      const l = yield* input(ctx, 2, function* (c) {
        return yield* comprehension(c, yield* seq(c, 1, n), NESTED);
      });
      yield* loop(ctx, k, 3, l, (c, x) => listFlatten(c, x));
      break;
    }
    case "enum_take": {
      const l = yield* input(ctx, 3, (c) => seq(c, 1, n));
      yield* loop(ctx, k, 4, l, (c, x) => enumTake(c, x, Math.floor(n / 2)));
      break;
    }
    case "pipeline":
      yield* ctx.call(); // call_only pipeline/3
      for (let i = k; i > 0; i--) {
        allocateTest(ctx.heap, 3); // allocate 2
        const frame = ctx.heap.pushFrame(3);
        yield* ctx.call(); // call process/2
        yield* processEvent(ctx, i, n);
        ctx.heap.popFrame(frame);
        yield* ctx.call(); // call_last pipeline/3
      }
      break;
    default:
      throw new Error(`no twin for ${w.workload}`);
  }
  yield* ctx.receive(); // receive stop: run/3's frame stays until it returns
  ctx.heap.popFrame(top);
}

const byName = (name: string) => fixture.workloads.find((w) => w.workload === name)!;

describe("kit_elixir_blocks.json: Elixir 1.14's functions as kit blocks, GC event for GC event", () => {
  it.each(["list_duplicate", "list_flatten", "enum_take", "pipeline"])("%s: every GC event (all fields) and the final heap are the BEAM's", (name) => {
    const w = byName(name);
    const sim = simulateKit(w, run);
    expect(sim.events).toEqual(w.events);
    expect(sim.final).toEqual({ heap_size: w.final.heap_size, total_heap_size: w.final.total_heap_size });
  });

  it("bin_to_list: every GC event of the loop is the BEAM's; the collection when the process waits for stop reports one stack word more (pinned)", () => {
    // the last start/end pair is the collection of the fragments when the process is scheduled
    // out in run/3's receive: the BEAM reports run/3's frame (4 words) there, the harness 5 —
    // its constant word for the collector's return address, which a collection at a switch-out
    // does not push
    const w = byName("bin_to_list");
    const sim = simulateKit(w, run);
    expect(sim.events.slice(0, -2)).toEqual(w.events.slice(0, -2));
    for (const i of [w.events.length - 2, w.events.length - 1]) {
      expect({ ...sim.events[i], stack_size: 0 }).toEqual({ ...w.events[i], stack_size: 0 });
      expect(sim.events[i]!.stack_size - w.events[i]!.stack_size).toBe(1);
    }
    expect(sim.final).toEqual({ heap_size: w.final.heap_size, total_heap_size: w.final.total_heap_size });
  });
});

describe("kit_elixir_blocks.json: reductions", () => {
  it.each(["list_duplicate", "enum_take"])("%s: the BEAM's reductions within 16", (name) => {
    const w = byName(name);
    expect(Math.abs((simulateKit(w, run).reductions ?? 0) - w.final.reductions)).toBeLessThanOrEqual(16);
  });
});
