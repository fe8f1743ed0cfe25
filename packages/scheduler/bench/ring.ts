/**
 * Benchmark: a ring of R (default 10,000) processes passing a token H (default 1,000,000) hops
 * (each hop decrements it; the process that receives 0 stops), with full memory accounting on
 * (each send copies into the receiver's heap, each queued message is counted), next to the
 * same workload on the real BEAM (sched_bench.escript, `+S 1`): messages per second, as a ratio.
 * Not a test: nothing here asserts.
 */
import { Scheduler } from "@beamlab/scheduler";
import { buildRing } from "./ring-workload.js";
import { beamBench } from "./beam.js";

const R = Number(process.argv[2] ?? 10_000);
const H = Number(process.argv[3] ?? 1_000_000);
const s = new Scheduler({ processLimit: R + 10 });
const ring = buildRing(s, R);
const t0 = performance.now();
s.send(ring.last, H);
s.run();
const us = (ring.doneAt() - t0) * 1000;
const mps = H / (us / 1e6);

const beam = beamBench(10, R, H);
const b = typeof beam === "string" ? undefined : beam;
console.log(`ring of ${R} processes, ${H} hops     beamlab          BEAM (+S 1)    beamlab/BEAM`);
console.log(`  messages per second          ${mps.toFixed(0).padStart(10)} ${b ? String(b.ring_msgs_per_sec).padStart(12) : "           -"}    ${b ? `${(mps / b.ring_msgs_per_sec).toFixed(2)}x` : "(no erl)"}  (target >= 0.33x)`);
if (typeof beam === "string") console.log(`  (the BEAM side needs erl on PATH: ${beam})`);
