/**
 * Twin programs replayed against refc_traces.json (tooling/beam-oracle/recorders/refc_traces.escript):
 * every process's gc trace events (all 12 fields), and at every checkpoint each process's
 * heap_size, total_heap_size, stack_size, minor_gcs, the 11 gc info items and
 * process_info(P, binary) as sorted [Size, RefCount] pairs, plus the workload's refc_bytes (Σ
 * sizes of the distinct refc binaries referenced) — exactly, traced and untraced.
 * erlang:memory(binary) is recorded but volatile (allocator overhead): it is only checked to be
 * at least refc_bytes.
 */
import { describe, expect, it } from "vitest";
import { refcFixture, twinOf, type RefcCheckpoint, type RefcEvent } from "./refc-twins.js";

const fixture = refcFixture();

function firstDiff(model: readonly RefcEvent[], beam: readonly RefcEvent[]): string | undefined {
  const n = Math.max(model.length, beam.length);
  for (let i = 0; i < n; i++) {
    const m = model[i];
    const b = beam[i];
    if (m === undefined || b === undefined) return `event #${i}: model ${m?.event ?? "(none)"} vs BEAM ${b?.event ?? "(none)"} (model ${model.length}, BEAM ${beam.length})`;
    if (m.event !== b.event) return `event #${i}: model ${m.event} vs BEAM ${b.event}\n model ${JSON.stringify(m.info)}\n BEAM  ${JSON.stringify(b.info)}`;
    for (const k of Object.keys(b.info)) if (m.info[k] !== b.info[k]) return `event #${i} ${b.event}.${k}: model ${m.info[k]} vs BEAM ${b.info[k]}\n model ${JSON.stringify(m.info)}\n BEAM  ${JSON.stringify(b.info)}`;
  }
  return undefined;
}

function view(c: RefcCheckpoint): unknown {
  return { step: c.step, refc_bytes: c.refc_bytes, processes: c.processes };
}

describe.skipIf(fixture === undefined)("refc twins reproduce refc_traces.json", () => {
  for (const w of fixture?.workloads ?? []) {
    describe(w.id, () => {
      it("trace events of every process, exactly", () => {
        const t = twinOf(w)(w, true);
        for (const [role, evs] of Object.entries(w.traced.events)) expect(firstDiff(t.run.events[role] ?? [], evs), role).toBeUndefined();
      });
      it("traced checkpoints, exactly", () => {
        const t = twinOf(w)(w, true);
        expect(t.run.checkpoints.map(view)).toEqual(w.traced.checkpoints.map(view));
      });
      it("untraced checkpoints, exactly; memory(binary) ≥ refc_bytes", () => {
        const t = twinOf(w)(w, false);
        expect(t.run.checkpoints.map(view)).toEqual(w.untraced.checkpoints.map(view));
        for (const c of w.untraced.checkpoints) expect(c.memory_binary ?? 0).toBeGreaterThanOrEqual(c.refc_bytes);
        t.store.checkInvariants();
      });
    });
  }
});
