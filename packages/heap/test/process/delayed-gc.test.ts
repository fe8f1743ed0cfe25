/**
 * F_DELAY_GC (erl_gc.c delay_garbage_collection): with `delayGc` set, a heap test that fails
 * abandons the heap for a temporary one of the stack + need + 40 words instead of collecting,
 * and forces a collection for the next safe point, which counts every word allocated since
 * (young_gen_usage: the abandoned heap's use, the temporary heap's and the fragments). Until
 * then gcInfo shows the abandoned heap, as the BEAM's gc trace does at that collection's start.
 * The scheduler sets it between a receive's match and its remove_message; the end-to-end
 * measurement is scenarios' test/gen-server-work-fix-calls.twin.test.ts (gsw_fix_calls.json).
 */
import { describe, expect, it } from "vitest";
import { ProcessHeap, Tuple, type GcEvent } from "../../src/index.js";

/** A 233-word heap with a 2-word stack and `used` words of garbage on it. */
function heapWith(used: number): ProcessHeap {
  const h = new ProcessHeap({ owner: "<0.90.0>", fullsweepAfter: 65535 });
  h.setStack(2);
  h.allocGarbage(used);
  return h;
}

const gcs = (h: ProcessHeap): number => h.state.minorCount + h.state.majorCount;

describe("a collection delayed by F_DELAY_GC", () => {
  it("a failing heap test abandons the heap instead of collecting, and forces a collection", () => {
    const h = heapWith(225); // 233 − 225 − 2 = 6 free: a test for 4 fails (4 + 3 > 6)
    h.delayGc = true;
    h.heapTest(4);
    h.delayGc = false;
    expect(gcs(h)).toBe(0);
    expect(h.abandonedHeaps).toBe(1);
    expect(h.safePointDueBesidesFragments).toBe(true);
    // gcInfo shows the abandoned heap (the BEAM's trace at the collection's start does)
    expect(h.gcInfo()).toMatchObject({ heap_block_size: 233, heap_size: 225, mbuf_size: 0 });
    expect(h.totalHeapSize).toBe(233);
  });

  it("the temporary heap takes the need and 40 words more before a test fails again", () => {
    const h = heapWith(225);
    h.delayGc = true;
    h.heapTest(4);
    h.delayGc = false;
    h.allocGarbage(4); // what the test was for
    h.allocGarbage(33); // 44 − 4 − 33 = 7 free: passes (33 + 3 ≤ 40)
    expect(gcs(h)).toBe(0);
    expect(h.gcInfo().heap_size).toBe(225);
    h.allocGarbage(5); // 5 + 3 > 7: collects now
    expect(gcs(h)).toBe(1);
    expect(h.gcInfo().heap_block_size).toBe(h.heapSize);
  });

  it("the forced collection runs at the next safe point, with every word allocated since counted", () => {
    const events: GcEvent[] = [];
    const h = new ProcessHeap({ owner: "<0.90.0>", fullsweepAfter: 65535, onGc: (e) => events.push(e) });
    h.setStack(2);
    h.allocGarbage(225);
    const frame = h.pushFrame();
    h.delayGc = true;
    h.heapTest(4);
    h.delayGc = false;
    const kept = h.alloc(new Tuple([1, 2, 3])); // 4 words, in the temporary heap
    frame.set(0, kept);
    expect(events).toEqual([]);
    expect(h.safePoint()).toBe(true);
    expect(h.safePointDueBesidesFragments).toBe(false);
    // young_gen_usage: the abandoned heap's 225 words and the temporary heap's 4
    expect(events.map((e) => [e.kind, e.reason, e.wordsBefore, e.wordsAfter])).toEqual([["major", "explicit", 229, 4]]);
    expect(events[0]!.before).toMatchObject({ heap_block_size: 233, heap_size: 225, mbuf_size: 0 });
    expect(h.gcInfo().heap_size).toBe(4);
    expect(h.gcInfo().mbuf_size).toBe(0);
    expect(h.gcInfo().heap_block_size).toBe(h.heapSize);
  });

  it("without delayGc the same test collects at once", () => {
    const h = heapWith(225);
    h.heapTest(4);
    expect(gcs(h)).toBe(1);
    expect(h.abandonedHeaps).toBe(0);
    expect(h.safePointDueBesidesFragments).toBe(false);
  });
});
