/**
 * The memory oracle: tooling/beam-oracle/fixtures/otp_memory.json (otp_memory.escript) against
 * the TypeScript twins in memory.twin.ts. The bound is 10% on each recorded memory
 * number; most are reproduced exactly. Known gaps are asserted as gaps (see each case).
 */
import { describe, expect, it } from "vitest";
import { otpFixture, runServerTwin, runSupervisedTwin, type Measured } from "./memory.twin.js";

const fx = otpFixture();
const within = (model: number, beam: number, tol = 0.1): boolean => (beam === 0 ? model === 0 : Math.abs(model - beam) / beam <= tol);
const ITEMS = ["memory", "heap_size", "total_heap_size", "heap_block_size", "old_heap_block_size", "stack_size", "message_queue_len"] as const;

function compare(model: Measured, beam: Measured): string[] {
  const bad: string[] = [];
  for (const k of ITEMS) if (!within(model[k], beam[k])) bad.push(`${k}: model ${model[k]}, BEAM ${beam[k]}`);
  return bad;
}

describe("otp_memory.json: gen_server doing the work in the server vs in a spawned process per call", () => {
  for (const id of ["temps", "temps_hibernate"]) {
    it(`${id}: every checkpoint, every item exactly (minor_gcs and old_heap_size too)`, () => {
      const sc = fx.servers.find((s) => s.id === id);
      if (sc === undefined) throw new Error(`no ${id}`);
      const got = runServerTwin(id, sc.checkpoints.map((c) => c.calls), fx.list_length);
      for (let i = 0; i < got.length; i++) {
        const b = sc.checkpoints[i];
        const m = got[i];
        if (b === undefined || m === undefined) throw new Error("checkpoint count");
        for (const k of [...ITEMS, "minor_gcs", "process_count", "mbuf_size"] as const) expect(m[k], `${id} after ${b.calls} calls: ${k}`).toBe(b[k]);
        // old_heap_size: exact except right after the first call (model 5119, BEAM 5120: one word)
        expect(Math.abs(m.old_heap_size - b.old_heap_size), `${id} after ${b.calls} calls: old_heap_size`).toBeLessThanOrEqual(1);
      }
    });
  }

  it("spawn_per_call: exact up to 10 calls and the minor GC count at 20; later the BEAM's young heap grows (376, 610 words) where the model's stays at 233 — a known gap", () => {
    const sc = fx.servers.find((s) => s.id === "spawn_per_call");
    if (sc === undefined) throw new Error("no spawn_per_call");
    const got = runServerTwin("spawn_per_call", sc.checkpoints.map((c) => c.calls), fx.list_length);
    for (let i = 0; i < got.length; i++) {
      const b = sc.checkpoints[i] as (typeof sc.checkpoints)[number];
      const m = got[i] as (typeof got)[number];
      expect(m.process_count, `after ${b.calls}: the workers are gone`).toBe(b.process_count);
      if (b.calls <= 10) expect(compare(m, b), `after ${b.calls} calls`).toEqual([]);
      else {
        // GAP: on the BEAM a call message lands in a heap fragment at the third GC and the
        // young heap grows; the model's per-call allocations fill the heap at other points
        // (the gen_server's own temporaries are modelled as 3-word tuples, not instruction by
        // instruction). The design-level conclusion holds: the server stays small.
        expect(m.memory).toBeLessThan(b.memory);
        expect(m.memory).toBeGreaterThan(b.memory * 0.6);
      }
    }
    const temps = fx.servers.find((s) => s.id === "temps")?.checkpoints.at(-1)?.memory ?? 0;
    expect((got.at(-1)?.memory ?? 0) / temps).toBeLessThan(0.03); // 100 calls: a few KB vs 372 KB
  });
});

describe("otp_memory.json: one-off Agents vs Tasks under a (dynamic) supervisor", () => {
  for (const kind of ["agents", "tasks"] as const) {
    it(`${kind}: child count, each child's memory and the children's total exactly`, () => {
      const b = fx.supervised.find((s) => s.id === kind);
      if (b === undefined) throw new Error(`no ${kind}`);
      const m = runSupervisedTwin(kind, b.started);
      expect(m.active).toBe(b.active);
      expect(m.live_children).toBe(b.live_children);
      expect(m.children_memory).toBe(b.children_memory);
      if (b.child === null) expect(m.child).toBeNull();
      else expect(m.child === null ? ["no child"] : compare(m.child, b.child)).toEqual([]);
      // GAP: the supervisor's own heap. OTP's supervisor keeps #state/#child records (and a map
      // of dynamic children) on its heap; @beamlab/otp keeps its children table in JS and its
      // state term is a small tuple, so the supervisor process itself is not within 10%
      // (asserted loosely: same order of magnitude).
      expect(m.supervisor.memory).toBeGreaterThan(b.supervisor.memory / 5);
      expect(m.supervisor.memory).toBeLessThan(b.supervisor.memory * 5);
    });
  }
});
