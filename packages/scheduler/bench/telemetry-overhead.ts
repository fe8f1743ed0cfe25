/**
 * Benchmark: what telemetry costs the ring (issue 7's budget: with telemetry off the ring slows
 * by less than 2%, with sampling on by less than 10%).
 *
 * The same ring as ring.ts (R processes, H hops, full memory accounting), run in four ways,
 * interleaved and best of RUNS each:
 *  - baseline: no TelemetryBus at all;
 *  - off: a bus is wired into the scheduler and every heap, but nobody listens;
 *  - events: a handler counts every GC, send and slice event (`GcStatistics`-style work);
 *  - sampling: telemetry's Sampler takes a full node snapshot (`nodeSource`: process_info of
 *    every process, erlang:memory, traced liveness, binary holders) every SAMPLE_MS of real time,
 *    observer's refresh done by a tool, while the ring runs.
 * Not a test: nothing here asserts a time.
 */
import { nodeSource, Scheduler } from "@beamlab/scheduler";
import { buildRing } from "./ring-workload.js";
import { EVENTS, NODE_METRICS, Sampler, TelemetryBus, type NodeSnapshot } from "@beamlab/telemetry";

const R = Number(process.argv[2] ?? 10_000);
const H = Number(process.argv[3] ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SAMPLE_MS = 250;
type Mode = "baseline" | "off" | "events" | "sampling";

function ring(mode: Mode): { us: number; samples: number; events: number } {
  const bus = mode === "baseline" ? undefined : new TelemetryBus();
  let events = 0;
  if (mode === "events" && bus !== undefined) {
    bus.attachMany("count", [EVENTS.gc.minor.stop, EVENTS.gc.major.stop, EVENTS.message.send, EVENTS.scheduler.slice], () => { events++; });
  }
  const s = new Scheduler({ processLimit: R + 10, ...(bus === undefined ? {} : { telemetry: bus }) });
  const ring = buildRing(s, R);
  const source = nodeSource(s);
  const sampler = new Sampler<NodeSnapshot>({ read: () => source.snapshot(), metrics: NODE_METRICS, interval: SAMPLE_MS, clock: () => performance.now(), maxPoints: 64 });
  let samples = 0;
  const t0 = performance.now();
  let nextSample = t0 + SAMPLE_MS;
  s.send(ring.last, H);
  for (;;) {
    const r = s.run({ maxSlices: 2000 });
    if (mode === "sampling" && performance.now() >= nextSample) {
      sampler.tick();
      samples++;
      nextSample += SAMPLE_MS;
    }
    if (r.idle) break;
  }
  return { us: (ring.doneAt() - t0) * 1000, samples, events };
}

const modes: Mode[] = ["baseline", "off", "events", "sampling"];
const best = new Map<Mode, { us: number; samples: number; events: number }>();
for (let run = 0; run < RUNS; run++) {
  for (const m of run % 2 === 0 ? modes : [...modes].reverse()) {
    const r = ring(m);
    const b = best.get(m);
    if (b === undefined || r.us < b.us) best.set(m, r);
  }
}
const base = best.get("baseline")?.us ?? NaN;
console.log(`telemetry overhead on a ring of ${R} processes, ${H} hops (best of ${RUNS})`);
for (const m of modes) {
  const r = best.get(m);
  if (r === undefined) continue;
  const extra = m === "sampling" ? `  (${r.samples} snapshots, one every ${SAMPLE_MS} ms)` : m === "events" ? `  (${r.events} events)` : "";
  const budget = m === "off" ? "  budget < 2%" : m === "sampling" ? "  budget < 10%" : "";
  console.log(`  ${m.padEnd(9)} ${(r.us / 1000).toFixed(0).padStart(7)} ms  ${m === "baseline" ? "" : `${(((r.us - base) / base) * 100).toFixed(1).padStart(6)}%`}${budget}${extra}`);
}
