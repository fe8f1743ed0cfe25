/**
 * The collector's own guarantees, independent of any recording: liveness is traced (nothing
 * reachable is lost, nothing unreachable survives a major), the old heap never points into the
 * young one (checked in debug mode), the root protocol's conservative frames, hibernation,
 * max_heap_size, the binary virtual heap hooks, telemetry, and O(live) cost.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { TelemetryBus } from "@beamlab/telemetry";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Binary,
  Cons,
  nil,
  OldToYoungPointer,
  ProcessHeap,
  ProcessKilled,
  Tuple,
  UseOfCollectedTerm,
  S_RESERVED,
  ertsNextHeapSize,
  flatSize,
  isHeapObject,
  list,
  nodeWords,
  type GcEvent,
  type HeapObject,
  type Term,
} from "../../src/index.js";

/** Words of everything reachable from `roots`, each object once (what a major keeps). */
function reachableWords(roots: readonly Term[]): number {
  const seen = new Set<object>();
  const work: Term[] = [...roots];
  let w = 0;
  while (work.length > 0) {
    const t = work.pop() as Term;
    if (!isHeapObject(t) || seen.has(t)) continue;
    seen.add(t);
    w += nodeWords(t, true);
    if (t instanceof Cons) work.push(t.head, t.tail);
    else if (t instanceof Tuple) work.push(...t.elements);
  }
  return w;
}

function allReachable(roots: readonly Term[]): HeapObject[] {
  const seen = new Set<HeapObject>();
  const work: Term[] = [...roots];
  while (work.length > 0) {
    const t = work.pop() as Term;
    if (!isHeapObject(t) || seen.has(t)) continue;
    seen.add(t);
    if (t instanceof Cons) work.push(t.head, t.tail);
    else if (t instanceof Tuple) work.push(...t.elements);
  }
  return [...seen];
}

type Op = { kind: "cons" | "tuple"; a: number; b: number } | { kind: "drop"; a: number } | { kind: "garbage"; n: number } | { kind: "gc"; major: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom("cons" as const, "tuple" as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop" as const), a: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("garbage" as const), n: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("gc" as const), major: fc.boolean() }) },
);

describe("liveness is traced", () => {
  it("property: nothing reachable is ever lost, nothing unreachable survives a major, old never points to young", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 0, max: 6 }), (ops, fsa) => {
        const h = new ProcessHeap({ debugChecks: true, fullsweepAfter: fsa, stack: 3 });
        const frame = h.pushFrame();
        const live: Term[] = [];
        for (const op of ops) {
          if (op.kind === "cons" || op.kind === "tuple") {
            const x = live.length > 0 ? (live[op.a % live.length] as Term) : op.a;
            const y = live.length > 0 ? (live[op.b % live.length] as Term) : nil;
            const t = op.kind === "cons" ? new Cons(x, y) : new Tuple([x, y, op.a]);
            live.push(h.alloc(t));
            frame.set(live.length - 1, t);
          } else if (op.kind === "drop" && live.length > 0) {
            const i = op.a % live.length;
            live.splice(i, 1);
            frame.clear();
            live.forEach((t, j) => { frame.set(j, t); });
          } else if (op.kind === "garbage") h.allocGarbage(op.n);
          else if (op.kind === "gc") {
            h.garbageCollect({ type: op.major ? "major" : "minor" });
            if (op.major) expect(h.state.htop).toBe(reachableWords(live));
          }
          // every reachable object carries one of this heap's current stamps
          const st = h.state;
          for (const o of allReachable(live)) expect([st.newStamp, st.matureStamp, st.oldStamp]).toContain(o.gcStamp);
          h.checkInvariants();
        }
        h.garbageCollect();
        expect(h.state.htop).toBe(reachableWords(live));
        expect(h.state.oldSz).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("a frame keeps its temporaries until it returns (more conservative than the BEAM's per-instruction liveness)", () => {
    const h = new ProcessHeap({ stack: 2 });
    const f = h.pushFrame(1);
    // a temporary that the BEAM would consider dead after its last use…
    f.hold(h.alloc(list(Array.from({ length: 50 }, (_, i) => i))));
    h.garbageCollect();
    expect(h.state.htop).toBe(100); // …is still live here, because the frame holds it
    h.popFrame(f);
    h.garbageCollect();
    expect(h.state.htop).toBe(0); // gone once the frame returned
    const g = h.pushFrame();
    const tmp2 = g.hold(h.alloc(list([1, 2, 3])));
    g.release(tmp2); // a model program can state the last use explicitly
    h.garbageCollect();
    expect(h.state.htop).toBe(0);
  });

  it("debug: an old object pointing into the young generation is reported", () => {
    const h = new ProcessHeap({ debugChecks: true });
    const f = h.pushFrame();
    const a = f.hold(h.alloc(new Cons(1, nil)));
    h.garbageCollect({ type: "minor" }); // no old heap, nothing mature: becomes a major; `a` is mature
    const b = h.alloc(new Cons(2, nil));
    (a).tail = b; // illegal: terms are immutable once published
    expect(() => { h.garbageCollect({ type: "minor" }); }).toThrow(OldToYoungPointer);
  });

  it("debug: a term used after it was collected is reported", () => {
    const h = new ProcessHeap({ debugChecks: true });
    const lost = h.alloc(new Tuple([1, 2]));
    h.garbageCollect(); // `lost` was not rooted: collected
    h.pushFrame().hold(lost);
    expect(() => { h.garbageCollect(); }).toThrow(UseOfCollectedTerm);
  });

  it("debug: a term of another process must be copied", () => {
    const p1 = new ProcessHeap({ debugChecks: true });
    const p2 = new ProcessHeap({ debugChecks: true });
    const t = p1.alloc(new Tuple([1]));
    p1.pushFrame().hold(t);
    p2.pushFrame().hold(t);
    expect(() => { p2.garbageCollect(); }).toThrow(UseOfCollectedTerm);
  });
});

describe("process heap", () => {
  it("spawn copies the argument list onto the heap and sizes the block from the heap-size table", () => {
    // erl_create_process: arg words (the argument list, copied flat) + S_RESERVED, rounded up.
    for (const n of [226, 227]) {
      const args = [new Tuple(Array.from({ length: n }, () => 0))];
      const h = new ProcessHeap({ spawnArgs: args });
      expect(h.state.htop).toBe(flatSize(list(args)));
      expect(h.heapSize).toBe(Math.max(ertsNextHeapSize(flatSize(list(args)) + S_RESERVED), ertsNextHeapSize(233)));
    }
  });

  it("min_heap_size at spawn gives the heap the BEAM gave each recorded min_heap_size_N process", () => {
    const fx = loadFixture("gc_traces") as { workloads: { id: string; spawn_opts: Record<string, unknown>; checkpoints: { process_info: { heap_size: number } }[] }[] };
    const cases = fx.workloads.filter((w) => w.id.startsWith("min_heap_size_"));
    expect(cases.length).toBeGreaterThan(3);
    for (const w of cases) {
      const minHeapSize = Number(w.id.slice("min_heap_size_".length));
      expect(new ProcessHeap({ minHeapSize }).heapSize, w.id).toBe(w.checkpoints[0]!.process_info.heap_size);
    }
  });

  it("hibernation leaves exactly live + 4 words, no old heap, and drops the frames", () => {
    const h = new ProcessHeap();
    const f = h.pushFrame();
    const l = f.hold(h.alloc(list(Array.from({ length: 300 }, (_, i) => i))));
    h.allocGarbage(5000);
    const kept = h.alloc(new Tuple([l]));
    h.hibernate([kept]);
    expect(h.heapSize).toBe(600 + 2 + 4);
    expect(h.totalHeapSize).toBe(606);
    expect(h.roots.frames).toHaveLength(0);
  });

  it("max_heap_size kill: the allocation throws ProcessKilled and the heap reports reason killed", () => {
    const h = new ProcessHeap({ maxHeapSize: 3000, stack: 5 });
    const f = h.pushFrame();
    let l: Term = nil;
    expect(() => {
      for (let i = 0; i < 5000; i++) {
        l = h.alloc(new Cons(i, l), { need: 2 });
        f.set(0, l);
      }
    }).toThrow(ProcessKilled);
    expect(h.exitReason).toBe("killed");
  });

  it("refc binaries: vheap accounting, a vheap-triggered GC at a safe point, and the swept callback", () => {
    const swept: Binary[] = [];
    const events: GcEvent[] = [];
    const h = new ProcessHeap({ onProcBinSwept: (b) => swept.push(b), onGc: (e) => events.push(e) });
    const keep = h.pushFrame().hold(h.allocBif(new Binary(new Uint8Array(100_000))));
    expect(h.state.vheap).toBe(12_500);
    for (let i = 0; i < 3; i++) h.allocBif(new Binary(new Uint8Array(100_000)));
    // 4 × 12 500 > 46 422: the safe point after the 4th BIF collects (a failed minor → a major)
    expect(events.map((e) => [e.reason, e.kind, e.afterFailedMinor])).toEqual([["vheap", "major", true]]);
    // the 2nd and 3rd binaries were garbage; the 4th is the BIF's result, still in a register
    expect(swept).toHaveLength(2);
    expect(swept).not.toContain(keep);
    expect(h.state.vheap).toBe(25_000);
  });

  it("every collection emits telemetry start/stop events with owner and reason", () => {
    const bus = new TelemetryBus();
    const seen: string[] = [];
    bus.attachMany("t", [["beamlab", "gc", "minor", "stop"], ["beamlab", "gc", "major", "stop"], ["beamlab", "gc", "major", "start"]], (ev, m, meta) => {
      seen.push(`${ev.join(".")}:${String(meta.reason)}:${String(meta.owner)}:${m.copied ?? "-"}`);
    });
    const h = new ProcessHeap({ telemetry: bus, owner: "<0.42.0>" });
    h.pushFrame().hold(h.alloc(new Tuple([1, 2, 3])));
    h.garbageCollect();
    expect(seen).toEqual(["beamlab.gc.major.start:explicit:<0.42.0>:-", "beamlab.gc.major.stop:explicit:<0.42.0>:4"]);
  });
});

describe("cost is O(live), not O(simulated size)", () => {
  it("300 processes simulating ~1 GB of mostly garbage stay within a few MB of real memory", () => {
    const before = process.memoryUsage().heapUsed;
    const heaps: ProcessHeap[] = [];
    let simulatedWords = 0;
    for (let p = 0; p < 300; p++) {
      const h = new ProcessHeap({ stack: 4 });
      const f = h.pushFrame();
      let state: Term = h.alloc(new Tuple([p, 0]));
      f.set(0, state);
      for (let r = 0; r < 200; r++) {
        h.allocGarbage(2000, { need: 2000 }); // a request's temporaries: 16 KB, dead at once
        state = h.alloc(new Tuple([p, r]));
        f.set(0, state);
        simulatedWords += 2003;
      }
      heaps.push(h);
    }
    const realBytes = process.memoryUsage().heapUsed - before;
    expect(simulatedWords * 8).toBeGreaterThan(900_000_000);
    expect(realBytes).toBeLessThan(64 * 1024 * 1024);
    expect(heaps.every((h) => h.state.minorCount + h.state.majorCount > 0)).toBe(true);
  });
});
