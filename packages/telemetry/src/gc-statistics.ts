/**
 * `erlang:statistics(garbage_collection)` accumulated from the bus: for a source that does not
 * count collections itself, attach this to the GC "stop" events the heap emits.
 *
 * Owns: two counters, `number_of_gcs` and `words_reclaimed`.
 * Invariants: counts each `gc.minor.stop` / `gc.major.stop` once, except a minor stop carrying
 * `failed: 1` (a minor that could not be done and became a major, which is counted by its own
 * stop event); `words_reclaimed` sums the `reclaimed` measurement (missing = 0). Counters never
 * decrease while attached.
 */
import { GC_STOP_EVENTS } from "./events.js";
import type { Measurements, TelemetryBus } from "./telemetry.js";

export class GcStatistics {
  number_of_gcs = 0;
  words_reclaimed = 0;
  private attachedTo: { bus: TelemetryBus; id: string } | undefined;

  /** Attaches to `bus` under `id` (default "beamlab-gc-statistics"). */
  attach(bus: TelemetryBus, id = "beamlab-gc-statistics"): this {
    bus.attachMany(id, GC_STOP_EVENTS, (_event, m: Measurements) => {
      this.record(m);
    });
    this.attachedTo = { bus, id };
    return this;
  }

  detach(): void {
    if (this.attachedTo !== undefined) this.attachedTo.bus.detach(this.attachedTo.id);
    this.attachedTo = undefined;
  }

  /** Counts one GC stop event's measurements. */
  record(m: Measurements): void {
    if (m.failed === 1) return;
    this.number_of_gcs++;
    this.words_reclaimed += m.reclaimed ?? 0;
  }

  statistics(): { number_of_gcs: number; words_reclaimed: number } {
    return { number_of_gcs: this.number_of_gcs, words_reclaimed: this.words_reclaimed };
  }
}
