/**
 * Samplers: time series of chosen metrics, taken at fixed intervals of a caller-supplied clock
 * (virtual time in a simulation, `performance.now()` in real time), kept in bounded memory.
 *
 * Owns: when a sample is due, and the bounded store of samples. The sampler never reads time
 * itself: `tick()` asks the clock it was given, so a simulation drives it from its virtual clock
 * (call `tick()` after each slice or each timer) and a live run from `startRealTime`.
 *
 * Invariants:
 * - at most `maxPoints` samples are kept (one ring buffer of rows; all metrics share the rows, so
 *   series stay aligned in time), plus at most `keepSnapshots` raw readings;
 * - samples fall on the grid `start + k·interval` of the clock; one `tick()` takes at most one
 *   sample (missed intervals after a clock jump are skipped, never back-filled);
 * - overflow policy `"drop-oldest"` (default): a full buffer overwrites its oldest sample, so the
 *   series is the most recent `maxPoints · interval` window at full resolution;
 *   `"downsample"`: a full buffer drops every other sample and doubles the interval, so the series
 *   covers the whole run at a resolution that halves each time it fills (never more than
 *   `maxPoints` points either way);
 * - a metric that returns `undefined` (not reported by the source) records a gap, which
 *   `series()` leaves out.
 */
import { RingBuffer } from "./ring-buffer.js";

export type OverflowPolicy = "drop-oldest" | "downsample";

export type MetricReader<S> = (reading: S) => number | undefined;

export interface SamplerOptions<S> {
  /** Takes one reading, e.g. `() => source.snapshot()`. */
  readonly read: () => S;
  /** Metric name → how to get its value from a reading. */
  readonly metrics: Readonly<Record<string, MetricReader<S>>>;
  /** Interval between samples, in the clock's unit. */
  readonly interval: number;
  /** The clock `tick()` consults (virtual or real). */
  readonly clock: () => number;
  /** Most samples kept (default 1024). */
  readonly maxPoints?: number;
  /** See the header (default "drop-oldest"). */
  readonly overflow?: OverflowPolicy;
  /** Also keep the last N raw readings (e.g. NodeSnapshots for the leak detectors). Default 0. */
  readonly keepReadings?: number;
}

export interface Point {
  readonly time: number;
  readonly value: number;
}

interface Row {
  readonly time: number;
  readonly values: Float64Array;
}

export class Sampler<S> {
  private readonly names: readonly string[];
  private readonly readers: readonly MetricReader<S>[];
  private readonly rows: RingBuffer<Row>;
  private readonly kept: RingBuffer<S> | undefined;
  private readonly overflow: OverflowPolicy;
  private currentInterval: number;
  private nextDue: number | undefined;
  private taken = 0;

  constructor(private readonly opts: SamplerOptions<S>) {
    if (!(opts.interval > 0)) throw new RangeError(`sampler interval must be > 0, got ${opts.interval}`);
    this.names = Object.keys(opts.metrics);
    this.readers = this.names.map((n) => opts.metrics[n] as MetricReader<S>);
    this.rows = new RingBuffer<Row>(opts.maxPoints ?? 1024);
    this.kept = (opts.keepReadings ?? 0) > 0 ? new RingBuffer<S>(opts.keepReadings ?? 1) : undefined;
    this.overflow = opts.overflow ?? "drop-oldest";
    this.currentInterval = opts.interval;
  }

  /** Current interval (doubles each time a "downsample" sampler fills up). */
  get interval(): number {
    return this.currentInterval;
  }

  /** Samples taken since creation (including those since dropped). */
  get samplesTaken(): number {
    return this.taken;
  }

  metricNames(): readonly string[] {
    return this.names;
  }

  /** Takes a sample if one is due on the clock; returns whether it did. The first tick always samples. */
  tick(): boolean {
    const now = this.opts.clock();
    if (this.nextDue !== undefined && now < this.nextDue) return false;
    this.take(now);
    // Next point of the grid strictly after `now`.
    if (this.nextDue === undefined) this.nextDue = now + this.currentInterval;
    else this.nextDue += Math.max(1, Math.floor((now - this.nextDue) / this.currentInterval) + 1) * this.currentInterval;
    return true;
  }

  /** Takes a sample now, whatever the grid says (the grid is unchanged). */
  sampleNow(): void {
    this.take(this.opts.clock());
  }

  /** One metric's points, oldest first (gaps left out). */
  series(name: string): Point[] {
    const i = this.names.indexOf(name);
    if (i < 0) throw new RangeError(`sampler has no metric ${JSON.stringify(name)}`);
    const out: Point[] = [];
    for (const row of this.rows.toArray()) {
      const v = row.values[i] as number;
      if (!Number.isNaN(v)) out.push({ time: row.time, value: v });
    }
    return out;
  }

  /** Every metric's series. */
  allSeries(): Record<string, Point[]> {
    const out: Record<string, Point[]> = {};
    for (const n of this.names) out[n] = this.series(n);
    return out;
  }

  /** Number of samples kept. */
  get size(): number {
    return this.rows.size;
  }

  /** The raw readings kept (`keepReadings`), oldest first. */
  readings(): S[] {
    return this.kept?.toArray() ?? [];
  }

  private take(now: number): void {
    const reading = this.opts.read();
    const values = new Float64Array(this.readers.length);
    for (let i = 0; i < this.readers.length; i++) values[i] = (this.readers[i] as MetricReader<S>)(reading) ?? Number.NaN;
    if (this.rows.size === this.rows.capacity && this.overflow === "downsample") {
      this.rows.retain((_, index) => index % 2 === 0);
      this.currentInterval *= 2;
      if (this.nextDue !== undefined) this.nextDue = now; // re-anchor the grid on the coarser interval
    }
    this.rows.push({ time: now, values });
    this.kept?.push(reading);
    this.taken++;
  }
}

/**
 * Drives `sampler.tick()` from Node's timers in real time (the sampler's clock should then be
 * real time too, e.g. `performance.now`). The timer does not keep the process alive.
 * Returns a function that stops it.
 */
export function startRealTime(sampler: { tick(): boolean }, everyMs: number): () => void {
  sampler.tick();
  const timer = setInterval(() => {
    sampler.tick();
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
