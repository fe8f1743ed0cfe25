/**
 * Twin of tooling/beam-oracle/recorders/dynsup_memory.escript: Elixir's DynamicSupervisor with
 * 100 and 1,000 Agents (`{Agent, fn -> i end}`), started one after another; the supervisor's own
 * memory after every 10th child and at the end, compared with the real BEAM.
 */
import { atom, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { loadFixture } from "@beamlab/beam-oracle";
import { describe, expect, it } from "vitest";
import { Agent, A, DynamicSupervisor, fun } from "../src/index.js";
import { runMain } from "./helpers.js";
import { Tuple, type Pid } from "@beamlab/heap";

interface Run {
  readonly children: number;
  readonly empty_memory: number;
  readonly child_memory: number;
  readonly supervisor: Record<string, number>;
  readonly curve: readonly number[];
}
const fixture = loadFixture("dynsup_memory") as { runs: Run[] };

/** `Agent.start_link(fun)` as the child's start MFA: {'Elixir.Agent', start_link, [Fun]}. */
const agentStartLink = (ctx: ProcessContext, f: Term) => Agent.startLink(ctx, f);

function simulate(n: number) {
  const out: { curve: number[]; supervisor: Record<string, number>; empty: number; child: number } = { curve: [], supervisor: {}, empty: 0, child: 0 };
  runMain(function* (ctx) {
    const sup = ((yield* DynamicSupervisor.startLink(ctx, {})) as Tuple).elements[1] as Pid;
    yield* ctx.sleep(1);
    out.empty = ctx.processInfo(sup, ["memory"])?.memory ?? 0;
    let first: Pid | undefined;
    for (let i = 1; i <= n; i++) {
      const k = i;
      const r = (yield* DynamicSupervisor.startChild(ctx, sup, { id: atom("Elixir.Agent"), start: { fn: agentStartLink, module: "Elixir.Agent", args: [fun(() => k)] } })) as Tuple;
      first ??= r.elements[1] as Pid;
      if (i % 10 === 0) {
        yield* ctx.sleep(1);
        out.curve.push(ctx.processInfo(sup, ["memory"])?.memory ?? 0);
      }
    }
    yield* ctx.sleep(1);
    const info = ctx.processInfo(sup)!;
    const g = info.garbage_collection_info;
    out.supervisor = { memory: info.memory, heap_size: g.heap_size, total_heap_size: info.total_heap_size, heap_block_size: g.heap_block_size, old_heap_block_size: g.old_heap_block_size, old_heap_size: g.old_heap_size, minor_gcs: info.garbage_collection.minor_gcs };
    out.child = ctx.processInfo(first, ["memory"])?.memory ?? 0;
    ctx.exitSignal(sup, A.shutdown);
  });
  return out;
}

const within = (a: number, b: number, tol = 0.1): boolean => Math.abs(a - b) / b <= tol;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("dynsup_memory.json: DynamicSupervisor with many Agents", () => {
  const [r100, r1000] = fixture.runs as [Run, Run];
  const m100 = simulate(r100.children);
  const m1000 = simulate(r1000.children);

  it("every Agent child is the BEAM's size; the supervisor starts at the BEAM's size", () => {
    expect(m100.child).toBe(r100.child_memory);
    expect(m100.empty).toBe(r100.empty_memory);
    expect(m1000.empty).toBe(r1000.empty_memory);
  });

  it("GAP (pinned): after the first 10 start_child calls the supervisor is one heap size below the BEAM's", () => {
    // DynamicSupervisor.start_child is GenServer.call(Sup, Req, :infinity): OTP 25's local
    // infinity clause (gen.ts: a plain monitor, a 6-word From instead of the alias call's 9).
    // With the 9-word From this checkpoint had been equal; a gc trace of the first 10 calls on
    // both nodes (the BEAM collects at 26/21/40/28 stack words, the model at 11: the
    // supervisor's call path is not modelled) shows that equality was a coincidence: the BEAM
    // grows to 376 words at its first collection, the model at its sixth.
    // Measured: model 7,320 B (young 376) vs BEAM 11,064 B (young 610).
    expect(m100.curve[0]).toBe(7320);
    expect(r100.curve[0]).toBe(11064);
  });

  it("GAP (pinned): the supervisor's sawtooth over 100 and 1,000 children is not within 10% of the BEAM's", () => {
    // Measured: 100 children: model 46,280 B (6 minors) vs BEAM 71,864 B (3 minors); mean of the
    // curve 32,926 vs 46,810. 1,000 children: model 554,128 B (young heap 17,731 words, 4 minors)
    // vs BEAM 324,600 B (young heap 6,772 words, 27 minors); mean 292,102 vs 231,852.
    // Likely cause: the model keeps a HAMT map in one object, so a collection that finds the
    // newest children map young copies all of it (the BEAM copies only the path nodes maps:put
    // built); the young heap then grows where the BEAM's stays small and collects often.
    expect(within(m100.supervisor.memory!, r100.supervisor.memory!)).toBe(false);
    expect(within(m1000.supervisor.memory!, r1000.supervisor.memory!)).toBe(false);
    expect(within(mean(m1000.curve), mean(r1000.curve))).toBe(false);
  });
});
