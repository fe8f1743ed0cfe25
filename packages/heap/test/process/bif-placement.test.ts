/**
 * ProcessHeap.allocBif's placement options: `reserve` (stack words the BIF call holds below the
 * caller's frame: HAlloc's limit that much lower) and `check: false` (no collection when the BIF
 * returns with its result in a fragment). Measured for integer_to_list on OTP 25's JIT
 * (@beamlab/scenarios kit/integer-to-list.ts); the defaults are the plain HAlloc + safe point.
 */
import { describe, expect, it } from "vitest";
import { charlist, ProcessHeap, type GcEvent } from "../../src/index.js";

/** A heap with exactly `free` words between htop and the stack. */
function heapWithFree(free: number, events: GcEvent[]): ProcessHeap {
  const h = new ProcessHeap({ onGc: (e) => events.push(e) });
  h.pushFrame(4);
  h.allocGarbage(h.freeWords - free, { need: 0 });
  expect(h.freeWords).toBe(free);
  return h;
}

describe("allocBif placement", () => {
  it("without options: on the heap when the free words hold it", () => {
    const events: GcEvent[] = [];
    const h = heapWithFree(7, events);
    h.allocBif(charlist("123"));
    expect(h.state.mbufSz).toBe(0);
    expect(h.freeWords).toBe(1);
    expect(events).toHaveLength(0);
  });
  it("reserve 2: 6 words with 7 free go to a fragment (the default safe point leaves it: it fits the free words)", () => {
    const events: GcEvent[] = [];
    const h = heapWithFree(7, events);
    h.allocBif(charlist("123"), { reserve: 2 });
    expect(h.state.mbufSz).toBe(6);
    expect(events).toHaveLength(0);
  });
  it("a fragment larger than the free words: the default safe point collects, check false does not", () => {
    const a: GcEvent[] = [];
    heapWithFree(5, a).allocBif(charlist("123"));
    expect(a.map((e) => e.reason)).toEqual(["mbuf"]);
    const b: GcEvent[] = [];
    const h = heapWithFree(5, b);
    h.allocBif(charlist("123"), { check: false });
    expect(b).toHaveLength(0);
    expect(h.state.mbufSz).toBe(6);
  });
  it("reserve 2, check false: the fragment stays until the next heap test collects", () => {
    const events: GcEvent[] = [];
    const h = heapWithFree(7, events);
    h.allocBif(charlist("123"), { reserve: 2, check: false });
    expect(h.state.mbufSz).toBe(6);
    expect(h.freeWords).toBe(7);
    expect(events).toHaveLength(0);
    h.heapTest(5);
    expect(events).toHaveLength(1);
    expect(h.state.mbufSz).toBe(0);
  });
  it("reserve 2: 6 words with 8 free stay on the heap", () => {
    const events: GcEvent[] = [];
    const h = heapWithFree(8, events);
    h.allocBif(charlist("123"), { reserve: 2, check: false });
    expect(h.state.mbufSz).toBe(0);
    expect(h.freeWords).toBe(2);
  });
});
