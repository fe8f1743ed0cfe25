/**
 * One measurement in a fresh Node process (so each runtime's heap is measured alone):
 *   worker.ts RUNTIME spawn N        -> {"n","us","bytes"}
 *   worker.ts RUNTIME ring R HOPS    -> {"ring","hops","us","msgsPerSec"}
 * RUNTIME is beamlab | xstate | effect-queue | effect-mailbox. Prints one JSON line.
 *
 * XState delivers `sendTo` synchronously: the target actor processes the event inside the
 * sender's call (nested calls as deep as the ring is long, until the token reaches an actor that
 * is already processing). A ring of 10,000 actors overflows Node's default ~1 MB main-thread
 * stack, so the XState ring runs in a worker thread given a 64 MB stack; the code is unchanged.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { beamlab } from "./beamlab.js";
import { effect } from "./effect.js";
import type { Workloads } from "./types.js";
import { xstate } from "./xstate.js";

const runtimes: Record<string, () => Workloads> = {
  beamlab: () => beamlab,
  xstate: () => xstate,
  "effect-queue": () => effect("queue"),
  "effect-mailbox": () => effect("mailbox"),
};

type Job = [runtime: string, what: string, a: string, b: string];

function run([runtime, what, a, b]: Job): Promise<unknown> {
  const w = runtimes[runtime]?.();
  if (w === undefined || (what !== "spawn" && what !== "ring")) {
    throw new Error("usage: worker.ts beamlab|xstate|effect-queue|effect-mailbox spawn N | ring R HOPS");
  }
  return what === "spawn" ? w.spawnIdle(Number(a)) : w.ring(Number(a), Number(b));
}

function runInBigStackThread(job: Job): Promise<unknown> {
  // this file's bundle (run-bench.mjs builds it) runs in the thread as it is
  const thread = new Worker(new URL(import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: 64 } });
  return new Promise((resolve, reject) => {
    thread.once("message", resolve);
    thread.once("error", reject);
    thread.once("exit", (code) => {
      reject(new Error(`worker thread exited with ${code}`));
    });
  });
}

if (isMainThread) {
  const [runtime = "", what = "", a = "", b = ""] = process.argv.slice(2);
  const job: Job = [runtime, what, a, b];
  const result = runtime === "xstate" && what === "ring" ? await runInBigStackThread(job) : await run(job);
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  parentPort?.postMessage(await run(workerData as Job));
}
