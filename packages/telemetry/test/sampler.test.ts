import { describe, expect, it } from "vitest";
import { RingBuffer, Sampler } from "@beamlab/telemetry";

describe("RingBuffer", () => {
  it("keeps at most capacity items, oldest first, and returns what it evicts", () => {
    const r = new RingBuffer<number>(3);
    expect([r.push(1), r.push(2), r.push(3)]).toEqual([undefined, undefined, undefined]);
    expect(r.push(4)).toBe(1);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect([r.at(0), r.last(), r.at(3), r.size]).toEqual([2, 4, undefined, 3]);
    for (let i = 5; i < 1000; i++) r.push(i);
    expect(r.toArray()).toEqual([997, 998, 999]);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

function virtual(): { now: number; clock: () => number } {
  const c = { now: 0, clock: () => c.now };
  return c;
}

describe("Sampler", () => {
  it("samples on the virtual clock's grid, at most once per tick, never back-filling", () => {
    const c = virtual();
    let reads = 0;
    const s = new Sampler({ read: () => ++reads, metrics: { n: (x) => x }, interval: 10, clock: c.clock });
    expect(s.tick()).toBe(true); // t=0
    c.now = 5;
    expect(s.tick()).toBe(false);
    c.now = 10;
    expect(s.tick()).toBe(true);
    c.now = 47; // jumped over 20, 30, 40: one sample, next due at 50
    expect(s.tick()).toBe(true);
    c.now = 49;
    expect(s.tick()).toBe(false);
    c.now = 50;
    expect(s.tick()).toBe(true);
    expect(s.series("n").map((p) => p.time)).toEqual([0, 10, 47, 50]);
    expect(reads).toBe(4);
  });

  it("drop-oldest: memory stays bounded at maxPoints and keeps the most recent window", () => {
    const c = virtual();
    const s = new Sampler({ read: () => c.now, metrics: { t: (x) => x, half: (x) => x / 2 }, interval: 1, clock: c.clock, maxPoints: 100 });
    for (let i = 0; i < 10_000; i++) {
      c.now = i;
      s.tick();
    }
    expect(s.size).toBe(100);
    expect(s.samplesTaken).toBe(10_000);
    const t = s.series("t");
    expect(t).toHaveLength(100);
    expect(t[0]).toEqual({ time: 9900, value: 9900 });
    expect(t[99]).toEqual({ time: 9999, value: 9999 });
    expect(s.series("half")[99]?.value).toBe(4999.5);
  });

  it("downsample: stays within maxPoints, covers the whole run, and doubles the interval each time it fills", () => {
    const c = virtual();
    const s = new Sampler({ read: () => c.now, metrics: { t: (x) => x }, interval: 1, clock: c.clock, maxPoints: 64, overflow: "downsample" });
    for (let i = 0; i < 10_000; i++) {
      c.now = i;
      s.tick();
      expect(s.size).toBeLessThanOrEqual(64);
    }
    const t = s.series("t");
    expect(t[0]?.time).toBe(0);
    expect(t[t.length - 1]!.time).toBeGreaterThan(10_000 - 2 * s.interval);
    expect(s.interval).toBeGreaterThanOrEqual(128);
    for (let i = 1; i < t.length; i++) expect(t[i]!.time).toBeGreaterThan(t[i - 1]!.time);
  });

  it("records gaps for metrics the reading lacks, and keeps a bounded number of raw readings", () => {
    const c = virtual();
    const s = new Sampler({
      read: () => ({ t: c.now, odd: c.now % 2 === 1 ? c.now : undefined }),
      metrics: { odd: (r) => r.odd },
      interval: 1,
      clock: c.clock,
      keepReadings: 3,
    });
    for (let i = 0; i < 6; i++) {
      c.now = i;
      s.tick();
    }
    expect(s.series("odd").map((p) => p.value)).toEqual([1, 3, 5]);
    expect(s.readings().map((r) => r.t)).toEqual([3, 4, 5]);
    expect(() => s.series("nope")).toThrow(RangeError);
  });
});
