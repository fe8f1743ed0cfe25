import { describe, expect, it } from "vitest";
import { EVENTS, GcStatistics, PrometheusExporter, TelemetryBus, type NodeSnapshot } from "@beamlab/telemetry";
import { node, pid, proc } from "./fixtures.js";

interface Family {
  help: string;
  type: string;
  samples: { labels: Record<string, string>; value: number }[];
}

/** A small parser for the text exposition format 0.0.4 (what a Prometheus server reads). */
function parse(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  const fam = (name: string): Family => {
    let f = out.get(name);
    if (f === undefined) {
      f = { help: "", type: "", samples: [] };
      out.set(name, f);
    }
    return f;
  };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let m = /^# HELP (\w+) (.*)$/.exec(line);
    if (m) {
      fam(m[1]!).help = m[2]!;
      continue;
    }
    m = /^# TYPE (\w+) (\w+)$/.exec(line);
    if (m) {
      fam(m[1]!).type = m[2]!;
      continue;
    }
    m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    fam(m[1]!).samples.push({ labels, value: Number(m[3]) });
  }
  return out;
}

const value = (f: Family | undefined, labels: Record<string, string> = {}): number | undefined =>
  f?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

function snap(): NodeSnapshot {
  return {
    ...node(1000, [
      proc(pid(1), { registered_name: "init", memory: 5000, binary: [{ id: 1, size: 300, refc: 1 }], liveness: { heap_live_words: 10, heap_garbage_words: 5, old_heap_live_words: 20, old_heap_garbage_words: 7 } }),
      proc(pid(2), { memory: 9000, message_queue_len: 4, reductions: 77 }),
      proc(pid(3), { memory: 100 }),
    ]),
    memory: { total: 20000, processes: 14100, processes_used: 14000, system: 5900, atom: 1000, atom_used: 900, binary: 2000, code: 1500, ets: 400 },
    system_info: { process_count: 3, process_limit: 262144, schedulers: 1, schedulers_online: 1 },
    statistics: { reductions: 1234, run_queue: 2, garbage_collection: { number_of_gcs: 10, words_reclaimed: 500 } },
  };
}

describe("PrometheusExporter", () => {
  it("exposes erlang:memory under prometheus.erl's names, types, labels and help texts", async () => {
    const text = await new PrometheusExporter({ snapshot: snap }).metrics();
    const f = parse(text);
    const bytes = f.get("erlang_vm_memory_bytes_total");
    expect(bytes?.type).toBe("gauge");
    expect(bytes?.help).toBe("The total amount of memory currently allocated. This is the same as the sum of the memory size for processes and system.");
    expect(value(bytes, { kind: "processes" })).toBe(14100);
    expect(value(bytes, { kind: "system" })).toBe(5900);
    const procs = f.get("erlang_vm_memory_processes_bytes_total");
    expect([value(procs, { usage: "used" }), value(procs, { usage: "free" })]).toEqual([14000, 100]);
    const sys = f.get("erlang_vm_memory_system_bytes_total");
    expect(sys?.samples.map((s) => s.labels.usage).sort()).toEqual(["atom", "binary", "code", "ets", "other"]);
    expect(value(sys, { usage: "other" })).toBe(5900 - 1000 - 2000 - 1500 - 400);
    const atom = f.get("erlang_vm_memory_atom_bytes_total");
    expect([value(atom, { usage: "used" }), value(atom, { usage: "free" })]).toEqual([900, 100]);
  });

  it("exposes statistics and system_info families, with counters typed as counters", async () => {
    const f = parse(await new PrometheusExporter({ snapshot: snap }).metrics());
    const expectFamily = (name: string, type: string, v: number): void => {
      expect(f.get(name)?.type, name).toBe(type);
      expect(value(f.get(name)), name).toBe(v);
    };
    expectFamily("erlang_vm_statistics_garbage_collection_number_of_gcs", "counter", 10);
    expectFamily("erlang_vm_statistics_garbage_collection_words_reclaimed", "counter", 500);
    expectFamily("erlang_vm_statistics_garbage_collection_bytes_reclaimed", "counter", 4000);
    expectFamily("erlang_vm_statistics_reductions_total", "counter", 1234);
    expectFamily("erlang_vm_statistics_run_queues_length_total", "gauge", 2);
    expectFamily("erlang_vm_process_count", "gauge", 3);
    expectFamily("erlang_vm_process_limit", "gauge", 262144);
    expectFamily("erlang_vm_schedulers", "gauge", 1);
    // not in the snapshot: not exposed (never a fake 0)
    expect(f.has("erlang_vm_statistics_context_switches")).toBe(false);
    expect(f.has("erlang_vm_port_count")).toBe(false);
    expect(f.has("erlang_vm_memory_ets_tables")).toBe(false);
  });

  it("exposes bounded per-process gauges labelled pid and name", async () => {
    const f = parse(await new PrometheusExporter({ snapshot: snap, perProcess: { limit: 2 } }).metrics());
    const mem = f.get("beamlab_process_memory_bytes");
    expect(mem?.type).toBe("gauge");
    expect(mem?.samples.map((s) => [s.labels.pid, s.labels.name, s.value])).toEqual([
      [pid(1), "init", 5000],
      [pid(2), "test:loop/0", 9000],
    ]);
    expect(f.get("beamlab_process_reductions_total")?.type).toBe("counter");
    expect(value(f.get("beamlab_process_message_queue_len"), { pid: pid(2) })).toBe(4);
    // only where the data exists
    expect(f.get("beamlab_process_binary_bytes")?.samples).toEqual([{ labels: { pid: pid(1), name: "init" }, value: 300 }]);
    expect(f.get("beamlab_process_old_heap_garbage_words")?.samples.map((s) => s.value)).toEqual([7]);
    const none = parse(await new PrometheusExporter({ snapshot: snap, perProcess: false }).metrics());
    expect([...none.keys()].some((k) => k.startsWith("beamlab_"))).toBe(false);
  });

  it("follows the source between scrapes and falls back to GC counts gathered from the bus", async () => {
    const bus = new TelemetryBus();
    const gc = new GcStatistics().attach(bus);
    let s: NodeSnapshot = { ...snap(), statistics: {} };
    const exp = new PrometheusExporter({ snapshot: () => s, gcStatistics: gc });
    bus.execute(EVENTS.gc.minor.stop, { reclaimed: 30 }, {});
    bus.execute(EVENTS.gc.minor.stop, { failed: 1 }, {});
    bus.execute(EVENTS.gc.major.stop, { reclaimed: 12 }, {});
    let f = parse(await exp.metrics());
    expect(value(f.get("erlang_vm_statistics_garbage_collection_number_of_gcs"))).toBe(2);
    expect(value(f.get("erlang_vm_statistics_garbage_collection_words_reclaimed"))).toBe(42);
    s = { ...s, system_info: { process_count: 7 }, statistics: { context_switches: 5 } };
    f = parse(await exp.metrics());
    expect(value(f.get("erlang_vm_process_count"))).toBe(7);
    expect(value(f.get("erlang_vm_statistics_context_switches"))).toBe(5);
    expect(f.has("erlang_vm_process_limit")).toBe(false);
    expect(exp.contentType).toContain("text/plain");
  });

  it("gives each exporter its own registry, so two nodes do not collide", async () => {
    const a = new PrometheusExporter({ snapshot: snap });
    const b = new PrometheusExporter({ snapshot: snap });
    expect(await a.metrics()).toBe(await b.metrics());
  });
});
