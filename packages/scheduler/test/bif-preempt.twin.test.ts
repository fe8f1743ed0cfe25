/**
 * A switch-out right before a BIF called through its export, against the BEAM
 * (fixtures/bif_preempt.json): the process is charged that call again when it is scheduled
 * back in (ProcessContext.callBif); a switch-out at a function's entry costs nothing extra.
 * The routers scenario's driver meets this at erlang:spawn/3 and erlang:spawn_opt/4.
 * The fixture's loops, from a fresh process's first slice: erlang:apply/2's call of the fun and
 * the fun's call of the loop, then per iteration the loop's call and its BIF calls.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { Scheduler, type Op, type ProcessContext } from "../src/index.js";

interface Run {
  loop: "loop" | "loop2";
  iterations: number;
  reductions: number;
  outs: string[];
}
const fixture = loadFixture("bif_preempt") as { runs: Run[] };
/** BIF calls per iteration: loop/1 calls phash2/1 and monotonic_time/0, loop2/1 monotonic_time/0. */
const BIFS: Record<Run["loop"], string[]> = { loop: ["erlang:phash2/1", "erlang:monotonic_time/0"], loop2: ["erlang:monotonic_time/0"] };

/** The model's reductions (from its first slice until the loop returns) and the functions it was switched out at. */
function model(shape: Run["loop"], iterations: number): { reductions: number; outs: string[] } {
  const s = new Scheduler({ seed: 1, refc: new RefcStore({}) });
  const outs: string[] = [];
  let reductions = -1;
  /** Runs one op; a new slice started inside it when the reductions left went up. */
  function* traced(ctx: ProcessContext, where: string, op: Iterable<Op>): Generator<Op, void, unknown> {
    const before = ctx.reductionsLeft;
    yield* op;
    if (ctx.reductionsLeft > before) outs.push(where);
  }
  s.spawn(
    function* looping(ctx: ProcessContext) {
      yield* ctx.call(); // erlang:apply/2's call of the fun
      yield* ctx.call(); // the fun's call of the loop
      for (let i = 0; i < iterations; i++) {
        yield* traced(ctx, `beamlab_bif_preempt_recorder:${shape}/1`, ctx.call());
        for (const bif of BIFS[shape]) yield* traced(ctx, bif, ctx.callBif());
      }
      reductions = ctx.processInfo(ctx.self, ["reductions"])!.reductions + 4000 - ctx.reductionsLeft;
    },
    [],
  );
  s.run({ until: 10 });
  return { reductions, outs };
}

describe("a switch-out before a BIF called through its export (bif_preempt.json)", () => {
  const base = (shape: Run["loop"]) => fixture.runs.find((r) => r.loop === shape && r.outs.length === 0)!;
  it("is where the BEAM switches the process out: the model's loops are switched out at the same functions", () => {
    for (const r of fixture.runs) expect([r.loop, r.iterations, model(r.loop, r.iterations).outs]).toEqual([r.loop, r.iterations, r.outs]);
  });
  it("charges the BIF's call again when the process is scheduled back in (the BEAM's reductions beyond its unpreempted run's)", () => {
    for (const r of fixture.runs) {
      const b = base(r.loop);
      const perIteration = 1 + BIFS[r.loop].length;
      const m = model(r.loop, r.iterations).reductions - model(b.loop, b.iterations).reductions - perIteration * (r.iterations - b.iterations);
      expect([r.loop, r.iterations, m]).toEqual([r.loop, r.iterations, r.reductions - b.reductions - perIteration * (r.iterations - b.iterations)]);
    }
  });
  it("with no switch-out at a BIF, none is charged: a switch-out at a function's entry costs nothing extra", () => {
    const r = fixture.runs.find((x) => x.loop === "loop2" && x.outs.some((o) => o.endsWith("loop2/1")))!;
    const atBif = r.outs.filter((o) => o.startsWith("erlang:")).length;
    const b = base("loop2");
    expect(r.reductions - b.reductions - 2 * (r.iterations - b.iterations)).toBe(atBif);
    expect(model("loop2", r.iterations).outs).toEqual(r.outs);
  });
});
