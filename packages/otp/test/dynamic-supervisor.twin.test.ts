/**
 * Twins of tooling/beam-oracle/recorders/dynsup_memory.escript and dynsup_gc.escript: Elixir's
 * DynamicSupervisor with 100 and 1,000 Agents (`{Agent, fn -> i end}`, a fun with one free
 * variable), started one after another; the supervisor's own memory after every 10th child and
 * at the end, and every collection of the supervisor (gc trace), compared with the real BEAM.
 * What made them land (otp frames.ts, dynamic-supervisor.ts, gen-server.ts' compiled call path,
 * elixir-start.ts; scheduler's deferred collection of a waiting process): the start_child path
 * instruction by instruction as compiled, the model's stack one word above the BEAM's while
 * code runs (the JIT's collection call), the struct's keys tuple shared by its versions.
 */
import { atom, type GcTraceEntry, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import type { ProcessContext } from "@beamlab/scheduler";
import { loadFixture } from "@beamlab/beam-oracle";
import { describe, expect, it } from "vitest";
import { Agent, A, DynamicSupervisor, fun } from "../src/index.js";
import { runMain } from "./helpers.js";
import { Tuple, type Pid } from "@beamlab/heap";

interface Run {
  readonly children: number;
  /** The supervisor's pid number on the recording node; its children follow it. */
  readonly sup_pid: number;
  readonly first_child_pid: number;
  readonly empty_memory: number;
  readonly child_memory: number;
  readonly supervisor: Record<string, number>;
  readonly curve: readonly number[];
}
const fixture = loadFixture("dynsup_memory") as { runs: Run[] };
const ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size"] as const;
type Ev = { tag: string; child: number } & Record<(typeof ITEMS)[number], number>;
const gcFixture = loadFixture("dynsup_gc") as { children: number; sup_pid: number; events: Ev[] };

/** `Agent.start_link(fun)` as the child's start MFA: {'Elixir.Agent', start_link, [Fun]}. */
const agentStartLink = (ctx: ProcessContext, f: Term) => Agent.startLink(ctx, f);

/** `#{id => Agent, start => {Agent, start_link, [fun() -> I end]}}` (the fun closes over I). */
const agentSpec = (k: number) => ({ id: atom("Elixir.Agent"), start: { fn: agentStartLink, module: "Elixir.Agent", args: [fun(() => k, [k])] } });

/** dynsup_gc.escript's run: the supervisor gc-traced from after its start, each event tagged
 * with the start_child call it happened in. */
function simulateGc(n: number, supPid: number): Ev[] {
  const events: Ev[] = [];
  let child = 1;
  const s = new Scheduler({
    seed: 1,
    firstPid: supPid - 1,
    onGcTrace: (_pid, e: GcTraceEntry) => {
      const i = e.info as unknown as Record<string, number>;
      events.push({ tag: e.tag, child, ...Object.fromEntries(ITEMS.map((k) => [k, i[k] as number])) } as Ev);
    },
  });
  s.spawn(function* recorder(ctx) {
    const sup = ((yield* DynamicSupervisor.startLink(ctx, {})) as Tuple).elements[1] as Pid;
    yield* ctx.sleep(1);
    s.traceGc(sup);
    for (let i = 1; i <= n; i++) {
      yield* DynamicSupervisor.startChild(ctx, sup, agentSpec(i));
      child = i + 1;
    }
    yield* ctx.sleep(1);
    s.traceGc(sup, false);
    ctx.exitSignal(sup, A.shutdown);
  });
  s.run();
  return events;
}

/** The recorder's wait_idle/2: process_info(Sup, [status, message_queue_len]) — a request that
 * leaves the waiting supervisor as it is (a collection it deferred ran when the start_child
 * call's demonitor reached it: pi_collect.json), before the recorder's own reads. */
function* waitIdle(ctx: ProcessContext, sup: Pid): Generator<unknown, void, unknown> {
  yield* ctx.sleep(1);
  ctx.processInfo(sup, ["status", "message_queue_len"]);
}

function simulate(n: number, supPid: number) {
  const out: { curve: number[]; supervisor: Record<string, number>; empty: number; child: number } = { curve: [], supervisor: {}, empty: 0, child: 0 };
  runMain(function* (ctx) {
    const sup = ((yield* DynamicSupervisor.startLink(ctx, {})) as Tuple).elements[1] as Pid;
    yield* ctx.sleep(1);
    out.empty = ctx.processInfo(sup, ["memory"])?.memory ?? 0;
    let first: Pid | undefined;
    for (let i = 1; i <= n; i++) {
      const k = i;
      const r = (yield* DynamicSupervisor.startChild(ctx, sup, agentSpec(k))) as Tuple;
      first ??= r.elements[1] as Pid;
      if (i % 10 === 0) {
        yield* waitIdle(ctx, sup);
        out.curve.push(ctx.processInfo(sup, ["memory"])?.memory ?? 0);
      }
    }
    yield* waitIdle(ctx, sup);
    const info = ctx.processInfo(sup)!;
    const g = info.garbage_collection_info;
    out.supervisor = { memory: info.memory, heap_size: g.heap_size, total_heap_size: info.total_heap_size, heap_block_size: g.heap_block_size, old_heap_block_size: g.old_heap_block_size, old_heap_size: g.old_heap_size, minor_gcs: info.garbage_collection.minor_gcs };
    out.child = ctx.processInfo(first, ["memory"])?.memory ?? 0;
    ctx.exitSignal(sup, A.shutdown);
  }, { firstPid: supPid - 1 }); // main, then the supervisor and its children: the BEAM's pid numbers
  return out;
}


describe("dynsup_memory.json: DynamicSupervisor with many Agents", () => {
  const [r100, r1000] = fixture.runs as [Run, Run];
  const m100 = simulate(r100.children, r100.sup_pid);
  const m1000 = simulate(r1000.children, r1000.sup_pid);

  it("every Agent child is the BEAM's size; the supervisor starts at the BEAM's size", () => {
    expect(m100.child).toBe(r100.child_memory);
    expect(m100.empty).toBe(r100.empty_memory);
    expect(m1000.empty).toBe(r1000.empty_memory);
  });

  it("100 children: after the first 10 start_child calls the supervisor is the BEAM's size exactly", () => {
    // DynamicSupervisor.start_child is GenServer.call(Sup, Req, :infinity): OTP 25's local
    // infinity clause (gen.ts: a plain monitor, a 6-word From), with the start path's frames on
    // the stack and `#{}` a literal (it had been claimed by the first simulation's heap)
    expect(m100.curve[0]).toBe(r100.curve[0]);
  });

  it("100 children: the supervisor ends at the BEAM's memory, heaps and minor collections exactly, its memory after every 10th child too", () => {
    expect(m100.supervisor.memory).toBe(r100.supervisor.memory);
    expect(m100.supervisor.total_heap_size).toBe(r100.supervisor.total_heap_size);
    expect(m100.supervisor.minor_gcs).toBe(r100.supervisor.minor_gcs);
    expect(m100.curve).toEqual(r100.curve);
  });

  it("1,000 children at the recording node's pid numbers: the BEAM's memory after every 10th child and at the end, its heaps and minor collections", () => {
    // the children map is a HAMT keyed by pids (laid out by their hashes): the same figures at
    // another pid base differ a lot (the model at base 83: 324,600 B), so the base is the BEAM's
    expect(m1000.curve).toEqual(r1000.curve);
    expect(m1000.supervisor.memory).toBe(r1000.supervisor.memory);
    expect(m1000.supervisor.heap_block_size).toBe(r1000.supervisor.heap_block_size);
    expect(m1000.supervisor.old_heap_block_size).toBe(r1000.supervisor.old_heap_block_size);
    expect(m1000.supervisor.old_heap_size).toBe(r1000.supervisor.old_heap_size);
    expect(m1000.supervisor.minor_gcs).toBe(r1000.supervisor.minor_gcs);
  });
});

describe("dynsup_gc.json: every collection of the DynamicSupervisor over 100 start_child calls", () => {
  it("each gc event (tag, the call it happens in, heap, block, old heap, fragments, stack, recent) is the BEAM's", () => {
    const sim = simulateGc(gcFixture.children, gcFixture.sup_pid);
    expect(sim.length).toBe(gcFixture.events.length);
    expect(sim).toEqual(gcFixture.events);
  });
});
