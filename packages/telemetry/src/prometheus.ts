/**
 * Prometheus text exposition of a simulated node, through `prom-client`, under the metric names,
 * types, labels and help texts of Erlang's prometheus.erl VM collectors
 * (`prometheus_vm_memory_collector`, `prometheus_vm_statistics_collector`,
 * `prometheus_vm_system_info_collector`), so existing Grafana dashboards for BEAM nodes work
 * unchanged; plus `beamlab_process_*` per-process gauges.
 *
 * Owns: the mapping snapshot → metric families. Each `metrics()` call takes ONE snapshot from the
 * reader and sets every family from it (a scrape is consistent).
 * Invariants:
 * - a family whose data the snapshot does not carry (e.g. no `statistics.reductions`) is not
 *   exposed at all (never exposed as a fake 0);
 * - counters are set to the source's cumulative value at each scrape (they never decrease as long
 *   as the source's counters do not);
 * - per-process series are limited to the `perProcess.limit` biggest processes by
 *   `perProcess.by` (default 50 by memory, ties by pid), labelled `pid` and `name`
 *   (registered_name or initial_call), so label cardinality stays bounded.
 * - `erlang_vm_memory_atom_bytes_total{usage="used"}` is `atom_used` when the source reports it,
 *   else `atom` (and `free` 0).
 */
import { Counter, Gauge, Registry } from "prom-client";
import { attrValue, topN, type ProcAttr } from "./recon.js";
import { comparePids, processName, reportsBinary, type NodeSnapshot, type ProcessSnapshot } from "./snapshot.js";

type Labels = Record<string, string>;
type Sample = readonly [Labels, number];

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "gauge" | "counter";
  readonly labelNames: readonly string[];
  readonly values: (s: NodeSnapshot, ctx: ScrapeContext) => readonly Sample[] | undefined;
}

interface ScrapeContext {
  readonly processes: readonly ProcessSnapshot[];
  readonly gc: { number_of_gcs: number; words_reclaimed: number } | undefined;
  readonly wordSize: number;
}

const one = (v: number | undefined): readonly Sample[] | undefined => (v === undefined ? undefined : [[{}, v]]);

/** The prometheus.erl families (names, types, labels and help texts as those collectors define them). */
const VM_FAMILIES: readonly Family[] = [
  {
    name: "erlang_vm_memory_atom_bytes_total",
    type: "gauge",
    labelNames: ["usage"],
    help: "The total amount of memory currently allocated for atoms. This memory is part of the memory presented as system memory.",
    values: (s) => {
      const used = s.memory.atom_used ?? s.memory.atom;
      return [
        [{ usage: "used" }, used],
        [{ usage: "free" }, s.memory.atom - used],
      ];
    },
  },
  {
    name: "erlang_vm_memory_bytes_total",
    type: "gauge",
    labelNames: ["kind"],
    help: "The total amount of memory currently allocated. This is the same as the sum of the memory size for processes and system.",
    values: (s) => [
      [{ kind: "system" }, s.memory.system],
      [{ kind: "processes" }, s.memory.processes],
    ],
  },
  {
    name: "erlang_vm_memory_ets_tables",
    type: "gauge",
    labelNames: [],
    help: "Erlang VM ETS Tables count.",
    values: (s) => one(s.system_info.ets_count),
  },
  {
    name: "erlang_vm_memory_processes_bytes_total",
    type: "gauge",
    labelNames: ["usage"],
    help: "The total amount of memory currently allocated for the Erlang processes.",
    values: (s) => [
      [{ usage: "used" }, s.memory.processes_used],
      [{ usage: "free" }, s.memory.processes - s.memory.processes_used],
    ],
  },
  {
    name: "erlang_vm_memory_system_bytes_total",
    type: "gauge",
    labelNames: ["usage"],
    help: "The total amount of memory currently allocated for the emulator that is not directly related to any Erlang process. Memory presented as processes is not included in this memory.",
    values: (s) => {
      const m = s.memory;
      return [
        [{ usage: "atom" }, m.atom],
        [{ usage: "binary" }, m.binary],
        [{ usage: "code" }, m.code],
        [{ usage: "ets" }, m.ets],
        [{ usage: "other" }, m.system - m.atom - m.binary - m.code - m.ets],
      ];
    },
  },
  {
    name: "erlang_vm_statistics_context_switches",
    type: "counter",
    labelNames: [],
    help: "Total number of context switches since the system started.",
    values: (s) => one(s.statistics?.context_switches),
  },
  {
    name: "erlang_vm_statistics_garbage_collection_number_of_gcs",
    type: "counter",
    labelNames: [],
    help: "Garbage collection: number of GCs.",
    values: (_s, c) => one(c.gc?.number_of_gcs),
  },
  {
    name: "erlang_vm_statistics_garbage_collection_bytes_reclaimed",
    type: "counter",
    labelNames: [],
    help: "Garbage collection: bytes reclaimed.",
    values: (_s, c) => one(c.gc === undefined ? undefined : c.gc.words_reclaimed * c.wordSize),
  },
  {
    name: "erlang_vm_statistics_garbage_collection_words_reclaimed",
    type: "counter",
    labelNames: [],
    help: "Garbage collection: words reclaimed.",
    values: (_s, c) => one(c.gc?.words_reclaimed),
  },
  {
    name: "erlang_vm_statistics_reductions_total",
    type: "counter",
    labelNames: [],
    help: "Total reductions.",
    values: (s) => one(s.statistics?.reductions),
  },
  {
    name: "erlang_vm_statistics_run_queues_length_total",
    type: "gauge",
    labelNames: [],
    help: "Length of normal run-queues.",
    values: (s) => one(s.statistics?.run_queue),
  },
  {
    name: "erlang_vm_port_count",
    type: "gauge",
    labelNames: [],
    help: "The number of ports currently existing at the local node.",
    values: (s) => one(s.system_info.port_count),
  },
  {
    name: "erlang_vm_process_count",
    type: "gauge",
    labelNames: [],
    help: "The number of processes currently existing at the local node.",
    values: (s) => one(s.system_info.process_count),
  },
  {
    name: "erlang_vm_process_limit",
    type: "gauge",
    labelNames: [],
    help: "The maximum number of simultaneously existing processes at the local node.",
    values: (s) => one(s.system_info.process_limit),
  },
  {
    name: "erlang_vm_schedulers",
    type: "gauge",
    labelNames: [],
    help: "The number of scheduler threads used by the emulator.",
    values: (s) => one(s.system_info.schedulers),
  },
  {
    name: "erlang_vm_schedulers_online",
    type: "gauge",
    labelNames: [],
    help: "The number of schedulers online.",
    values: (s) => one(s.system_info.schedulers_online),
  },
];

const perProcess = (
  name: string,
  help: string,
  type: "gauge" | "counter",
  read: (p: ProcessSnapshot) => number | undefined,
): Family => ({
  name,
  help,
  type,
  labelNames: ["pid", "name"],
  values: (_s, c) => {
    const out: Sample[] = [];
    for (const p of c.processes) {
      const v = read(p);
      if (v !== undefined) out.push([{ pid: p.pid, name: processName(p) }, v]);
    }
    return out;
  },
});

/** beamlab's per-process families (process_info items; garbage only from traced liveness). */
const PROCESS_FAMILIES: readonly Family[] = [
  perProcess("beamlab_process_memory_bytes", "process_info(Pid, memory): bytes of the process, heap and mailbox included.", "gauge", (p) => p.memory),
  perProcess("beamlab_process_heap_size_words", "process_info(Pid, heap_size): words of the young heap.", "gauge", (p) => p.heap_size),
  perProcess("beamlab_process_total_heap_size_words", "process_info(Pid, total_heap_size): words of all heap fragments, old heap included.", "gauge", (p) => p.total_heap_size),
  perProcess("beamlab_process_message_queue_len", "process_info(Pid, message_queue_len).", "gauge", (p) => p.message_queue_len),
  perProcess("beamlab_process_reductions_total", "process_info(Pid, reductions): reductions since spawn.", "counter", (p) => p.reductions),
  perProcess("beamlab_process_binary_bytes", "Bytes of refc binaries the process references (recon binary_memory).", "gauge", (p) => (reportsBinary(p) ? attrValue(p, "binary_memory") : undefined)),
  perProcess("beamlab_process_old_heap_garbage_words", "Words of the old heap that are unreachable (simulator reachability tracing).", "gauge", (p) => p.liveness?.old_heap_garbage_words),
  perProcess("beamlab_process_heap_garbage_words", "Words of the young heap that are unreachable (simulator reachability tracing).", "gauge", (p) => p.liveness?.heap_garbage_words),
];

export interface PrometheusExporterOptions {
  /** Takes the snapshot a scrape reports (e.g. `() => source.snapshot()`). */
  readonly snapshot: () => NodeSnapshot;
  /** Registry to register into (default: a fresh one, so several nodes never collide). */
  readonly registry?: Registry;
  /** Per-process families: `false` to leave them out; default `{ limit: 50, by: "memory" }`. */
  readonly perProcess?: false | { readonly limit?: number; readonly by?: ProcAttr };
  /**
   * GC counts when the snapshot has no `statistics.garbage_collection` (e.g. a {@link GcStatistics}
   * attached to the bus).
   */
  readonly gcStatistics?: { statistics(): { number_of_gcs: number; words_reclaimed: number } };
  /** Bytes per word for `bytes_reclaimed` (default 8). */
  readonly wordSize?: number;
}

type AnyMetric = Gauge | Counter;

export class PrometheusExporter {
  readonly registry: Registry;
  private readonly families: readonly Family[];
  private readonly metricsByName = new Map<string, AnyMetric>();

  constructor(private readonly opts: PrometheusExporterOptions) {
    this.registry = opts.registry ?? new Registry();
    this.families = opts.perProcess === false ? VM_FAMILIES : [...VM_FAMILIES, ...PROCESS_FAMILIES];
  }

  /** The families this exporter may expose (names), in exposition order. */
  familyNames(): string[] {
    return this.families.map((f) => f.name);
  }

  /** Takes a snapshot and updates every family from it (called by {@link metrics}). */
  update(): void {
    const s = this.opts.snapshot();
    const pp = this.opts.perProcess === false ? undefined : (this.opts.perProcess ?? {});
    const limit = pp?.limit ?? 50;
    const by = pp?.by ?? "memory";
    const chosen = new Set(topN(s.processes.map((p) => ({ pid: p.pid, value: attrValue(p, by), info: { initial_call: p.initial_call, current_function: undefined } })), limit).map((e) => e.pid));
    const ctx: ScrapeContext = {
      processes: s.processes.filter((p) => chosen.has(p.pid)).sort((a, b) => comparePids(a.pid, b.pid)),
      gc: s.statistics?.garbage_collection ?? this.opts.gcStatistics?.statistics(),
      wordSize: this.opts.wordSize ?? 8,
    };
    for (const f of this.families) {
      const values = f.values(s, ctx);
      if (values === undefined || (f.labelNames.length > 0 && values.length === 0)) {
        if (this.metricsByName.delete(f.name)) this.registry.removeSingleMetric(f.name);
        continue;
      }
      const m = this.metric(f);
      m.reset();
      for (const [labels, v] of values) {
        if (m instanceof Counter) m.inc(labels, Math.max(0, v));
        else m.set(labels, v);
      }
    }
  }

  /** Prometheus text exposition (format 0.0.4) of a fresh snapshot. */
  async metrics(): Promise<string> {
    this.update();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private metric(f: Family): AnyMetric {
    let m = this.metricsByName.get(f.name);
    if (m === undefined) {
      const config = { name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [this.registry] };
      m = f.type === "counter" ? new Counter(config) : new Gauge(config);
      this.metricsByName.set(f.name, m);
    }
    return m;
  }
}
