/**
 * The series of node snapshots the leak detectors read, bounded. Every sample is in the report
 * (`samples`: a few numbers each), but a snapshot holds every process: 2,000 rounds of
 * gen-server-work's 300 servers held 700 MB of them, and a longer run ran Node out of memory.
 *
 * Owns the thinning: up to `max` snapshots all are kept; past that the kept series is halved
 * (every other one) and from then on every 2nd (4th, …) one is kept. Invariants: the kept
 * snapshots are evenly spaced in sample order, at most `max` + 1 of them, and `series()` starts
 * with the first and ends with the last one added. Runs at the built-ins' defaults (≤ 71 samples)
 * keep them all.
 */
export const KEPT_SNAPSHOTS = 512;

export class SnapshotSeries<T> {
  private kept: T[] = [];
  private stride = 1;
  private added = 0;
  private last: T | undefined;

  constructor(private readonly max = KEPT_SNAPSHOTS) {}

  add(snap: T): void {
    if (this.added % this.stride === 0) this.kept.push(snap);
    if (this.kept.length > this.max) {
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
    this.added++;
    this.last = snap;
  }

  /** How many were added. */
  get count(): number {
    return this.added;
  }

  /** The kept snapshots, the last one added always at the end. */
  series(): T[] {
    const out = [...this.kept];
    if (this.last !== undefined && out[out.length - 1] !== this.last) out.push(this.last);
    return out;
  }
}
