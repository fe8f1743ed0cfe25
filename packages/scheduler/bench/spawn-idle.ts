/**
 * Benchmark: spawn N (default 1,000,000) idle processes — each blocks at once in a receive that
 * matches nothing — and report the Node heap bytes per simulated process and the spawn time,
 * next to the same workload on the real BEAM (sched_bench.escript, `+S 1`), as ratios.
 * Memory accounting is on (every process has its PCB and reports process_info as the BEAM would;
 * heaps and mailboxes are created on first use). Not a test: nothing here asserts.
 */
import { atom } from "@beamlab/heap";
import { eq, Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { beamBench, nodeGc } from "./beam.js";

const N = Number(process.argv[2] ?? 1_000_000);
const isStop = eq(atom("stop"));

function* idle(ctx: ProcessContext) {
  yield* ctx.receive(isStop);
}

await nodeGc();
const before = process.memoryUsage().heapUsed;
const s = new Scheduler({ processLimit: N + 10 });
const t0 = performance.now();
for (let i = 0; i < N; i++) s.spawn(idle);
s.run();
const us = (performance.now() - t0) * 1000;
await nodeGc();
const bytes = (process.memoryUsage().heapUsed - before) / N;
if (s.processCount !== N) throw new Error("not all processes are alive");

const beam = beamBench(N, 10, 10);
const b = typeof beam === "string" ? undefined : beam;
const ratio = (x: number, y: number | undefined) => (y === undefined ? "(no erl)" : `${(x / y).toFixed(2)}x`);
console.log(`spawn ${N} idle processes        beamlab        BEAM (+S 1)   beamlab/BEAM`);
console.log(`  time                       ${(us / 1000).toFixed(0).padStart(8)} ms ${b ? `${(b.spawn_us / 1000).toFixed(0).padStart(8)} ms` : "          -"}   ${ratio(us, b?.spawn_us)}`);
console.log(`  bytes per process          ${bytes.toFixed(0).padStart(11)} ${b ? String(b.spawn_bytes_per_process).padStart(11) : "          -"}   ${ratio(bytes, b?.spawn_bytes_per_process)}  (target <= 1000 Node bytes)`);
if (typeof beam === "string") console.log(`  (the BEAM side needs erl on PATH: ${beam})`);
