// A compacted snapshot keeps what the series detectors read: the findings over a series whose
// snapshots but the last are compacted are the findings over the full series, at the default
// thresholds and at thresholds of zero (where every detector reports every process it can read).
// The series are synthetic shapes (a router pinning binaries, a sub-binary cache, busy workers),
// not BEAM measurements.
import { describe, expect, it } from "vitest";
import { binaryCount, binaryMemory, compactSnapshot, detectLeaks, reportsBinary, type BinaryHolderRow, type DetectLeaksOptions, type NodeSnapshot, type ProcessSnapshot } from "@beamlab/telemetry";
import { busyWorker, node, pid, proc } from "./fixtures.js";

const KB = 1024;
const bins = (n: number, size: number, from = 0) => Array.from({ length: n }, (_, k) => ({ id: from + k, size, refc: 1 + (k % 2) }));

function processes(i: number): ProcessSnapshot[] {
  const workers = Array.from({ length: 8 }, (_, w) => busyWorker(i, w, { binary: bins(3 + ((i + w) % 4), 100 * KB, w * 10) }));
  return [
    proc(pid(50), { registered_name: "worker_sup", role: "supervisor", children: [...workers.map((w) => w.pid), pid(91)], reductions: 100 * i }),
    ...workers,
    proc(pid(80), { registered_name: "router", role: "router", reductions: 2000 * i, total_heap_size: 233, gc_count: { minor: 1, major: 0 }, binary: bins(10 * (i + 1), 100 * KB, 5000) }),
    proc(pid(90), { registered_name: "cache" }),
    // no binary list reported: the pinned-refc detector skips it, compacted or not
    proc(pid(91), { gc_count: { minor: 0, major: 0 } }),
  ];
}
const rows = (i: number): BinaryHolderRow[] => [
  { binaryId: 1, size: 2 * KB * KB, holders: [{ pid: pid(80), via: "procbin" }, { pid: pid(100), via: "sub_binary", subSize: 10 }] },
  { binaryId: 2, size: KB, holders: [] },
  ...Array.from({ length: 5 * (i + 1) }, (_, k) => ({ binaryId: 10_000 + k, size: 64 * KB, holders: [{ pid: pid(90), via: "sub_binary" as const, subSize: 100 }] })),
];
const full: NodeSnapshot[] = Array.from({ length: 6 }, (_, i) => node(i * 1000, processes(i), { binaries: rows(i) }));
const compacted = (series: readonly NodeSnapshot[]): NodeSnapshot[] => series.map((s, i) => (i === series.length - 1 ? s : compactSnapshot(s)));

const ZERO: DetectLeaksOptions = {
  tenuredGarbage: { minGarbageFraction: 0, minGarbageGrowthWords: Number.NEGATIVE_INFINITY },
  mailboxBacklog: { minRisingFraction: 0, minGrowth: Number.NEGATIVE_INFINITY, minQueueLen: 0 },
  pinnedRefc: { minBinaryBytes: 0, minGrowthBytes: Number.NEGATIVE_INFINITY, maxGcs: Infinity, minBinaryToHeapRatio: 0 },
  subBinaryPinning: { minWastedBytes: 0, minWastedFraction: 0 },
  idleChildren: { minChildGrowth: 0, minIdleFraction: 0, maxIdleReductions: Infinity },
};

describe("compactSnapshot", () => {
  it("sums each binary list and keeps only the holder rows of binaries pinned by sub-binaries alone", () => {
    const c = compactSnapshot(full[2] as NodeSnapshot);
    const router = c.processes.find((p) => p.pid === pid(80)) as ProcessSnapshot;
    expect(router.binary).toBeUndefined();
    expect(router.binary_summary).toEqual({ count: 30, bytes: 30 * 100 * KB });
    expect([binaryMemory(router), binaryCount(router), reportsBinary(router)]).toEqual([30 * 100 * KB, 30, true]);
    expect(reportsBinary(c.processes.find((p) => p.pid === pid(91)) as ProcessSnapshot)).toBe(false);
    expect(c.binaries?.map((r) => r.binaryId)).toEqual(Array.from({ length: 15 }, (_, k) => 10_000 + k));
    expect(compactSnapshot(node(0, processes(0))).binaries).toBeUndefined();
  });

  it("leaves the series detectors' findings unchanged (all but the last snapshot compacted)", () => {
    const found = detectLeaks(full);
    expect(found.map((f) => f.kind)).toEqual(["refc_binaries_pinned", "sub_binary_pinning"]);
    expect(detectLeaks(compacted(full))).toEqual(found);
    const everything = detectLeaks(full, ZERO);
    expect([...new Set(everything.map((f) => f.kind))]).toEqual(["tenured_garbage", "children_never_terminate", "refc_binaries_pinned", "sub_binary_pinning", "mailbox_backlog"]);
    expect(detectLeaks(compacted(full), ZERO)).toEqual(everything);
    // over more samples than the sub-binary detector's window too
    const wide: DetectLeaksOptions = { ...ZERO, subBinaryPinning: { minSamples: 4, minWastedBytes: 0, minWastedFraction: 0 } };
    expect(detectLeaks(compacted(full), wide)).toEqual(detectLeaks(full, wide));
  });
});
