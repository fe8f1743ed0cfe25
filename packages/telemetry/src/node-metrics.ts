/**
 * Ready-made metric readers over a {@link NodeSnapshot} for samplers: the `erlang:memory()`
 * categories, `system_info` counts, `statistics` counters, and per-process items.
 *
 * Owns: the metric names used in sampled series (`memory.total`, `process_count`, …; per process
 * `process.<pid>.<item>`). Invariant: a reader returns `undefined` (a gap) for anything the
 * snapshot does not carry, never a made-up 0.
 */
import { attrValue, type ProcAttr } from "./recon.js";
import type { MetricReader } from "./sampler.js";
import type { NodeSnapshot } from "./snapshot.js";

export const NODE_METRICS: Readonly<Record<string, MetricReader<NodeSnapshot>>> = Object.freeze({
  "memory.total": (s) => s.memory.total,
  "memory.processes": (s) => s.memory.processes,
  "memory.processes_used": (s) => s.memory.processes_used,
  "memory.system": (s) => s.memory.system,
  "memory.atom": (s) => s.memory.atom,
  "memory.binary": (s) => s.memory.binary,
  "memory.code": (s) => s.memory.code,
  "memory.ets": (s) => s.memory.ets,
  process_count: (s) => s.system_info.process_count,
  run_queue: (s) => s.statistics?.run_queue,
  reductions: (s) => s.statistics?.reductions,
  "garbage_collection.number_of_gcs": (s) => s.statistics?.garbage_collection?.number_of_gcs,
  "garbage_collection.words_reclaimed": (s) => s.statistics?.garbage_collection?.words_reclaimed,
});

/** Reads `attr` of process `pid` (a gap while the process does not exist). */
export function processMetric(pid: string, attr: ProcAttr): MetricReader<NodeSnapshot> {
  return (s) => {
    const p = s.processes.find((q) => q.pid === pid);
    return p === undefined ? undefined : attrValue(p, attr);
  };
}
