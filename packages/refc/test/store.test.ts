/**
 * The refc store on its own: references, freeing, holders, process_info(P, binary), bin_leak.
 */
import { describe, expect, it } from "vitest";
import { binLeak, ownerKey, RefcError, RefcStore } from "../src/index.js";

/** p holds two ProcBins over a 200-byte binary and one over a 300-byte one; q one over the first. */
function twoBinaries(): { s: RefcStore; a: Uint8Array; b: Uint8Array } {
  const s = new RefcStore();
  const a = new Uint8Array(200);
  const b = new Uint8Array(300);
  s.addProcBin("p", a, 200);
  s.addProcBin("p", a, 200);
  s.addProcBin("q", a, 200);
  s.addProcBin("p", b, 300);
  return { s, a, b };
}

describe("RefcStore", () => {
  it("counts one reference per ProcBin and frees at zero", () => {
    const freed: number[] = [];
    const s = new RefcStore({ onFree: (b) => freed.push(b.id) });
    const data = new Uint8Array(100);
    const b = s.addProcBin("<0.1.0>", data, 100);
    s.addProcBin("<0.2.0>", data, 100);
    expect(b.refc).toBe(2);
    expect(s.bytes()).toBe(100);
    s.releaseProcBin("<0.1.0>", data);
    expect(b.refc).toBe(1);
    expect(b.freed).toBe(false);
    s.releaseProcBin("<0.2.0>", data);
    expect(b.freed).toBe(true);
    expect(freed).toEqual([b.id]);
    expect(s.bytes()).toBe(0);
    expect(s.size).toBe(0);
  });

  it("refuses a release without a reference (no negative counts)", () => {
    const s = new RefcStore();
    const data = new Uint8Array(70);
    expect(() => { s.releaseProcBin("p", data); }).toThrow(RefcError);
    s.addProcBin("p", data, 70);
    expect(() => { s.releaseProcBin("q", data); }).toThrow(RefcError);
  });

  it("lists holders: ProcBins and sub-binary sizes", () => {
    const s = new RefcStore();
    const payload = new Uint8Array(65536);
    s.addProcBin("router", payload, 65536);
    s.addProcBin("cache", payload, 65536);
    s.addSubBinary("cache", payload, 100);
    expect(s.holdersOf(payload)).toEqual([
      { owner: "cache", procBins: 1, subBinaries: [100] },
      { owner: "router", procBins: 1, subBinaries: [] },
    ]);
    s.releaseSubBinary("cache", payload, 100);
    expect(s.holdersOf(payload)[0]?.subBinaries).toEqual([]);
  });

  it("process_info(P, binary): one entry per ProcBin, with the shared refcount", () => {
    const { s } = twoBinaries();
    expect(s.processBinaries("p").map((x) => [x.size, x.refc])).toEqual([
      [200, 3],
      [200, 3],
      [300, 1],
    ]);
  });

  it("processBinarySummary sums processBinaries; everyHolderKeepsSubBinaries asks holdersOf without building it", () => {
    const { s, a, b } = twoBinaries();
    expect(s.processBinarySummary("p")).toEqual({ count: 3, bytes: 700 });
    expect(s.processBinarySummary("nobody")).toEqual({ count: 0, bytes: 0 });
    s.addSubBinary("p", a, 10);
    expect(s.everyHolderKeepsSubBinaries(a)).toBe(false); // q keeps none
    s.addSubBinary("q", a, 20);
    expect(s.everyHolderKeepsSubBinaries(a)).toBe(true);
    s.releaseSubBinary("q", a, 20);
    expect(s.everyHolderKeepsSubBinaries(a)).toBe(false);
    expect(s.everyHolderKeepsSubBinaries(b)).toBe(false);
    expect(s.everyHolderKeepsSubBinaries(new Uint8Array(1))).toBe(false);
  });

  it("releaseOwner (exit) drops every reference of the owner", () => {
    const s = new RefcStore();
    const a = new Uint8Array(200);
    s.addProcBin("p", a, 200);
    s.addProcBin("p", a, 200);
    s.addSubBinary("p", a, 70);
    s.addProcBin("q", a, 200);
    expect(s.releaseOwner("p")).toBe(2);
    expect(s.get(a)?.refc).toBe(1);
    expect(s.holdersOf(a)).toEqual([{ owner: "q", procBins: 1, subBinaries: [] }]);
    s.checkInvariants();
  });

  it("binLeak ranks owners by ProcBins released by the collection", () => {
    const s = new RefcStore();
    const bins = Array.from({ length: 5 }, () => new Uint8Array(100));
    for (const b of bins) s.addProcBin("router", b, 100);
    s.addProcBin("cache", bins[0] as Uint8Array, 100);
    const top = binLeak(s, 2, () => {
      for (const b of bins.slice(1)) s.releaseProcBin("router", b);
    });
    expect(top).toEqual([
      { owner: "router", released: 4, remaining: 1, remainingBytes: 100 },
      { owner: "cache", released: 0, remaining: 1, remainingBytes: 100 },
    ]);
  });
  it("process_info(P, binary) takes a pid object as well as its printed form", () => {
    const s = new RefcStore();
    const a = new Uint8Array(100);
    const b = new Uint8Array(200);
    s.addProcBin("<0.83.0>", a, 100);
    s.addProcBin("<0.83.0>", b, 200);
    s.addProcBin("<0.84.0>", b, 200);
    const pid = { id: 83, serial: 0 };
    expect(s.processBinaries(pid)).toEqual(s.processBinaries("<0.83.0>"));
    expect(s.processBinaries(pid).map((x) => [x.size, x.refc])).toEqual([[100, 1], [200, 2]]);
    expect(s.processBinaries({ id: 0, serial: 1 })).toEqual([]); // <0.0.1>: holds nothing
    expect(ownerKey({ id: 5, serial: 2 })).toBe("<0.5.2>");
  });
});
