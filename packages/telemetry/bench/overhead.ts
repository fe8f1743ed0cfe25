// Micro-benchmark of the emit paths that every layer's hot loop pays for, in ns per call:
//  - execute() on a bus with no handler at all (telemetry "off"),
//  - execute() of an event nobody listens to while other events have handlers,
//  - EventHandle.emit() while disabled (the recommended hot-path form: `if (h.enabled) h.emit(...)`),
//  - emit/execute with one no-op handler (telemetry "on").
// Issue 7's end-to-end budgets (ring benchmark < 2 % slower with telemetry off, < 10 % with
// sampling on) need the scheduler's ring benchmark and are not measured here.
import { EVENTS, TelemetryBus } from "@beamlab/telemetry";

const N = Number(process.env.BENCH_N ?? 5_000_000);
let sink = 0;

function bench(label: string, fn: (i: number) => void): number {
  for (let i = 0; i < 200_000; i++) fn(i); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) fn(i);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / N);
  }
  console.log(`${label.padEnd(58)} ${best.toFixed(2).padStart(7)} ns/op`);
  return best;
}

const off = new TelemetryBus();
const other = new TelemetryBus();
other.attach("elsewhere", EVENTS.refc.alloc, () => undefined);
const on = new TelemetryBus();
on.attach("noop", EVENTS.gc.minor.stop, (_e, m) => {
  sink += m.reclaimed ?? 0;
});
const offHandle = off.event(EVENTS.gc.minor.stop);
const otherHandle = other.event(EVENTS.gc.minor.stop);
const onHandle = on.event(EVENTS.gc.minor.stop);
const dynamicName = (): string[] => ["beamlab", "gc", "minor", "stop"];

console.log(`telemetry overhead, best of 5 × ${N} calls (node ${process.version})`);
const base = bench("baseline: loop body only", (i) => {
  sink += i & 1;
});
bench("execute, no handler on the bus (constant name)", (i) => {
  off.execute(EVENTS.gc.minor.stop, { reclaimed: i });
});
bench("execute, handlers on other events (constant name)", (i) => {
  other.execute(EVENTS.gc.minor.stop, { reclaimed: i });
});
bench("execute, handlers on other events (fresh name array)", (i) => {
  other.execute(dynamicName(), { reclaimed: i });
});
bench("handle: if (enabled) emit — disabled, no handler", (i) => {
  if (offHandle.enabled) offHandle.emit({ reclaimed: i });
});
bench("handle: emit() unguarded — disabled", (i) => {
  otherHandle.emit({ reclaimed: i });
});
bench("handle: emit() — enabled, one no-op handler", (i) => {
  onHandle.emit({ reclaimed: i });
});
bench("execute — one no-op handler (constant name)", (i) => {
  on.execute(EVENTS.gc.minor.stop, { reclaimed: i });
});
console.log(`(baseline ${base.toFixed(2)} ns/op is included in every row; sink=${sink > 0 ? "ok" : "0"})`);
