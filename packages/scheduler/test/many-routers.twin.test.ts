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
  /** set on the record of the 1,000-pair workload run after the other two on the same node */
  node_history?: string;
  pairs: number;
  bytes: number;
  rounds: number;
  memory_binary_delta: number;
  memory_processes_delta: number;
  recorder_memory_before: number;
  recorder_memory_after: number;
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
    ctx.send(c as Pid, m); // the compiler reuses the received {data, B} (erlc -S: no put_tuple)
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
    const base = ctx.heap.pushFrame().hold(ctx.binaryCopy(binary(new Uint8Array([7])), run.bytes));
    for (let r = 0; r < run.rounds; r++) {
      for (const [rt] of pairs) {
        const b = ctx.binaryCopy(base);
        yield* ctx.call(0); // the send BIF's reduction check
        ctx.send(rt, new Tuple([DATA, b]));
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
  const r = fixture.runs.find((x) => x.pairs === pairs && x.node_history === undefined);
  if (r === undefined) throw new Error(`many_routers.json has no fresh-node run with ${pairs} pairs`);
  return r;
};
const historyRun = (): Run => {
  const r = fixture.runs.find((x) => x.node_history !== undefined);
  if (r === undefined) throw new Error("many_routers.json has no node_history run");
  return r;
};

/** The BEAM's memory(processes) growth without the recorder's own (recorded beside it). */
const pairsProcessesDelta = (run: Run): number => run.memory_processes_delta - (run.recorder_memory_after - run.recorder_memory_before);
/** memory(binary) deltas move by up to 192 bytes between recordings (the binary allocator's carriers). */
const BINARY_NOISE = 200;

/**
 * Issue 13 asks for memory(binary), memory(processes) and the role averages within 10%. Every
 * role figure (memory, total heap size, ProcBins of routers and consumers) is the BEAM's in all
 * three runs, and memory(binary) is too (each binary counted with its 40-byte header,
 * binary_memory.json): the rules that got there are the collections at schedule-in (the binary
 * virtual heap over its block), the queued messages' ProcBins kept live inside a collection, the
 * send BIF's reduction check, and the compiler reusing the received {data, B}.
 * memory(processes) is compared without the recorder's own growth, each workload on a fresh node
 * (2,811, 2,652 and 2,652 B per pair member against process_info's 2,640). Gap, pinned: on the
 * BEAM it also depends on the node's history — run after the other two on one node, the process
 * structures of the pairs killed before stay in the allocator's pools and are reused, so the
 * 1,000-pair workload grows memory(processes) by 2,256 B per member: 17% under the model's sum.
 * Measured on a fresh node: 1,000 processes that exit leave ~818 KB in memory(processes) when read
 * 50–500 ms later and ~34 KB after 3 s (the allocator's cache of freed Process structures shrinks
 * with time) — a time-dependent allocator effect the model does not simulate.
 */
describe("many_routers.json: router/consumer pairs against the real BEAM", () => {
  it.each([1000, 500, 100])("%i pairs: every role figure and memory(binary) are the BEAM's", (pairs) => {
    const run = runOf(pairs);
    const sim = simulate(run);
    expect(sim.routers).toEqual(run.routers);
    expect(sim.consumers).toEqual(run.consumers);
    expect(Math.abs(sim.binaryDelta - run.memory_binary_delta)).toBeLessThanOrEqual(BINARY_NOISE);
  }, 120_000);

  it.each([1000, 500, 100])("%i pairs on a fresh node: memory(processes) within 10%", (pairs) => {
    const run = runOf(pairs);
    within10(simulate(run).processesDelta, pairsProcessesDelta(run));
  }, 120_000);

  it("GAP (pinned) 1,000 pairs on a node with history: memory(processes) ~17% over the BEAM's, whose pools kept the earlier runs' process structures", () => {
    const run = historyRun();
    const sim = simulate(run);
    expect(sim.routers).toEqual(run.routers); // every process is the same as on a fresh node
    between(sim.processesDelta, pairsProcessesDelta(run), 1.12, 1.22); // 5,280,000 vs 4,512,000
    // the same workload on a fresh node is within 10% (above): the difference is the node's history
    between(pairsProcessesDelta(runOf(1000)), pairsProcessesDelta(run), 1.1, 1.3);
  }, 120_000);
});
