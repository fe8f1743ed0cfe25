/**
 * A healthy busy node: every workload of the leak scenarios, each written the right way, running
 * together on one node — an API server that spawns a worker per request, a job supervisor
 * running Task-like children, a tuned router that hibernates when idle, a cache that copies the
 * parts it keeps, and a producer that calls its sink (back-pressure).
 *
 * Owns: nothing but the composition. Every detector must stay silent on it: memory is busy
 * (collections, binaries allocated and freed, processes spawned and exiting) but nothing
 * accumulates.
 */
import { startJobs } from "./idle-children.js";
import { startSink } from "./mailbox-backlog.js";
import { newNode } from "./node.js";
import { startRouter } from "./router.js";
import type { Scenario } from "./scenario.js";
import { startCache } from "./sub-binary-cache.js";
import { startApiServer } from "./tenured-garbage.js";

export const healthyNode: Scenario = {
  id: "healthy-node",
  title: "A healthy busy node",
  description:
    "The five workloads, each with its fix applied, on one node: busy (GCs, binaries, spawns and exits every millisecond) " +
    "but nothing accumulates, so no detector fires.",
  expects: undefined,
  run: (opts = {}) => {
    const run = newNode(opts, { duration: 2000, interval: 200 });
    startApiServer(run, true);
    startJobs(run, true);
    startRouter(run, true);
    startCache(run, true);
    startSink(run, true);
    return run;
  },
};
