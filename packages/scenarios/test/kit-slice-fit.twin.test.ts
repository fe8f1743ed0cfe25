/**
 * How many calls of a tail loop fit into one slice, against tooling/beam-oracle/recorders/
 * kit_slice_fit.escript — with the slice's `go` message received, scanned without a match, or
 * no message at all. It decides where the kit_blocks loops are switched out.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { ret } from "../src/kit/return.js";

const fixture = loadFixture("kit_slice_fit") as { bodies: { body: string; fits: number }[]; spawned: { body: string; k?: number; reductions: number }[] };
const GO = atom("go");

/** Slices the model runs for `body` with K calls of loop/1 (all processes, until all wait). */
function slices(body: string, k: number): number {
  const s = new Scheduler();
  const p = s.spawn(function* runner(ctx) {
    if (body === "go_loop") yield* ctx.receive((m) => m === GO);
    yield* ctx.call(); // call loop/1
    for (let i = k; i > 0; i--) yield* ctx.call(); // call_only loop/1
    yield* ret(ctx); // loop(0) -> ok
    yield* ctx.receive((m) => m !== GO); // receive stop
  });
  if (body !== "no_message") {
    s.spawn(function* driver(ctx) {
      ctx.send(p, GO);
      yield* ctx.sleep(1);
    });
  }
  s.run({ untilOnlyReceiveTimeouts: true });
  return s.stats.slices;
}

/**
 * As {@link slices}, with the Scheduler's receiveFetchReds on and `go` queued before the process
 * first runs, as the recorder sends it (spawn, trace, `P ! go` on one scheduler).
 */
function slicesCharged(body: string, k: number): number {
  const s = new Scheduler({ receiveFetchReds: true });
  const p = s.spawn(function* runner(ctx) {
    yield* ctx.call(); // spawn/3's first call of the body (kit_slice_fit.json's `spawned`)
    if (body === "go_loop") yield* ctx.receive((m) => m === GO);
    yield* ctx.call(); // call loop/1
    for (let i = k; i > 0; i--) yield* ctx.call(); // call_only loop/1
    yield* ret(ctx); // loop(0) -> ok
    yield* ctx.receive((m) => m !== GO); // receive stop
  });
  const proc = s.lookup(p);
  if (body !== "no_message" && proc !== undefined) s.deliver(proc, GO);
  s.run({ untilOnlyReceiveTimeouts: true });
  return s.stats.slices;
}

/** The largest K in [1, 5000) whose run is as many slices as K = 1's (the recorder's bisection). */
function fits(body: string, run: (body: string, k: number) => number = slices): number {
  const base = run(body, 1);
  let [lo, hi] = [1, 5000];
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (run(body, m) === base) lo = m;
    else hi = m;
  }
  return lo;
}

describe("kit_slice_fit.json: calls per slice (pinned)", () => {
  it("without a message the model fits one call more than the BEAM; a slice that scans a message costs the BEAM 4-5 reductions more, the model none", () => {
    // OTP 25's rule (erl_proc_sig_queue.c erts_proc_sig_receive_helper): each time loop_rec
    // reaches the end of the inner queue it fetches the outer queue for 4 reductions
    // (`consumed_reds += 4`), and a scanned message that does not match costs its
    // loop_rec_end — go_loop 4 more than no_message, queued_go 5. The model's receive charges
    // neither (scheduler package, not changed here): the kit_blocks loops that start on `go` are
    // switched out a call or two late for it (binary_part's and atom_to_list's pinned events)
    const model = fixture.bodies.map((b) => fits(b.body));
    const beam = fixture.bodies.map((b) => b.fits);
    expect(fixture.bodies.map((b) => b.body)).toEqual(["go_loop", "queued_go", "no_message"]);
    expect(model).toEqual([3997, 3997, 3997]);
    expect(model.map((m, i) => m - (beam[i] as number))).toEqual([5, 6, 1]);
  });

  it("with the Scheduler's receiveFetchReds (4 per fetch of the outer queue, yielding first when out of reductions; 1 per skipped message) and the process's first call charged, the three bodies fit the BEAM's calls exactly", () => {
    const model = fixture.bodies.map((b) => fits(b.body, slicesCharged));
    expect(model).toEqual(fixture.bodies.map((b) => b.fits));
  });

  it("a process spawned with spawn/3 that waits pays its first call (1) and its receive's fetch (4); with receiveFetchReds and that call the model's reductions are the BEAM's", () => {
    // the scheduler does not charge a process's first call itself (a model-wide gap: every twin's
    // slices would move); the bodies here charge it as their first ctx.call()
    const model = fixture.spawned.map(({ body, k }) => {
      const s = new Scheduler({ receiveFetchReds: true });
      const p = s.spawn(function* spawned(ctx) {
        yield* ctx.call(); // the first call: wait_only/0 or no_message/1
        if (body === "no_message") {
          yield* ctx.call(); // call loop/1
          for (let i = k ?? 0; i > 0; i--) yield* ctx.call(); // call_only loop/1
          yield* ret(ctx); // loop(0) -> ok
        }
        yield* ctx.receive((m) => m !== GO); // receive stop
      });
      s.run();
      return s.lookup(p)?.reductions;
    });
    expect(model).toEqual(fixture.spawned.map((x) => x.reductions));
  });
});
