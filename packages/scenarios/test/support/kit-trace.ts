/**
 * The harness of the workload kit's twin tests: runs a kit workload the way the kit recorders
 * (tooling/beam-oracle/recorders/kit_blocks.escript, kit_elixir_blocks.escript) run theirs — a
 * traced process waiting for `go`, its body, then `receive stop` — and returns its GC events in
 * the fixtures' shape and its heap once it waits.
 */
import { atom, type GcTraceEntry } from "@beamlab/heap";
import { Scheduler, type Op, type ProcessContext } from "@beamlab/scheduler";

export const ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size"] as const;
export type Ev = { tag: string } & Record<(typeof ITEMS)[number], number>;
export interface KitWorkload {
  workload: string;
  k: number;
  n: number;
  final: { reductions: number; heap_size: number; total_heap_size: number };
  events: Ev[];
}
export const GO = atom("go");

/**
 * Runs `run(ctx, w)` as the recorder's traced process (it must end in a receive). By default a
 * driver sends `go` once the process waits for it; `receiveFetchReds`: the Scheduler's option
 * on, and `go` queued before the process first runs, as the recorder sends it (spawn, trace,
 * `P ! go` on one scheduler) — so the process's receive of `go` is one fetch, as on the BEAM.
 */
export function simulateKit(w: KitWorkload, run: (ctx: ProcessContext, w: KitWorkload) => Generator<Op, void, unknown>, opts: { readonly receiveFetchReds?: boolean } = {}) {
  const events: Ev[] = [];
  const charged = opts.receiveFetchReds === true;
  const s = new Scheduler({
    receiveFetchReds: charged,
    onGcTrace: (_pid, e: GcTraceEntry) => {
      const i = e.info as unknown as Record<string, number>;
      events.push({ tag: e.tag, ...Object.fromEntries(ITEMS.map((k) => [k, i[k] as number])) } as Ev);
    },
  });
  const p = s.spawn(function* runner(ctx) {
    yield* run(ctx, w);
  }, [atom(w.workload), w.k, w.n]);
  s.traceGc(p);
  const proc = charged ? s.lookup(p) : undefined;
  if (proc !== undefined) s.deliver(proc, GO);
  else {
    s.spawn(function* driver(ctx) {
      ctx.send(p, GO);
      yield* ctx.sleep(1);
    });
  }
  s.run({ untilOnlyReceiveTimeouts: true });
  const reductions = s.lookup(p)?.reductions;
  // "final" as the recorder reads it: its wait_waiting/2 asks process_info(P, [status,
  // message_queue_len, current_function]) — current_function is answered by P itself, which then
  // runs a collection it deferred as it went to wait (pi_collect.json) — then reads the sizes
  let info: { heap_size?: number; total_heap_size?: number } | undefined;
  s.spawn(function* reader(ctx) {
    yield* ctx.call(0);
    ctx.processInfo(p, ["status", "message_queue_len", "current_function"]);
    info = ctx.processInfo(p, ["reductions", "heap_size", "total_heap_size"]);
  });
  s.run({ untilOnlyReceiveTimeouts: true });
  return { events, final: { heap_size: info?.heap_size, total_heap_size: info?.total_heap_size }, reductions, slices: s.stats.slices };
}

/** Indices of the events that differ from the BEAM's. */
export const differing = (sim: readonly Ev[], real: readonly Ev[]) => sim.flatMap((e, i) => (JSON.stringify(e) === JSON.stringify(real[i]) ? [] : [i]));
