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

/** Worker `w` (pid 100 + w, under the supervisor pid 50) of a busy, healthy node at sample `i`:
 * steady work, queues that drain, garbage that gets collected. */
export function busyWorker(i: number, w: number, o: Partial<ProcessSnapshot> = {}): ProcessSnapshot {
  return proc(pid(100 + w), {
    role: "worker",
    parent: pid(50),
    reductions: 10_000 * (i + 1) + w,
    message_queue_len: (i * 7 + w * 3) % 31,
    messages_in: 1000 * i,
    messages_out: 1000 * i - ((i * 7 + w * 3) % 31),
    gc_count: { minor: 40 * i, major: 2 * i },
    liveness: { heap_live_words: 300, heap_garbage_words: 700, old_heap_live_words: 4000, old_heap_garbage_words: 500 + ((i * 977) % 1500) },
    ...o,
  });
}

/** A NodeSource over a list of snapshots: each snapshot() returns the next one (the last one repeats). */
export function scripted(snaps: NodeSnapshot[], collectAll?: () => void): { snapshot(): NodeSnapshot; collectAll?(): void } {
  let i = 0;
  const src = {
    snapshot: (): NodeSnapshot => snaps[Math.min(i++, snaps.length - 1)]!,
  };
  return collectAll === undefined ? src : { ...src, collectAll };
}
