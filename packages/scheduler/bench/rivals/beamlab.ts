/**
 * beamlab's side of the comparison: the same workloads as ../spawn-idle.ts and ../ring.ts
 * (copied, so the four runtimes are measured by one harness in fresh child processes).
 */
import { atom } from "@beamlab/heap";
import { eq, Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { buildRing } from "../ring-workload.js";
import { nodeGc } from "../beam.js";
import type { Workloads } from "./types.js";

const isStop = eq(atom("stop"));

function* idle(ctx: ProcessContext) {
  yield* ctx.receive(isStop);
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
    const ring = buildRing(s, r);
    const t0 = performance.now();
    s.send(ring.last, h);
    s.run();
    const us = (ring.doneAt() - t0) * 1000;
    return Promise.resolve({ ring: r, hops: h, us, msgsPerSec: h / (us / 1e6) });
  },
};
