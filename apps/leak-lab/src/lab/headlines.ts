/**
 * The headline numbers of a run: what `--band` gives a min/median/max for and `--beam` a
 * simulated/real ratio for. Node totals (final and peak `erlang:memory()`), and per role the
 * process count and the averages of `total_heap_size` (words), `memory` (bytes) and the bytes of
 * refc binaries the role's processes reference (`process_info(P, binary)` summed per process).
 *
 * Invariant: names are stable and sorted (node totals first, then roles alphabetically), so two
 * reports of the same scenario have the same headline names.
 */
import type { LabReport, ProcessReport } from "./report.js";

export type Headlines = Readonly<Record<string, number>>;

const NODE_KEYS = ["total", "processes", "binary"] as const;

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

const binaryBytes = (p: ProcessReport): number => p.binary.reduce((a, [, size]) => a + size, 0);

export function headlines(r: Pick<LabReport, "peak" | "final">): Headlines {
  const out: Record<string, number> = {};
  for (const k of NODE_KEYS) out[`final.memory.${k}`] = r.final.memory[k] ?? 0;
  out["peak.memory.total"] = r.peak.memory.total ?? 0;
  const byRole = new Map<string, ProcessReport[]>();
  for (const p of r.final.processes) {
    const role = p.role ?? "(none)";
    const list = byRole.get(role) ?? [];
    list.push(p);
    byRole.set(role, list);
  }
  for (const role of [...byRole.keys()].sort()) {
    const ps = byRole.get(role) ?? [];
    out[`${role}.count`] = ps.length;
    out[`${role}.total_heap_size`] = mean(ps.map((p) => p.total_heap_size));
    out[`${role}.memory`] = mean(ps.map((p) => p.memory));
    out[`${role}.binary`] = mean(ps.map(binaryBytes));
  }
  return out;
}

/** Whether a headline is in bytes (else words or a count), for printing. */
export function headlineUnit(name: string): "bytes" | "words" | "count" {
  if (name.endsWith(".total_heap_size")) return "words";
  if (name.endsWith(".count")) return "count";
  return "bytes";
}
