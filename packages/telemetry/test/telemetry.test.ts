import { describe, expect, it, vi } from "vitest";
import { AlreadyAttachedError, TelemetryBus, type EventName } from "@beamlab/telemetry";

const gcStop: EventName = ["beamlab", "gc", "minor", "stop"];

describe("TelemetryBus", () => {
  it("delivers measurements, metadata and config to attached handlers in attach order", () => {
    const bus = new TelemetryBus();
    const seen: string[] = [];
    bus.attach("a", gcStop, (event, m, meta, config: string) => seen.push(`${event.join(".")} ${m.reclaimed} ${String(meta.pid)} ${config}`), "cfg-a");
    bus.attach("b", gcStop, () => seen.push("b"));
    bus.execute(gcStop, { reclaimed: 42 }, { pid: "<0.84.0>" });
    expect(seen).toEqual(["beamlab.gc.minor.stop 42 <0.84.0> cfg-a", "b"]);
  });

  it("refuses a second handler with the same id, and detaches by id", () => {
    const bus = new TelemetryBus();
    const h = vi.fn();
    bus.attach("x", gcStop, h);
    expect(() => { bus.attach("x", ["other"], h); }).toThrow(AlreadyAttachedError);
    expect(bus.detach("x")).toBe(true);
    expect(bus.detach("x")).toBe(false);
    bus.execute(gcStop, {});
    expect(h).not.toHaveBeenCalled();
  });

  it("detaches a handler that throws, reports it once, and keeps the emitter running", () => {
    const failures: string[] = [];
    const bus = new TelemetryBus({ onHandlerFailure: (id, event) => failures.push(`${id}@${event.join(".")}`) });
    const good = vi.fn();
    bus.attach("bad", gcStop, () => { throw new Error("boom"); });
    bus.attach("good", gcStop, good);
    expect(() => { bus.execute(gcStop, {}); }).not.toThrow();
    bus.execute(gcStop, {});
    expect(failures).toEqual(["bad@beamlab.gc.minor.stop"]);
    expect(good).toHaveBeenCalledTimes(2);
    expect(bus.listHandlers().map((h) => h.id)).toEqual(["good"]);
  });

  it("keeps event handles' enabled flag in step with attach and detach", () => {
    const bus = new TelemetryBus();
    const handle = bus.event(gcStop);
    expect(handle.enabled).toBe(false);
    const h = vi.fn();
    bus.attachMany("m", [gcStop, ["beamlab", "gc", "major", "stop"]], h);
    expect(handle.enabled).toBe(true);
    handle.emit({ words: 1 });
    expect(h).toHaveBeenCalledWith(gcStop, { words: 1 }, {}, undefined);
    bus.detach("m");
    expect(handle.enabled).toBe(false);
  });

  it("wraps a function in start/stop spans, and start/exception when it throws", () => {
    const bus = new TelemetryBus();
    const events: string[] = [];
    let now = 10;
    const clock = () => now;
    bus.attachMany("s", [["op", "start"], ["op", "stop"], ["op", "exception"]], (e, m) => events.push(`${e[1]!}:${m.duration ?? m.monotonic_time}`));
    expect(bus.span(["op"], {}, () => { now = 15; return "r"; }, clock)).toBe("r");
    expect(() => bus.span(["op"], {}, () => { now = 22; throw new Error("x"); }, clock)).toThrow("x");
    expect(events).toEqual(["start:10", "stop:5", "start:15", "exception:7"]);
  });
});

describe("TelemetryBus dispatch details", () => {
  it("execute with no handler at all is a no-op; a handle reports enabled as handlers come and go", () => {
    const bus = new TelemetryBus();
    bus.execute(gcStop, { reclaimed: 1 });
    const h = bus.event(gcStop);
    const seen: number[] = [];
    expect(h.enabled).toBe(false);
    h.emit({ reclaimed: 1 });
    bus.attach("a", ["beamlab", "gc", "minor", "stop"], (_e, m) => seen.push(m.reclaimed ?? -1));
    expect(h.enabled).toBe(true);
    h.emit({ reclaimed: 2 });
    bus.execute(gcStop, { reclaimed: 3 });
    bus.detach("a");
    expect(h.enabled).toBe(false);
    h.emit({ reclaimed: 4 });
    expect(seen).toEqual([2, 3]);
  });

  it("routes a mutable name array by its current content (only frozen names are cached)", () => {
    const bus = new TelemetryBus();
    const seen: string[] = [];
    bus.attach("x", ["a", "x"], () => seen.push("x"));
    bus.attach("y", ["a", "y"], () => seen.push("y"));
    const name = ["a", "x"];
    bus.execute(name, {});
    name[1] = "y";
    bus.execute(name, {});
    expect(seen).toEqual(["x", "y"]);
  });

  it("a handler that detaches another during dispatch does not disturb the current dispatch", () => {
    const bus = new TelemetryBus();
    const seen: string[] = [];
    bus.attach("first", gcStop, () => {
      seen.push("first");
      bus.detach("second");
    });
    bus.attach("second", gcStop, () => seen.push("second"));
    bus.execute(gcStop, {});
    bus.execute(gcStop, {});
    expect(seen).toEqual(["first", "second", "first"]);
  });
});
