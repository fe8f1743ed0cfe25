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

  it("spawn_per_call: memory, heap sizes, stack and queue exactly at every checkpoint; the minor GC count within 2", () => {
    const sc = fx.servers.find((s) => s.id === "spawn_per_call");
    if (sc === undefined) throw new Error("no spawn_per_call");
    const got = runServerTwin("spawn_per_call", sc.checkpoints.map((c) => c.calls), fx.list_length);
    for (let i = 0; i < got.length; i++) {
      const b = sc.checkpoints[i] as (typeof sc.checkpoints)[number];
      const m = got[i] as (typeof got)[number];
      expect(m.process_count, `after ${b.calls}: the workers are gone`).toBe(b.process_count);
      for (const k of ITEMS) expect(m[k], `after ${b.calls} calls: ${k}`).toBe(b[k]);
      // The young heap grows (233 -> 376 -> 610 words) when a call message lands in a fragment at
      // a full heap, as on the BEAM; the count of minor GCs in between may differ by a collection
      // or two (the model's per-call words: see memory.twin.ts).
      expect(Math.abs(m.minor_gcs - b.minor_gcs), `after ${b.calls} calls: minor_gcs ${m.minor_gcs} vs ${b.minor_gcs}`).toBeLessThanOrEqual(2);
    }
    const temps = fx.servers.find((s) => s.id === "temps")?.checkpoints.at(-1)?.memory ?? 0;
    expect((got.at(-1)?.memory ?? 0) / temps).toBeLessThan(0.03); // 100 calls: a few KB vs 372 KB
  });
});

describe("otp_memory.json: one-off Agents vs Tasks under a simple_one_for_one supervisor", () => {
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
      // GAP (issue #6): the supervisor's own memory is not within 10%. Its state is OTP's
      // #state/#child records and the dynamic children's map on its heap (supervisor-state.ts),
      // and a start_child costs about what the BEAM's does (~100 words for an Agent), but the
      // young heap's growth differs: 100 Agents: model 987 + 610 words, BEAM 2586 + 376 (the
      // model's map is one object: its unchanged nodes do not age as the BEAM's do); 100 Tasks:
      // the BEAM's heap grew past 3000 words and shrank back to 233 at its 13th GC, the model's
      // stops at 1598. Asserted loosely here so that a change in either direction is seen.
      expect(m.supervisor.memory).toBeGreaterThan(b.supervisor.memory / 4);
      expect(m.supervisor.memory).toBeLessThan(b.supervisor.memory * 4);
      expect(within(m.supervisor.memory, b.supervisor.memory)).toBe(false);
    });
  }
});
