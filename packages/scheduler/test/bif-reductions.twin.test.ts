/**
 * Twins of tooling/beam-oracle/recorders/bif_reductions.escript: the reductions binary:copy
 * charges (call + bytes/100, clamped at the end of the slice) and what they do to a client's
 * slices (how many messages it sends before it is preempted).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, binary, Tuple, type Binary } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

interface Copies {
  bytes: number;
  iterations: number;
  reductions: number;
}
interface Client {
  payload_bytes: number;
  messages: number;
  queue_lengths: number[];
}
const fixture = loadFixture("bif_reductions") as { copies: Copies[]; clients: Client[] };

const payload = (n: number): Binary => binary(new Uint8Array(n).fill(7));

/** copies(K, Bin): K × (loop call; binary:copy(Bin)), then wait. Its reductions. */
function copiesReductions(bytes: number, k: number): number {
  const s = new Scheduler({ refc: new RefcStore() });
  const pid = s.spawn(function* (ctx) {
    const bin = ctx.heap.pushFrame().hold(ctx.alloc(payload(bytes)));
    for (let i = 0; i < k; i++) {
      yield* ctx.call();
      ctx.binaryCopy(bin);
    }
    yield* ctx.receive(() => false);
  });
  s.run();
  return s.lookup(pid)?.reductions ?? NaN;
}

/** The client/server pair: the server's message_queue_len at each receive. */
function clientQueueLengths(bytes: number, n: number): number[] {
  const s = new Scheduler({ refc: new RefcStore() });
  const seen: number[] = [];
  const srv = s.spawn(function* (ctx) {
    for (let i = 0; i < n; i++) {
      yield* ctx.receive();
      seen.push(ctx.processInfo(ctx.self, ["message_queue_len"])?.message_queue_len ?? NaN);
      yield* ctx.call();
    }
  });
  s.spawn(function* (ctx: ProcessContext) {
    const p = ctx.heap.pushFrame().hold(ctx.alloc(payload(bytes)));
    for (let i = n; i > 0; i--) {
      ctx.send(srv, new Tuple([atom("msg"), i, ctx.binaryCopy(p)]));
      yield* ctx.call();
    }
  });
  s.run();
  return seen;
}

/** Messages per client slice: the queue length + 1 wherever a new batch starts. */
function batches(qs: readonly number[]): number[] {
  const out: number[] = [];
  let prev = -1;
  for (const q of qs) {
    if (q >= prev) out.push(q + 1);
    prev = q;
  }
  return out;
}

describe("bif_reductions.json", () => {
  const base = new Map(fixture.copies.filter((c) => c.iterations === 0).map((c) => [c.bytes, c.reductions]));
  for (const c of fixture.copies.filter((x) => x.iterations > 0)) {
    it(`binary:copy of ${c.bytes} bytes × ${c.iterations}: the reductions it adds`, () => {
      const beam = c.reductions - (base.get(c.bytes) ?? NaN);
      const sim = copiesReductions(c.bytes, c.iterations) - copiesReductions(c.bytes, 0);
      // one iteration: exact (call + BIF + bytes/100). Ten: a slice ends inside a BIF (the
      // clamp) and GCs after the BIF cost reductions; the model's count is within 1 of the
      // BEAM's (measured: 64 KB × 10 = 5,972 both, 100 KB × 10 = 10,006 vs 10,005).
      if (c.iterations === 1) expect(sim).toBe(beam);
      else expect(Math.abs(sim - beam)).toBeLessThanOrEqual(1);
    });
  }
  for (const c of fixture.clients) {
    it(`a client sending ${c.messages} binary:copy'd ${c.payload_bytes}-byte payloads: messages per slice`, () => {
      const sim = batches(clientQueueLengths(c.payload_bytes, c.messages));
      const beam = batches(c.queue_lengths);
      const mode = (xs: number[]): number => {
        const n = new Map<number, number>();
        for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
        return [...n].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? NaN;
      };
      // The client is preempted after as many sends as the BEAM's (binary:copy of 64 KB costs
      // 656 reductions: 7 a slice, not 2,000). Gap: where the server is preempted by its own
      // GC-desired rule differs, so some batches merge at other places (model 7, 11, 15, 7, 11,
      // 7, 11, 7, 8; BEAM 6, 7, 7, 7, 13, 7, 7, 7, 5): the number of client slices and the
      // most frequent batch (an uninterrupted client slice) are the BEAM's.
      expect(sim.length).toBe(beam.length);
      expect(mode(sim)).toBe(mode(beam));
    });
  }
});
