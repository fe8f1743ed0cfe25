import { describe, expect, it } from "vitest";
import { canonicalJson, EVENTS, JsonlBuffer, Sampler, TelemetryBus } from "@beamlab/telemetry";
import { node, pid, proc } from "./fixtures.js";

describe("canonicalJson", () => {
  it("writes keys in sorted order at every depth, whatever order the object was built in", () => {
    const a = { b: 1, a: { d: [1, { z: 1, y: 2 }], c: "x" } };
    const b = { a: { c: "x", d: [1, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it("encodes values JSON lacks deterministically", () => {
    class Pid {
      constructor(readonly n: number) {}
      toString(): string {
        return `<0.${this.n}.0>`;
      }
    }
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(
      canonicalJson({
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        negz: -0,
        big: 12n,
        undef: undefined,
        fn: () => 1,
        arr: [undefined, 1],
        map: new Map([[2, "b"], [1, "a"]]),
        set: new Set([3, 1]),
        err: new TypeError("bad"),
        pid: new Pid(84),
        cyc,
        bytes: new Uint8Array([1, 2]),
      }),
    ).toBe(
      '{"arr":[null,1],"big":"12","bytes":[1,2],"cyc":{"a":1,"self":"[Circular]"},"err":{"message":"bad","name":"TypeError"},"inf":null,"map":{"1":"a","2":"b"},"nan":null,"negz":0,"pid":"<0.84.0>","set":[3,1]}',
    );
  });
});

describe("JsonlExporter", () => {
  function run(): string {
    const out = new JsonlBuffer();
    const bus = new TelemetryBus();
    let now = 0;
    const detach = out.exporter.attach(bus, "jsonl", [EVENTS.gc.minor.stop, EVENTS.refc.alloc], () => now);
    now = 5;
    bus.execute(EVENTS.gc.minor.stop, { reclaimed: 3, words_before: 10 }, { reason: "alloc", owner: pid(9) });
    now = 6;
    bus.execute(EVENTS.refc.alloc, { size: 100 }, { id: 1 });
    detach();
    bus.execute(EVENTS.refc.alloc, { size: 1 }, { id: 2 }); // not written: detached
    const s = new Sampler({ read: () => now, metrics: { b: (x) => x * 2, a: (x) => x }, interval: 1, clock: () => now });
    s.tick();
    now = 7;
    s.tick();
    out.exporter.series(s.allSeries());
    out.exporter.snapshot(node(7, [proc(pid(1), { registered_name: "init" })]));
    return out.toString();
  }

  it("writes one deterministic line per event, sample and snapshot", () => {
    const text = run();
    expect(text).toBe(run());
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('{"kind":"event","measurements":{"reclaimed":3,"words_before":10},"metadata":{"owner":"<0.9.0>","reason":"alloc"},"name":"beamlab.gc.minor.stop","time":5}');
    expect(lines[1]).toBe('{"kind":"event","measurements":{"size":100},"metadata":{"id":1},"name":"beamlab.refc.alloc","time":6}');
    expect(lines.slice(2, 6)).toEqual([
      '{"kind":"sample","labels":{},"metric":"a","time":6,"value":6}',
      '{"kind":"sample","labels":{},"metric":"b","time":6,"value":12}',
      '{"kind":"sample","labels":{},"metric":"a","time":7,"value":7}',
      '{"kind":"sample","labels":{},"metric":"b","time":7,"value":14}',
    ]);
    const snap = JSON.parse(lines[6]!) as { kind: string; time: number; snapshot: { processes: { registered_name: string }[] } };
    expect([snap.kind, snap.time, snap.snapshot.processes[0]?.registered_name]).toEqual(["snapshot", 7, "init"]);
    for (const l of lines) expect(Object.keys(JSON.parse(l) as object)).toEqual(Object.keys(JSON.parse(l) as object).sort());
  });
});
