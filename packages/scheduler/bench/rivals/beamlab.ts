/**
 * beamlab's side of the comparison: the same workloads as ../spawn-idle.ts and ../ring.ts
 * (copied, so the four runtimes are measured by one harness in fresh child processes).
 */
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import { eq, tagged, Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { nodeGc } from "../beam.js";
import type { Workloads } from "./types.js";

const isStop = eq(atom("stop"));

function* idle(ctx: ProcessContext) {
  yield* ctx.receive(isStop);
}

let doneAt = 0;

function* node(ctx: ProcessContext, next0: Term) {
  let next = next0 as Pid;
  if (next === ctx.self) next = ((yield* ctx.receive(tagged("next", 2))) as Tuple).elements[1] as Pid;
  for (;;) {
    const k = (yield* ctx.receive()) as number;
    if (k === 0) {
      doneAt = performance.now();
      return;
    }
    ctx.send(next, k - 1);
    yield* ctx.call();
  }
}

export const beamlab: Workloads = {
  async spawnIdle(n) {
    await nodeGc();
    const before = process.memoryUsage().heapUsed;
    const s = new Scheduler({ processLimit: n + 10 });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) s.spawn(idle);
    s.run();
    const us = (performance.now() - t0) * 1000;
    await nodeGc();
    const bytes = (process.memoryUsage().heapUsed - before) / n;
    if (s.processCount !== n) throw new Error("not all processes are alive");
    return { n, us, bytes };
  },

  ring(r, h) {
    const s = new Scheduler({ processLimit: r + 10 });
    const first = s.spawn(function* (ctx: ProcessContext) {
      yield* node(ctx, ctx.self);
    });
    let last = first;
    for (let i = 2; i <= r; i++) last = s.spawn(node, [last]);
    s.send(first, new Tuple([atom("next"), last]));
    s.run();
    const t0 = performance.now();
    s.send(last, h);
    s.run();
    const us = (doneAt - t0) * 1000;
    return Promise.resolve({ ring: r, hops: h, us, msgsPerSec: h / (us / 1e6) });
  },
};
