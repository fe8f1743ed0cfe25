// The detectors' snapshot series stays bounded on long runs (2,000 rounds of gen-server-work held
// 700 MB of snapshots; longer runs ran Node out of memory), evenly thinned, first and last kept.
import { describe, expect, it } from "vitest";
import { KEPT_SNAPSHOTS, SnapshotSeries } from "../src/lab/snapshot-series.js";

function fill(n: number, max?: number): number[] {
  const s = new SnapshotSeries<number>(max);
  for (let i = 0; i < n; i++) s.add(i);
  return s.series();
}

describe("SnapshotSeries", () => {
  it("keeps every snapshot of a run up to its bound (the built-ins' defaults are untouched)", () => {
    expect(fill(71)).toEqual(Array.from({ length: 71 }, (_, i) => i));
    expect(fill(KEPT_SNAPSHOTS)).toHaveLength(KEPT_SNAPSHOTS);
  });

  it("thins a long run evenly, first and last kept, never more than the bound + the last", () => {
    const s = fill(2001);
    expect(s.length).toBeLessThanOrEqual(KEPT_SNAPSHOTS + 1);
    expect(s.length).toBeGreaterThan(KEPT_SNAPSHOTS / 2);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(2000);
    const gaps = new Set(s.slice(1, -1).map((x, i) => x - (s[i] ?? 0)));
    expect([...gaps]).toEqual([4]);
  });

  it("a small bound shows the halving: 0..9 with room for 4", () => {
    expect(fill(10, 4)).toEqual([0, 4, 8, 9]);
  });
});
