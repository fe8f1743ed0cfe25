/**
 * Twin of tooling/beam-oracle/recorders/hamt_put_limit.escript: where `M#{K => V}`
 * (put_map_assoc) stops placing words on the heap, next to test_heap's limit in the same frame.
 * A fresh process (233 words; its spawn argument list [K] is 2 words on its heap) builds
 * `X = erlang:make_tuple(K, 0)` and then, with 2 y registers and its continuation on the stack,
 * one of: a literal 40-key HAMT's `#{41 => 1}` (HAlloc of a 23-word path, no heap test), a
 * literal 10-key flatmap's `#{11 => 1}` (a heap test for the 26-word flatmap) or a 24-tuple
 * (test_heap 25); then it waits. The HAMT path goes to a fragment, and the flatmap collects,
 * where free space − 3 words (BIF_CALL_STACK_WORDS: the runtime call's red zone) falls short of
 * their words; test_heap collects at free space < need + S_RESERVED (4, counted by the heap
 * package as 3 against a stack one word deeper while compiled code runs).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, mapFromEntries, markLiteral, Tuple, type GcTraceEntry, type Pid, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

type Kase = "hamt" | "flatmap" | "tuple";
interface Gc {
  tag: string;
  heap_size: number;
  mbuf_size: number;
  stack_size: number;
}
interface Row {
  k: number;
  heap_size: number;
  mbuf_size: number;
  stack_size: number;
  gcs: Gc[];
}
const fixture = loadFixture("hamt_put_limit") as { runs: { case: Kase; rows: Row[] }[] };

const literalMap = (n: number) => markLiteral(mapFromEntries(Array.from({ length: n }, (_, i) => [i + 1, i + 1] as const)));
const LIT40 = literalMap(40);
const LIT10 = literalMap(10);

/** The recorder's run of one case and K: the waiting process's sizes and its collections. */
function simulate(kase: Kase, k: number): Row {
  const gcs: Gc[] = [];
  let pid: Pid | undefined;
  const s = new Scheduler({
    onGcTrace: (p: Pid, e: GcTraceEntry) => {
      if (p.id === pid?.id) gcs.push({ tag: e.tag, heap_size: e.info.heap_size, mbuf_size: e.info.mbuf_size, stack_size: e.info.stack_size });
    },
  });
  let row: Row | undefined;
  s.spawn(function* recorder(ctx: ProcessContext) {
    pid = ctx.spawn(function* body(c: ProcessContext) {
      c.heap.allocGarbage(2); // spawn/3's argument list [K]
      yield* c.receive((t) => t === atom("start"));
      const frame = c.heap.pushFrame(3); // the initial continuation, then allocate 2: y0, y1
      frame.stackWords += 1; // while compiled code runs (frames.ts)
      const x = frame.hold(c.bifResult(new Tuple(Array.from({ length: k }, (): Term => 0)))); // make_tuple(K, 0)
      if (kase === "tuple") frame.hold(c.alloc(new Tuple(Array.from({ length: 24 }, () => x))));
      else frame.hold(c.putMapAssoc(kase === "hamt" ? LIT40 : LIT10, kase === "hamt" ? 41 : 11, 1));
      frame.stackWords -= 1;
      yield* c.receive((t) => t === atom("go"));
      c.heap.popFrame(frame);
    });
    yield* ctx.yield();
    s.traceGc(pid);
    ctx.send(pid, atom("start"));
    yield* ctx.yield();
    const info = ctx.processInfo(pid, ["garbage_collection_info", "stack_size"]); // read from outside: nothing collected
    if (info === undefined) throw new Error("process gone");
    const g = info.garbage_collection_info;
    row = { k, heap_size: g.heap_size, mbuf_size: g.mbuf_size, stack_size: info.stack_size, gcs: [...gcs] };
    ctx.exitSignal(pid, atom("kill"));
  });
  s.run();
  if (row === undefined) throw new Error("twin did not finish");
  return row;
}

describe("hamt_put_limit.json: put_map_assoc's HAlloc and heap test against test_heap", () => {
  for (const run of fixture.runs) {
    it(`${run.case}: every K's heap, fragments, stack and collections are the BEAM's`, () => {
      expect(run.rows.map((r) => simulate(run.case, r.k))).toEqual(run.rows);
    });
  }
  it("the limits: a 23-word HAMT path is on the heap up to K = 200; the flatmap collects from K = 198, test_heap 25 from K = 199", () => {
    const hamt = fixture.runs.find((r) => r.case === "hamt")!.rows;
    expect(hamt.filter((r) => r.mbuf_size === 0).map((r) => r.k).at(-1)).toBe(200);
    expect(hamt.find((r) => r.k === 201)?.mbuf_size).toBe(23);
    expect(fixture.runs.find((r) => r.case === "flatmap")!.rows.find((r) => r.gcs.length > 0)?.k).toBe(198);
    expect(fixture.runs.find((r) => r.case === "tuple")!.rows.find((r) => r.gcs.length > 0)?.k).toBe(199);
  });
});
