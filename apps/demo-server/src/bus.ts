/**
 * The demo node's telemetry bus: the scheduler, heaps and refc store emit on it; the server
 * listens to the GC stop events only (what the dashboard's GC history and stream show).
 */
import { EVENTS, TelemetryBus } from "@beamlab/telemetry";

export interface GcStop {
  readonly owner: string;
  readonly kind: "minor" | "major";
  /** Words in use before and after (young + old + fragments). */
  readonly before: number;
  readonly after: number;
  /** Old heap words after. */
  readonly old: number;
  readonly reclaimed: number;
}

export function createBus(onGc: (e: GcStop) => void): TelemetryBus {
  const bus = new TelemetryBus();
  bus.attachMany("demo-server-gc", [EVENTS.gc.minor.stop, EVENTS.gc.major.stop], (event, m, meta) => {
    if (m.failed === 1) return;
    onGc({
      owner: String(meta.owner),
      kind: event.join(".") === EVENTS.gc.major.stop.join(".") ? "major" : "minor",
      before: m.words_before ?? 0,
      after: m.words_after ?? 0,
      old: m.old_heap_size ?? 0,
      reclaimed: m.reclaimed ?? 0,
    });
  });
  return bus;
}
