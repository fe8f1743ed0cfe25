// Synthetic snapshots for tests: shapes only, no BEAM measurements (the numbers are made up to
// exercise the diagnostics' semantics, not to resemble a real node).
import type { NodeSnapshot, ProcessSnapshot } from "@beamlab/telemetry";

export function proc(pid: string, o: Partial<ProcessSnapshot> = {}): ProcessSnapshot {
  return {
    pid,
    initial_call: "test:loop/0",
    message_queue_len: 0,
    memory: 1000,
    heap_size: 100,
    total_heap_size: 100,
    stack_size: 10,
    reductions: 0,
    ...o,
  };
}

export function node(time: number, processes: ProcessSnapshot[], extra: Partial<NodeSnapshot> = {}): NodeSnapshot {
  let total = 0;
  for (const p of processes) total += p.memory;
  return {
    time,
    memory: { total: total + 500, processes: total, processes_used: total, system: 500, atom: 100, binary: 200, code: 100, ets: 50 },
    system_info: { process_count: processes.length },
    processes,
    ...extra,
  };
}

export const pid = (n: number): string => `<0.${n}.0>`;

/** A NodeSource over a list of snapshots: each snapshot() returns the next one (the last one repeats). */
export function scripted(snaps: NodeSnapshot[], collectAll?: () => void): { snapshot(): NodeSnapshot; collectAll?(): void } {
  let i = 0;
  const src = {
    snapshot: (): NodeSnapshot => snaps[Math.min(i++, snaps.length - 1)]!,
  };
  return collectAll === undefined ? src : { ...src, collectAll };
}
