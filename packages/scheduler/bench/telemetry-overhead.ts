/**
 * Benchmark: what telemetry costs the ring (issue 7's budget: with telemetry off the ring slows
 * by less than 2%, with sampling on by less than 10%).
 *
 * The same ring as ring.ts (R processes, H hops, full memory accounting), run in several ways:
 *  - baseline: no TelemetryBus at all; `baseline2` (opt-in) is the same again, an A/A control
 *    whose ratio to baseline shows what noise alone looks like;
 *  - off: a bus is wired into the scheduler and every heap, but nobody listens;
 *  - events: a handler counts every GC, send and slice event (`GcStatistics`-style work);
 *  - sampling@N: telemetry's Sampler reads NODE_METRICS from a node snapshot every N ms of real
 *    time while the ring runs (observer's default refresh is 1 s). The snapshot is what those
 *    metrics need: `nodeSource(s, SAMPLING_SOURCE_OPTIONS)` — every process's process_info, no traced
 *    liveness, no binary holder rows;
 *  - full@N: the same with the default (full) snapshot: liveness traced, binary holders listed.
 *
 * Method: one discarded warm-up round, then RUNS rounds; each round runs every mode once, in an
 * order rotated per round (so no mode always follows another), with a forced V8 GC before each
 * run (so one run's garbage is not collected during the next). Each mode is reported as its best
 * time, and as the median [min..max] of its per-round ratio to that round's baseline — the spread
 * is the noise of this machine (another benchmark may share the 2 cores).
 *
 *   node ../../tooling/workspace-scripts/run-bench.mjs bench/telemetry-overhead.ts [R] [H]
 *   env: BENCH_RUNS (default 5), BENCH_MODES (comma list, default baseline,off,events,sampling@1000,sampling@250)
 * Not a test: nothing here asserts a time.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { nodeSource, SAMPLING_SOURCE_OPTIONS, Scheduler } from "@beamlab/scheduler";
import { buildRing } from "./ring-workload.js";
import { EVENTS, NODE_METRICS, Sampler, TelemetryBus, type NodeSnapshot } from "@beamlab/telemetry";

const R = Number(process.argv[2] ?? 10_000);
const H = Number(process.argv[3] ?? 8_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MODES = (process.env.BENCH_MODES ?? "baseline,off,events,sampling@1000,sampling@250").split(",");
if (MODES[0] !== "baseline") MODES.unshift("baseline");

setFlagsFromString("--expose-gc");
const forceGc = runInNewContext("gc") as () => void;

interface Result {
  us: number;
  samples: number;
  snapshotMs: number;
  events: number;
}

function ring(mode: string, hops: number): Result {
  const [kind0, ms] = mode.split("@") as [string, string | undefined];
  const kind = kind0 === "baseline2" ? "baseline" : kind0;
  const sampleMs = Number(ms ?? 1000);
  if (!(sampleMs > 0)) throw new RangeError(`bad mode ${mode}: sampling interval must be > 0 ms`);
  const sampling = kind === "sampling" || kind === "full";
  const bus = kind === "baseline" ? undefined : new TelemetryBus();
  let events = 0;
  if (kind === "events" && bus !== undefined) {
    bus.attachMany("count", [EVENTS.gc.minor.stop, EVENTS.gc.major.stop, EVENTS.message.send, EVENTS.scheduler.slice], () => {
      events++;
    });
  }
  const s = new Scheduler({ processLimit: R + 10, ...(bus === undefined ? {} : { telemetry: bus }) });
  const ring = buildRing(s, R);
  const source = nodeSource(s, kind === "full" ? {} : SAMPLING_SOURCE_OPTIONS);
  const sampler = new Sampler<NodeSnapshot>({ read: () => source.snapshot(), metrics: NODE_METRICS, interval: sampleMs, clock: () => performance.now(), maxPoints: 64 });
  let samples = 0;
  let snapshotMs = 0;
  forceGc();
  const t0 = performance.now();
  let nextSample = t0 + sampleMs;
  s.send(ring.last, hops);
  for (;;) {
    const r = s.run({ maxSlices: 2000 });
    if (sampling && performance.now() >= nextSample) {
      const a = performance.now();
      sampler.tick();
      snapshotMs += performance.now() - a;
      samples++;
      nextSample += sampleMs;
    }
    if (r.idle) break;
  }
  return { us: (ring.doneAt() - t0) * 1000, samples, snapshotMs, events };
}

for (const m of MODES) ring(m, Math.min(H, 300_000)); // warm-up, discarded
const all = new Map<string, Result[]>(MODES.map((m) => [m, []]));
for (let run = 0; run < RUNS; run++) {
  const k = run % MODES.length;
  for (const m of [...MODES.slice(k), ...MODES.slice(0, k)]) all.get(m)?.push(ring(m, H));
}
const pct = (x: number): string => `${((x - 1) * 100).toFixed(1)}%`;
const median = (xs: number[]): number => {
  const a = [...xs].sort((p, q) => p - q);
  const n = a.length;
  return n % 2 === 1 ? (a[(n - 1) / 2] ?? NaN) : ((a[n / 2 - 1] ?? NaN) + (a[n / 2] ?? NaN)) / 2;
};
const base = all.get("baseline") ?? [];
const bestBase = Math.min(...base.map((r) => r.us));
console.log(`telemetry overhead on a ring of ${R} processes, ${H} hops, ${RUNS} interleaved rounds`);
console.log(`  mode            best ms  best-vs-best  per-round ratio: median [min .. max]`);
for (const m of MODES) {
  const rs = all.get(m) ?? [];
  const best = Math.min(...rs.map((r) => r.us));
  const ratios = rs.map((r, i) => r.us / (base[i]?.us ?? NaN));
  const budget = m === "off" ? "  budget < 2%" : m.startsWith("sampling") ? "  budget < 10%" : "";
  const samples = rs.reduce((a, r) => a + r.samples, 0);
  const snapMs = rs.reduce((a, r) => a + r.snapshotMs, 0);
  const extra = samples > 0 ? `  (${(samples / rs.length).toFixed(1)} snapshots/run, ${(snapMs / samples).toFixed(1)} ms each)` : m === "events" ? `  (${rs[0]?.events ?? 0} events)` : "";
  const cols = m === "baseline" ? `${"".padStart(12)}  times: ${rs.map((r) => (r.us / 1000).toFixed(0)).join(" ")}` : `${pct(best / bestBase).padStart(12)}  ${pct(median(ratios))} [${pct(Math.min(...ratios))} .. ${pct(Math.max(...ratios))}]`;
  console.log(`  ${m.padEnd(14)} ${(best / 1000).toFixed(0).padStart(8)}  ${cols}${budget}${extra}`);
}
