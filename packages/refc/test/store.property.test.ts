/**
 * Property tests of the store alone (fast-check): after any sequence of ProcBin adds/releases,
 * sub-binary adds/releases and owner exits, no count is negative, the store's refcount of every
 * binary is the sum of its holders' ProcBins, a binary is freed exactly when its last ProcBin
 * goes, bytes() is the sum of the live sizes, each owner's processBinarySummary is the count and
 * Σ size of its ProcBins, and binariesWithSubBinaries lists exactly the binaries some owner keeps
 * a sub-binary into. (The same properties over real heaps, GCs and
 * messages are in packages/heap/test/process/refc-properties.test.ts.)
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { RefcStore } from "../src/index.js";

const OWNERS = ["a", "b", "c"] as const;
type Op =
  | { readonly k: "add"; readonly owner: number; readonly bin: number }
  | { readonly k: "release"; readonly owner: number; readonly bin: number }
  | { readonly k: "sub"; readonly owner: number; readonly bin: number; readonly size: number }
  | { readonly k: "unsub"; readonly owner: number; readonly bin: number }
  | { readonly k: "exit"; readonly owner: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant("add" as const), owner: fc.nat(2), bin: fc.nat(4) }),
  fc.record({ k: fc.constant("release" as const), owner: fc.nat(2), bin: fc.nat(4) }),
  fc.record({ k: fc.constant("sub" as const), owner: fc.nat(2), bin: fc.nat(4), size: fc.integer({ min: 65, max: 99 }) }),
  fc.record({ k: fc.constant("unsub" as const), owner: fc.nat(2), bin: fc.nat(4) }),
  fc.record({ k: fc.constant("exit" as const), owner: fc.nat(2) }),
);

describe("RefcStore properties", () => {
  it("holder counts sum to the store's counts; freed exactly at the last release", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const freed = new Set<number>();
        const s = new RefcStore({ onFree: (b) => { if (freed.has(b.id)) throw new Error("freed twice"); freed.add(b.id); } });
        const datas = Array.from({ length: 5 }, (_, i) => new Uint8Array(100 + i));
        // the model: owner → bin → ProcBins / sub sizes
        const pb = new Map<string, number>();
        const subs = new Map<string, number[]>();
        const key = (o: number, b: number): string => `${o}:${b}`;
        for (const o of ops) {
          const owner = OWNERS[o.owner] as string;
          if (o.k === "add") {
            s.addProcBin(owner, datas[o.bin] as Uint8Array, 100 + o.bin);
            pb.set(key(o.owner, o.bin), (pb.get(key(o.owner, o.bin)) ?? 0) + 1);
          } else if (o.k === "release") {
            const n = pb.get(key(o.owner, o.bin)) ?? 0;
            if (n === 0) continue;
            const before = s.get(datas[o.bin] as Uint8Array);
            const total = [0, 1, 2].reduce((t, w) => t + (pb.get(key(w, o.bin)) ?? 0), 0);
            s.releaseProcBin(owner, datas[o.bin] as Uint8Array);
            pb.set(key(o.owner, o.bin), n - 1);
            if (total === 1) {
              if (before === undefined || !before.freed || s.get(datas[o.bin] as Uint8Array) !== undefined) throw new Error("not freed at the last release");
              for (const w of [0, 1, 2]) subs.delete(key(w, o.bin));
            } else if (before?.freed !== false) throw new Error("freed early");
          } else if (o.k === "sub") {
            if ((pb.get(key(o.owner, o.bin)) ?? 0) === 0) continue; // a sub-binary needs a ProcBin of its process
            s.addSubBinary(owner, datas[o.bin] as Uint8Array, o.size);
            subs.set(key(o.owner, o.bin), [...(subs.get(key(o.owner, o.bin)) ?? []), o.size]);
          } else if (o.k === "unsub") {
            const l = subs.get(key(o.owner, o.bin)) ?? [];
            const size = l.pop();
            if (size === undefined) continue;
            s.releaseSubBinary(owner, datas[o.bin] as Uint8Array, size);
          } else {
            const total = (b: number): number => [0, 1, 2].reduce((t, w) => t + (pb.get(key(w, b)) ?? 0), 0);
            const mine = [0, 1, 2, 3, 4].map((b) => pb.get(key(o.owner, b)) ?? 0);
            const dropped = s.releaseOwner(owner);
            if (dropped !== mine.reduce((a, b) => a + b, 0)) throw new Error("exit dropped a wrong count");
            for (let b = 0; b < 5; b++) {
              const wasLast = mine[b] !== 0 && total(b) === mine[b];
              pb.delete(key(o.owner, b));
              subs.delete(key(o.owner, b));
              if (wasLast) for (const w of [0, 1, 2]) subs.delete(key(w, b));
            }
          }
          s.checkInvariants();
          for (let w = 0; w < 3; w++) {
            let count = 0;
            let bytes = 0;
            for (let b = 0; b < 5; b++) {
              const n = pb.get(key(w, b)) ?? 0;
              count += n;
              bytes += n * (100 + b);
            }
            const got = s.processBinarySummary(OWNERS[w] as string);
            if (got.count !== count || got.bytes !== bytes) throw new Error(`owner ${w}: summary ${got.count}/${got.bytes}, model ${count}/${bytes}`);
          }
          const withSubs = [0, 1, 2, 3, 4].filter((b) => [0, 1, 2].some((w) => (subs.get(key(w, b)) ?? []).length > 0));
          const indexed = [0, 1, 2, 3, 4].filter((b) => s.binariesWithSubBinaries().has(datas[b] as Uint8Array));
          if (indexed.join() !== withSubs.join()) throw new Error(`sub-binary index ${indexed.join()}, model ${withSubs.join()}`);
          for (let b = 0; b < 5; b++) {
            const total = [0, 1, 2].reduce((t, w) => t + (pb.get(key(w, b)) ?? 0), 0);
            const e = s.get(datas[b] as Uint8Array);
            if ((e?.refc ?? 0) !== total) throw new Error(`bin ${b}: store ${e?.refc ?? 0}, holders ${total}`);
            if (e !== undefined && e.refc < 0) throw new Error("negative");
          }
        }
        const live = [0, 1, 2, 3, 4].filter((b) => s.get(datas[b] as Uint8Array) !== undefined);
        if (s.bytes() !== live.reduce((t, b) => t + 100 + b, 0)) throw new Error("bytes");
      }),
      { numRuns: 300 },
    );
  });
});
