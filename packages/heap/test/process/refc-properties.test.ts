/**
 * Property tests (fast-check) of the refc store driven by real process heaps: after any sequence
 * of create / send / part / copy / drop / GC / exit over three processes,
 *  - no reference count is negative (the store throws on a release without a reference);
 *  - every binary's refcount equals the ProcBins on the heaps' MSO lists (sum of holder counts);
 *  - a binary is freed exactly when its last ProcBin goes: a binary still reachable from some
 *    process's roots is alive, one on no MSO list is not in the store;
 *  - each process's process_info(P, binary) has one entry per ProcBin on its heap.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { RefcStore } from "@beamlab/refc";
import { Binary, binaryCopy, binaryPart, copyTerm, makeBinary, ProcessHeap, SubBinary, type Frame, type Term } from "../../src/index.js";

type Op =
  | { readonly k: "create"; readonly p: number; readonly size: number }
  | { readonly k: "send"; readonly from: number; readonly to: number; readonly i: number }
  | { readonly k: "part"; readonly p: number; readonly i: number; readonly len: number }
  | { readonly k: "copy"; readonly p: number; readonly i: number }
  | { readonly k: "drop"; readonly p: number; readonly i: number }
  | { readonly k: "gc"; readonly p: number; readonly minor: boolean }
  | { readonly k: "exit"; readonly p: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant("create" as const), p: fc.nat(2), size: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 40000 })) }),
  fc.record({ k: fc.constant("send" as const), from: fc.nat(2), to: fc.nat(2), i: fc.nat(7) }),
  fc.record({ k: fc.constant("part" as const), p: fc.nat(2), i: fc.nat(7), len: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 65, max: 120 })) }),
  fc.record({ k: fc.constant("copy" as const), p: fc.nat(2), i: fc.nat(7) }),
  fc.record({ k: fc.constant("drop" as const), p: fc.nat(2), i: fc.nat(7) }),
  fc.record({ k: fc.constant("gc" as const), p: fc.nat(2), minor: fc.boolean() }),
  fc.record({ k: fc.constant("exit" as const), p: fc.nat(2) }),
);

interface P {
  heap: ProcessHeap;
  frame: Frame;
  held: Term[];
}

let generation = 0;
function spawn(store: RefcStore, i: number): P {
  const heap = new ProcessHeap({ owner: `<0.${i}.${generation++}>`, refc: store, debugChecks: true, minBinVheapSize: 2000 });
  const frame = heap.pushFrame();
  return { heap, frame, held: [] };
}

function refcOf(t: Term): Binary | undefined {
  if (t instanceof Binary) return t.isRefc ? t : undefined;
  if (t instanceof SubBinary) return t.orig.isRefc ? t.orig : undefined;
  return undefined;
}

function check(store: RefcStore, procs: readonly P[], everSeen: Set<object>): void {
  store.checkInvariants();
  const counts = new Map<object, number>();
  for (const p of procs) {
    const mso = [...p.heap.state.youngMso, ...p.heap.state.oldMso];
    for (const b of mso) counts.set(b.data, (counts.get(b.data) ?? 0) + 1);
    if (store.processBinaries(p.heap.owner).length !== mso.length) throw new Error(`${p.heap.owner}: process_info(binary) ≠ its ProcBins`);
    for (const t of p.held) {
      const b = refcOf(t);
      if (b !== undefined && store.get(b.data) === undefined) throw new Error("a reachable binary was freed");
    }
  }
  for (const data of everSeen) {
    const e = store.get(data);
    const n = counts.get(data) ?? 0;
    if ((e?.refc ?? 0) !== n) throw new Error(`refc ${e?.refc ?? 0} but ${n} ProcBins on heaps`);
  }
}

function run(ops: readonly Op[]): void {
  const store = new RefcStore();
  const procs = [spawn(store, 0), spawn(store, 1), spawn(store, 2)];
  const seen = new Set<object>();
  const pick = (p: P, i: number): Term | undefined => (p.held.length === 0 ? undefined : p.held[i % p.held.length]);
  const hold = (p: P, t: Term): void => {
    p.frame.hold(t);
    p.held.push(t);
    const b = refcOf(t);
    if (b !== undefined) seen.add(b.data);
  };
  for (const o of ops) {
    switch (o.k) {
      case "create": {
        const p = procs[o.p] as P;
        hold(p, makeBinary(p.heap, o.size));
        break;
      }
      case "send": {
        const from = procs[o.from] as P;
        const to = procs[o.to] as P;
        const t = pick(from, o.i);
        if (t === undefined) break;
        const m = copyTerm(t);
        to.heap.deliverMessage(m);
        to.heap.safePoint([m]);
        hold(to, m);
        break;
      }
      case "part": {
        const p = procs[o.p] as P;
        const t = pick(p, o.i);
        if (!(t instanceof Binary || t instanceof SubBinary)) break;
        const size = t instanceof Binary ? t.byteSize : t.bitSize / 8;
        if (size < o.len) break;
        hold(p, binaryPart(p.heap, t, 0, o.len));
        break;
      }
      case "copy": {
        const p = procs[o.p] as P;
        const t = pick(p, o.i);
        if (!(t instanceof Binary || t instanceof SubBinary)) break;
        hold(p, binaryCopy(p.heap, t));
        break;
      }
      case "drop": {
        const p = procs[o.p] as P;
        const t = pick(p, o.i);
        if (t === undefined) break;
        p.frame.release(t);
        p.held = p.held.filter((x) => x !== t);
        break;
      }
      case "gc": {
        const p = procs[o.p] as P;
        p.heap.garbageCollect({ type: o.minor ? "minor" : "major" });
        break;
      }
      case "exit": {
        const p = procs[o.p] as P;
        p.heap.exit();
        if (store.processBinaries(p.heap.owner).length !== 0) throw new Error("exit left references");
        procs[o.p] = spawn(store, o.p);
        break;
      }
    }
    check(store, procs, seen);
  }
  for (const p of procs) p.heap.exit();
  if (store.size !== 0 || store.bytes() !== 0) throw new Error("binaries left after every process exited");
}

describe("refc store × process heaps (fast-check)", () => {
  it("counts never negative, holder sums equal the store, freed exactly at the last holder", () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => { run(ops); }), { numRuns: 150 });
  });
});
