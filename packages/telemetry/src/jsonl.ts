/**
 * JSON Lines export: one line per sample, event or snapshot, byte-for-byte deterministic.
 *
 * Owns: the canonical encoding ({@link canonicalJson}) and the record shapes.
 * Invariants:
 * - object keys are written in sorted (UTF-16 code unit) order at every depth, so the same data
 *   always gives the same bytes whatever order it was built in;
 * - numbers: finite numbers as JSON writes them (−0 as 0); NaN and ±Infinity as null;
 *   bigint as a decimal string; `undefined`, functions and symbols are left out of objects (null
 *   in arrays); an object with `toJSON` is written as what it returns; Map as an object of its
 *   entries (keys stringified), Set as an array; Error as `{message, name}`; a cycle as
 *   "[Circular]"; an object whose class defines its own `toString` (e.g. a pid) as that string;
 * - one record never contains a newline (JSON escapes them), so a line is a record.
 * Record shapes: `{"kind":"sample","labels":{…},"metric":…,"time":…,"value":…}`,
 * `{"kind":"event","measurements":{…},"metadata":{…},"name":"beamlab.gc.minor.stop","time":…}`,
 * `{"kind":"snapshot","snapshot":{…},"time":…}`, `{"kind":"finding",…,"time":…}`.
 */
import type { Finding } from "./detectors/finding.js";
import type { Point } from "./sampler.js";
import type { NodeSnapshot } from "./snapshot.js";
import type { EventName, Measurements, Metadata, TelemetryBus } from "./telemetry.js";

function normalise(value: unknown, seen: Set<object>): unknown {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case "bigint":
      return value.toString();
    case "string":
    case "boolean":
      return value;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "object":
      break;
  }
  if (value === null) return null;
  const obj = value;
  if (seen.has(obj)) return "[Circular]";
  seen.add(obj);
  try {
    if (typeof (obj as { toJSON?: unknown }).toJSON === "function") return normalise((obj as { toJSON(): unknown }).toJSON(), seen);
    if (Array.isArray(obj)) return obj.map((x) => normalise(x, seen) ?? null);
    if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) return Array.from(obj as unknown as ArrayLike<number>, (x) => normalise(x, seen));
    if (obj instanceof Map) return sortedObject([...obj].map(([k, v]) => [String(k), v] as const), seen);
    if (obj instanceof Set) return [...obj].map((x) => normalise(x, seen) ?? null);
    if (obj instanceof Error) return { message: obj.message, name: obj.name };
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto !== null && proto !== Object.prototype && Object.prototype.hasOwnProperty.call(proto, "toString")) return (obj as { toString(): string }).toString();
    return sortedObject(Object.entries(obj), seen);
  } finally {
    seen.delete(obj);
  }
}

function sortedObject(entries: readonly (readonly [string, unknown])[], seen: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const n = normalise(v, seen);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/** Deterministic JSON (see the header). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, new Set()) ?? null);
}

export class JsonlExporter {
  /** @param write receives each line without its trailing newline (e.g. `l => stream.write(l + "\n")`). */
  constructor(private readonly write: (line: string) => void) {}

  sample(time: number, metric: string, value: number, labels: Readonly<Record<string, string>> = {}): void {
    this.write(canonicalJson({ kind: "sample", labels, metric, time, value }));
  }

  /** Every point of several series (e.g. `sampler.allSeries()`), in time order, then metric order. */
  series(all: Readonly<Record<string, readonly Point[]>>): void {
    const rows: { time: number; metric: string; value: number }[] = [];
    for (const metric of Object.keys(all).sort()) for (const p of all[metric] ?? []) rows.push({ time: p.time, metric, value: p.value });
    rows.sort((a, b) => a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
    for (const r of rows) this.sample(r.time, r.metric, r.value);
  }

  event(time: number, name: EventName, measurements: Measurements, metadata: Metadata = {}): void {
    this.write(canonicalJson({ kind: "event", measurements, metadata, name: name.join("."), time }));
  }

  snapshot(s: NodeSnapshot): void {
    this.write(canonicalJson({ kind: "snapshot", snapshot: s, time: s.time }));
  }

  finding(time: number, f: Finding): void {
    this.write(canonicalJson({ ...f, kind: "finding", finding: f.kind, time }));
  }

  /** Writes every `events` occurrence on `bus` as a line, stamped with `clock()`. Returns a detach function. */
  attach(bus: TelemetryBus, id: string, events: readonly EventName[], clock: () => number): () => void {
    bus.attachMany(id, events, (event, m, meta) => {
      this.event(clock(), event, m, meta);
    });
    return () => {
      bus.detach(id);
    };
  }
}

/** Collects lines in memory (tests, small runs). */
export class JsonlBuffer {
  readonly lines: string[] = [];
  readonly exporter = new JsonlExporter((l) => this.lines.push(l));
  toString(): string {
    return this.lines.map((l) => l + "\n").join("");
  }
}
