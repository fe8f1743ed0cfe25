/**
 * Twin of tooling/beam-oracle/recorders/get_my_name_gc.escript: where a nearly full process
 * collects in proc_lib:spawn_opt/4 (allocate 5; get_my_name/0 → proc_info/2 → the
 * process_info(self(), registered_name) BIF; get_ancestors/0; test_heap 10 for the init_p
 * argument list), the free space swept one word at a time, for an unregistered and a registered
 * caller. The model runs the same frames as gen's start path does (frames.ts `callGetMyName`,
 * gen-server.ts): the first collection after the explicit one must be the BEAM's — tag, heap,
 * block, fragment words and stack — or none when the BEAM had none.
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { list, Pid, Tuple, type GcTraceEntry, type Term } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { callAllocate, callGetMyName } from "../src/frames.js";

interface First { tag: string; heap_size: number; heap_block_size: number; mbuf_size: number; stack_size: number }
const fx = loadFixture("get_my_name_gc") as { min_heap_size: number; runs: { n: number; caller: "registered" | "unregistered"; body_stack: number; first: First | null }[] };

/** The body's own frame below the call (the BEAM's stack at the call, the call's return address not counted). */
function firstCollection(n: number, registered: boolean, bodyStack: number): First | null {
  const starts: GcTraceEntry[] = [];
  const s = new Scheduler({ onGcTrace: (_p: Pid, e: GcTraceEntry) => { if (e.tag === "gc_minor_start" || e.tag === "gc_major_start") starts.push(e); } });
  const p = s.spawn(
    function* body(ctx: ProcessContext) {
      if (registered) ctx.register("beamlab_get_my_name_caller");
      const heap = ctx.heap;
      const own = heap.pushFrame(bodyStack - 1);
      heap.garbageCollect(); // erlang:garbage_collect()
      own.hold(ctx.alloc(new Tuple(Array.from({ length: n }, (): Term => 0)), { need: 0 })); // erlang:make_tuple(N, 0): HAlloc
      const frame = callAllocate(heap, 5); // proc_lib:spawn_opt/4
      callGetMyName(heap, frame, registered);
      frame.hold(ctx.alloc(list([ctx.self, list([]), 0, 0, list([])]))); // test_heap 10: [Parent, Ancestors, M, F, A]
      heap.popFrame(frame);
      heap.popFrame(own);
      yield* ctx.receive(() => false);
    },
    [],
    { minHeapSize: fx.min_heap_size },
  );
  s.traceGc(p);
  s.run();
  const e = starts[1];
  if (e === undefined) return null;
  const i = e.info as unknown as Record<string, number>;
  return { tag: e.tag, heap_size: i.heap_size!, heap_block_size: i.heap_block_size!, mbuf_size: i.mbuf_size!, stack_size: i.stack_size! };
}

describe("get_my_name_gc.json: proc_lib:spawn_opt/4 on a nearly full heap", () => {
  it("records collections at each of the four points (allocate 5, get_my_name, the BIF call, test_heap 10)", () => {
    const stacks = new Set(fx.runs.map((r) => r.first?.stack_size));
    expect([...stacks].sort()).toEqual([10, 11, 12, 5, undefined].sort());
  });
  for (const caller of ["unregistered", "registered"] as const) {
    it(`${caller}: the first collection after the explicit one is the BEAM's, for every free space`, () => {
      for (const r of fx.runs.filter((x) => x.caller === caller)) {
        expect({ n: r.n, first: firstCollection(r.n, caller === "registered", r.body_stack) }).toEqual({ n: r.n, first: r.first });
      }
    });
  }
});
