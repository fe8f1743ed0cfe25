import { describe, expect, it } from "vitest";
import { ALL_EVENTS, EVENTS, GC_STOP_EVENTS } from "@beamlab/telemetry";

describe("EVENTS", () => {
  it("lists every event once, all under beamlab, frozen", () => {
    const flat: string[][] = [];
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) flat.push(o as string[]);
      else for (const v of Object.values(o as object)) walk(v);
    };
    walk(EVENTS);
    const keys = (xs: readonly (readonly string[])[]): string[] => xs.map((x) => x.join(".")).sort();
    expect(keys(ALL_EVENTS)).toEqual(keys(flat));
    expect(new Set(keys(ALL_EVENTS)).size).toBe(ALL_EVENTS.length);
    for (const e of ALL_EVENTS) {
      expect(e[0]).toBe("beamlab");
      expect(Object.isFrozen(e)).toBe(true);
    }
  });

  it("keeps the names the heap and refc layers already emit", () => {
    expect(EVENTS.gc.minor.stop).toEqual(["beamlab", "gc", "minor", "stop"]);
    expect(EVENTS.gc.major.start).toEqual(["beamlab", "gc", "major", "start"]);
    expect(EVENTS.gc.maxHeapSize).toEqual(["beamlab", "gc", "max_heap_size"]);
    expect(EVENTS.refc.alloc).toEqual(["beamlab", "refc", "alloc"]);
    expect(EVENTS.refc.free).toEqual(["beamlab", "refc", "free"]);
    expect(GC_STOP_EVENTS).toEqual([EVENTS.gc.minor.stop, EVENTS.gc.major.stop]);
  });
});
