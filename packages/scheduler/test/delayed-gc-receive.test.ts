/**
 * `ctx.receive(pattern, { beforeRemove })`: the matching clause's code between the match and
 * remove_message runs with the heap's collections delayed (F_DELAY_GC). A heap test that fails
 * there abandons the heap, takes the process's reductions (all but ERTS_ABANDON_HEAP_COST = 10
 * virtual) and forces a collection that runs when the process next switches — at its next call.
 * The measurement is scenarios' test/gen-server-work-fix-calls.twin.test.ts (gsw_fix_calls.json:
 * the BEAM's collection at the switch after handle_call's return, with the reply built).
 */
import { atom, Tuple } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

const go = atom("go");

/** A receiver with `free` words free below its stack when the 4-word message arrives on its heap. */
function run(free: number) {
  const trace: string[] = [];
  const s = new Scheduler({ onGcTrace: (_pid, e) => trace.push(`${e.tag} heap ${e.info.heap_size} stack ${e.info.stack_size}`) });
  let afterReceive: { abandoned: number; gcs: number } | undefined;
  let afterCall: { gcs: number } | undefined;
  const receiver = s.spawn(function* receiver(ctx: ProcessContext) {
    const heap = ctx.heap;
    ctx.setStack(2);
    heap.allocGarbage(233 - 2 - free);
    const m = (yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === go, {
      beforeRemove: () => {
        heap.heapTest(4);
      },
    })) as Tuple;
    const reply = heap.alloc(new Tuple([atom("reply"), m.elements[1]!]));
    afterReceive = { abandoned: heap.abandonedHeaps, gcs: heap.state.minorCount + heap.state.majorCount };
    const keep = heap.pushFrame(0);
    keep.hold(reply);
    yield* ctx.call(); // the next call: switched out there when the reductions are gone
    afterCall = { gcs: heap.state.minorCount + heap.state.majorCount };
    heap.popFrame(keep);
    yield* ctx.receive(); // stays
  });
  s.traceGc(receiver);
  s.spawn(function* sender(ctx: ProcessContext) {
    yield* ctx.sleep(1);
    ctx.send(receiver, new Tuple([go, 1, 2]));
  });
  s.run({ untilOnlyReceiveTimeouts: true });
  return { afterReceive: afterReceive!, afterCall: afterCall!, trace, reductions: s.lookup(receiver)!.reductions };
}

describe("a collection delayed between a receive's match and remove_message", () => {
  it("the clause's failing heap test abandons the heap; the forced collection runs at the next call", () => {
    // 10 free: the 4-word message lands on the heap (6 left), test_heap 4 fails (4 + 3 > 6)
    const r = run(10);
    expect(r.afterReceive.abandoned).toBe(1);
    expect(r.afterReceive.gcs).toBe(0);
    expect(r.afterCall.gcs).toBe(1);
    // the collection ran as the process switched (the start event shows the abandoned heap:
    // 225 words with the message, not the reply in the temporary heap); a first collection:
    // the minor fails, a major follows
    expect(r.trace.slice(0, 3)).toEqual(["gc_minor_start heap 225 stack 2", "gc_minor_end heap 225 stack 2", "gc_major_start heap 225 stack 2"]);
    // the abandoned heap costs ERTS_ABANDON_HEAP_COST = 10 reductions; the rest of the slice it
    // takes is virtual (not counted)
    expect(r.reductions - run(20).reductions).toBe(10);
  });

  it("the same receive with room for the clause collects nothing", () => {
    const r = run(20);
    expect(r.afterReceive.abandoned).toBe(0);
    expect(r.afterCall.gcs).toBe(0);
    expect(r.trace).toEqual([]);
  });
});
