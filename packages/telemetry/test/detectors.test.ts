// Each detector on a synthetic leaking series, on the fixed variant of the same workload, and on a
// healthy busy node. The numbers are synthetic shapes chosen to exercise the rules, not BEAM
// measurements; the same detectors on simulated workloads (with their default options) are
// tested in @beamlab/scenarios.
import { describe, expect, it } from "vitest";
import {
  detectIdleChildren,
  detectLeaks,
  detectMailboxBacklog,
  detectPinnedRefc,
  detectSubBinaryPinning,
  detectTenuredGarbage,
  formatBytes,
  type BinaryHolderRow,
  type NodeSnapshot,
  type ProcessSnapshot,
} from "@beamlab/telemetry";
import { busyWorker, node, pid, proc } from "./fixtures.js";

const SAMPLES = 6;
const series = (f: (i: number) => ProcessSnapshot[], binaries?: (i: number) => BinaryHolderRow[]): NodeSnapshot[] =>
  Array.from({ length: SAMPLES }, (_, i) => node(i * 1000, f(i), binaries === undefined ? {} : { binaries: binaries(i) }));

const KB = 1024;
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const bins = (n: number, size: number, from = 0) => Array.from({ length: n }, (_, k) => ({ id: from + k, size, refc: 1 }));

/** A busy node in good health: lots of work, garbage that gets collected, queues that drain. */
function healthyBusy(i: number): ProcessSnapshot[] {
  const workers = Array.from({ length: 20 }, (_, w) =>
    busyWorker(i, w, {
      initial_call: "worker:loop/1",
      memory: 20_000 + ((i * 13 + w) % 7) * 1000,
      total_heap_size: 2000,
      binary: bins(3 + ((i + w) % 4), 100 * KB, w * 10),
    }),
  );
  return [
    proc(pid(50), { registered_name: "worker_sup", role: "supervisor", children: workers.map((w) => w.pid), reductions: 100 * i }),
    ...workers,
    // a cache that legitimately holds big binaries and collects regularly
    proc(pid(60), { registered_name: "blob_cache", reductions: 500 * i, total_heap_size: 1000, gc_count: { minor: 10 * i, major: i }, binary: bins(20 + i, 128 * KB, 1000) }),
    // a long-lived server whose old heap grows with live data (not garbage)
    proc(pid(61), { registered_name: "registry", reductions: 800 * i, liveness: { heap_live_words: 100, heap_garbage_words: 50, old_heap_live_words: 10_000 + 5000 * i, old_heap_garbage_words: 300 } }),
    // a big queue that is being drained
    proc(pid(62), { registered_name: "drainer", reductions: 9000 * i, message_queue_len: 600 - 100 * i }),
  ];
}
const healthyRows = (i: number): BinaryHolderRow[] => [
  { binaryId: 1, size: 2 * KB * KB, holders: [{ pid: pid(60), via: "procbin" }, { pid: pid(100), via: "sub_binary", subSize: 10 }] },
  { binaryId: 2 + i, size: 200, holders: [{ pid: pid(101), via: "sub_binary", subSize: 100 }] },
];

const healthy = series(healthyBusy, healthyRows);

describe("a healthy busy node", () => {
  it("raises no finding with the default thresholds", () => {
    expect(detectLeaks(healthy)).toEqual([]);
  });

  it("is not silent for lack of data: with thresholds at zero the same detectors see its processes", () => {
    expect(detectTenuredGarbage(healthy, { minGarbageFraction: 0, minGarbageGrowthWords: Number.NEGATIVE_INFINITY }).length).toBeGreaterThan(20);
    expect(detectMailboxBacklog(healthy, { minRisingFraction: 0, minGrowth: Number.NEGATIVE_INFINITY, minQueueLen: 0 }).length).toBeGreaterThan(20);
    expect(detectPinnedRefc(healthy, { minBinaryBytes: 0, minGrowthBytes: Number.NEGATIVE_INFINITY, maxGcs: Infinity, minBinaryToHeapRatio: 0 }).length).toBeGreaterThan(20);
    expect(detectSubBinaryPinning(healthy, { minWastedBytes: 0, minWastedFraction: 0, minSamples: 1 })).toHaveLength(1);
    expect(detectIdleChildren(healthy, { minChildGrowth: 0, minIdleFraction: 0, maxIdleReductions: Infinity })).toHaveLength(1);
  });
});

describe("tenured garbage", () => {
  const server = (i: number, o: Partial<ProcessSnapshot>): ProcessSnapshot =>
    proc(pid(40), { registered_name: "session_server", role: "server", initial_call: "session_server:init/1", reductions: 5000 * i, garbage_collection: { minor_gcs: 3 * i, fullsweep_after: 65535 }, ...o });
  const leaking = series((i) => [server(i, { liveness: { heap_live_words: 200, heap_garbage_words: 300, old_heap_live_words: 800, old_heap_garbage_words: 2000 * i } }), ...healthyBusy(i)]);
  // the same requests, each handled in a spawned process that exits: the server's old heap stays clean
  const fixed = series((i) => [
    server(i, { liveness: { heap_live_words: 200, heap_garbage_words: 300, old_heap_live_words: 800, old_heap_garbage_words: 40 } }),
    proc(pid(1000 + i), { initial_call: "session_server:handle/2", liveness: { heap_live_words: 10, heap_garbage_words: 2000, old_heap_live_words: 0, old_heap_garbage_words: 2000 * i } }),
    ...healthyBusy(i),
  ]);

  it("fires on a long-lived process whose old heap fills with unreachable data", () => {
    const f = detectTenuredGarbage(leaking);
    expect(f).toHaveLength(1);
    expect(f[0]?.kind).toBe("tenured_garbage");
    expect(f[0]?.culprits).toEqual([{ pid: pid(40), name: "session_server", initialCall: "session_server:init/1", role: "server" }]);
    expect(f[0]?.evidence).toMatchObject({ samples: 6, old_heap_garbage_words_first: 0, old_heap_garbage_words_last: 10_000, garbage_bytes: 80_000, fullsweep_after: 65535 });
    expect(f[0]?.evidence.garbage_fraction).toBeCloseTo(10_000 / 10_800, 4);
    expect(f[0]?.fix).toMatch(/spawned process/);
    expect(f[0]?.fix).toMatch(/hibernate/);
    expect(f[0]?.fix).toMatch(/fullsweep_after/);
  });

  it("stays silent on the fixed variant, and never guesses without traced liveness", () => {
    expect(detectTenuredGarbage(fixed)).toEqual([]);
    const untraced = leaking.map((s) => ({ ...s, processes: s.processes.map((p) => ({ ...p, liveness: undefined })) }));
    expect(detectTenuredGarbage(untraced)).toEqual([]);
  });

  it("honours its thresholds", () => {
    expect(detectTenuredGarbage(leaking, { minGarbageGrowthWords: 20_000 })).toEqual([]);
    expect(detectTenuredGarbage(leaking, { minGarbageFraction: 0.95 })).toEqual([]);
    // 5 of 6 samples are ≥ 50 % garbage (the first one is clean)
    expect(detectTenuredGarbage(leaking, { minHighFractionShare: 5 / 6 })).toHaveLength(1);
    expect(detectTenuredGarbage(leaking, { minHighFractionShare: 1 })).toEqual([]);
    expect(detectTenuredGarbage(leaking.slice(0, 2))).toEqual([]); // too few samples
  });

  // Old-heap garbage as the BEAM makes it: it grows while minors promote dead request data, and a
  // major (the old heap is full) clears it, then it grows again. 12 samples, a major every 4.
  const SAW = [0, 3000, 6000, 9000, 200, 3200, 6200, 9200, 100, 3100, 6100, 9100];
  const sawtooth = (n: number): NodeSnapshot[] =>
    Array.from({ length: n }, (_, i) =>
      node(i * 250, [
        server(i, {
          liveness: { heap_live_words: 200, heap_garbage_words: 300, old_heap_live_words: 800, old_heap_garbage_words: SAW[i] as number },
          gc_count: { minor: 10 * i, major: Math.floor(i / 4) },
          garbage_collection_info: { old_heap_block_size: 10_000, heap_block_size: 2000, mbuf_size: 0, recent_size: 0, stack_size: 10, old_heap_size: 800 + (SAW[i] as number), heap_size: 500, bin_vheap_size: 0, bin_vheap_block_size: 46_422, bin_old_vheap_size: 0, bin_old_vheap_block_size: 46_422 },
        }),
        ...healthyBusy(i % SAMPLES),
      ]),
    );

  it("fires on a sawtooth wherever the series ends, even right after a major", () => {
    for (let n = 5; n <= SAW.length; n++) {
      const f = detectTenuredGarbage(sawtooth(n));
      expect(f.map((x) => x.culprits[0]?.pid), `${n} samples`).toEqual([pid(40)]);
    }
    // ends right after the second major: the last sample is almost clean, the window is not
    const f = detectTenuredGarbage(sawtooth(9))[0];
    expect(f?.evidence).toMatchObject({
      samples: 9,
      old_heap_garbage_words_last: 100,
      garbage_fraction: round4(9200 / 10_000),
      garbage_bytes: 9200 * 8,
      samples_over_fraction: 6,
      garbage_growth_words: 9200,
      garbage_refills: 2,
      majors_in_window: 2,
      old_heap_size_peak: 10_000,
    });
    expect(f?.summary).toMatch(/up to 92% of its old heap is garbage \(71.9 KiB\), ≥ 50% in 6 of 9 samples, refilled 2 times across 2 major GCs/);
    expect(detectTenuredGarbage(sawtooth(12))[0]?.evidence.garbage_refills).toBe(3);
  });

  it("ignores a single spike of old-heap garbage and garbage that does not accumulate", () => {
    const spike = series((i) => [server(i, { liveness: { heap_live_words: 200, heap_garbage_words: 300, old_heap_live_words: 800, old_heap_garbage_words: i === 3 ? 9000 : 50 } }), ...healthyBusy(i)]);
    expect(detectTenuredGarbage(spike)).toEqual([]);
    // mostly garbage, but the same garbage all along (nothing promoted in the window)
    const stale = series((i) => [server(i, { liveness: { heap_live_words: 200, heap_garbage_words: 300, old_heap_live_words: 800, old_heap_garbage_words: 9000 } }), ...healthyBusy(i)]);
    expect(detectTenuredGarbage(stale)).toEqual([]);
  });
});

describe("children that never terminate", () => {
  const idleChild = (n: number): ProcessSnapshot => proc(pid(2000 + n), { initial_call: "Elixir.Agent.Server:init/1", role: "agent", parent: pid(70), reductions: 35, memory: 4000 });
  const leaking = series((i) => {
    const kids = Array.from({ length: 12 * (i + 1) }, (_, n) => idleChild(n));
    return [proc(pid(70), { registered_name: "job_sup", role: "supervisor", children: kids.map((k) => k.pid), reductions: 100 * i }), ...kids, ...healthyBusy(i)];
  });
  // same jobs as Tasks: each exits when done, so the supervisor only ever has the running ones
  const fixed = series((i) => {
    const kids = Array.from({ length: 3 }, (_, n) => proc(pid(3000 + 10 * i + n), { initial_call: "Elixir.Task.Supervised:invoke_mfa/2", parent: pid(70), reductions: 500 }));
    return [proc(pid(70), { registered_name: "job_sup", role: "supervisor", children: kids.map((k) => k.pid), reductions: 100 * i }), ...kids, ...healthyBusy(i)];
  });

  it("fires on a supervisor whose idle children pile up", () => {
    const f = detectIdleChildren(leaking);
    expect(f).toHaveLength(1);
    expect(f[0]?.culprits[0]).toEqual({ pid: pid(70), name: "job_sup", initialCall: "test:loop/0", role: "supervisor" });
    expect(f[0]?.culprits).toHaveLength(6);
    expect(f[0]?.culprits[1]?.role).toBe("agent");
    expect(f[0]?.evidence).toMatchObject({ children_first: 12, children_last: 72, children_compared: 60, idle_children: 60, idle_fraction: 1, idle_bytes: 240_000 });
    expect(f[0]?.fix).toMatch(/Task/);
  });

  it("stays silent on the fixed variant (children exit) and when the children are busy", () => {
    expect(detectIdleChildren(fixed)).toEqual([]);
    const busy = series((i) => {
      const kids = Array.from({ length: 12 * (i + 1) }, (_, n) => proc(pid(2000 + n), { parent: pid(70), reductions: 1000 * i }));
      return [proc(pid(70), { role: "supervisor", children: kids.map((k) => k.pid) }), ...kids];
    });
    expect(detectIdleChildren(busy)).toEqual([]);
  });
});

describe("refc binaries pinned by a process that rarely collects", () => {
  const router = (i: number, o: Partial<ProcessSnapshot>): ProcessSnapshot =>
    proc(pid(80), { registered_name: "router", role: "router", reductions: 2000 * i, total_heap_size: 233, heap_size: 233, ...o });
  const leaking = series((i) => [router(i, { gc_count: { minor: 1, major: 0 }, binary: bins(10 * (i + 1), 100 * KB, 5000) }), ...healthyBusy(i)]);
  // the same traffic, but the router hibernates after forwarding: it collects and lets go
  const fixed = series((i) => [router(i, { gc_count: { minor: 1 + 10 * i, major: 10 * i }, binary: bins(1, 100 * KB, 5000 + i) }), ...healthyBusy(i)]);

  it("fires on the router pattern", () => {
    const f = detectPinnedRefc(leaking);
    expect(f).toHaveLength(1);
    expect(f[0]?.culprits[0]?.name).toBe("router");
    expect(f[0]?.evidence).toMatchObject({ binary_bytes_first: 1000 * KB, binary_bytes_last: 6000 * KB, procbins_last: 60, gcs_in_window: 0, heap_bytes: 233 * 8 });
    expect(f[0]?.fix).toMatch(/hibernate|garbage_collect/i);
  });

  it("stays silent on the fixed variant, and skips processes without a cumulative GC count", () => {
    expect(detectPinnedRefc(fixed)).toEqual([]);
    const noCount = leaking.map((s) => ({ ...s, processes: s.processes.map((p) => ({ ...p, gc_count: undefined })) }));
    expect(detectPinnedRefc(noCount)).toEqual([]);
  });

  it("uses traced binary liveness when the source has it", () => {
    const traced = (garbage: number) =>
      series((i) => [router(i, { gc_count: { minor: 1, major: 0 }, binary: bins(10 * (i + 1), 100 * KB, 5000), liveness: { heap_live_words: 1, heap_garbage_words: 1, old_heap_live_words: 0, old_heap_garbage_words: 0, binary_garbage_bytes: garbage * 1000 * KB * (i + 1) } })]);
    expect(detectPinnedRefc(traced(0.9))[0]?.evidence.binary_garbage_bytes).toBe(0.9 * 6000 * KB);
    expect(detectPinnedRefc(traced(0.1))).toEqual([]); // it really uses them
  });
});

describe("sub-binary pinning", () => {
  const MB = KB * KB;
  const leakingRows = (i: number): BinaryHolderRow[] => [
    ...healthyRows(i),
    { binaryId: 900, size: 4 * MB, holders: [{ pid: pid(90), via: "sub_binary", subSize: 16 }] },
    { binaryId: 901, size: MB, holders: [{ pid: pid(90), via: "sub_binary", subSize: 16 }, { pid: pid(91), via: "sub_binary", subSize: 32 }] },
  ];
  const procs = (i: number): ProcessSnapshot[] => [proc(pid(90), { registered_name: "header_cache" }), proc(pid(91)), ...healthyBusy(i)];
  const leaking = series(procs, leakingRows);
  // binary:copy/1 of the 16-byte part: a small heap binary, and the large binaries are freed
  const fixed = series(procs, healthyRows);

  it("fires per holding process, with the bytes wasted", () => {
    const f = detectSubBinaryPinning(leaking);
    expect(f.map((x) => x.culprits[0]?.pid)).toEqual([pid(90), pid(91)]);
    expect(f[0]?.culprits[0]?.name).toBe("header_cache");
    expect(f[0]?.evidence).toMatchObject({ binaries: 2, binary_bytes: 5 * MB, used_bytes: 16 + 48, wasted_bytes: 4 * MB - 16 + MB - 48, largest_binary_bytes: 4 * MB });
    expect(f[1]?.evidence).toMatchObject({ binaries: 1, wasted_bytes: MB - 48 });
    expect(f[0]?.fix).toMatch(/binary:copy/);
  });

  it("applies the byte threshold per process: many 64 KiB payloads each pinned by 100 bytes fire", () => {
    // a cache keeping binary:part(Payload, 0, 100) of each 64 KiB payload: 65 436 bytes wasted per
    // binary (below 64 KiB), 40 of them by the last sample
    const cacheRows = (i: number): BinaryHolderRow[] => [
      ...healthyRows(i),
      ...Array.from({ length: 5 * (i + 1) }, (_, k) => ({ binaryId: 10_000 + k, size: 64 * KB, holders: [{ pid: pid(92), via: "sub_binary" as const, subSize: 100 }] })),
    ];
    const cache = series((i) => [proc(pid(92), { registered_name: "cache" }), ...healthyBusy(i)], cacheRows);
    const f = detectSubBinaryPinning(cache);
    expect(f.map((x) => x.culprits[0]?.name)).toEqual(["cache"]);
    // pinned in both of the last 2 samples: the 25 payloads cached by sample 4 (of 0..5)
    expect(f[0]?.evidence).toMatchObject({ binaries: 25, binary_bytes: 25 * 64 * KB, used_bytes: 2500, wasted_bytes: 25 * (64 * KB - 100), largest_binary_bytes: 64 * KB, largest_wasted_bytes: 64 * KB - 100 });
    expect(f[0]?.summary).toBe("cache (<0.92.0>): 2.4 KiB of sub-binaries keep 25 refc binaries of 1.6 MiB alive (1.6 MiB wasted)");
    // one such payload alone (65 436 bytes wasted) is below the per-process threshold
    const one = series((i) => [proc(pid(92)), ...healthyBusy(i)], (i) => [...healthyRows(i), { binaryId: 10_000, size: 64 * KB, holders: [{ pid: pid(92), via: "sub_binary", subSize: 100 }] }]);
    expect(detectSubBinaryPinning(one)).toEqual([]);
    expect(detectSubBinaryPinning(one, { minWastedBytes: 64 * KB - 100 })).toHaveLength(1);
  });

  it("stays silent on a small binary legitimately kept through a sub-binary, and on binaries mostly used", () => {
    // a process keeping the 1 KiB tail of a 2 KiB message, for good
    const small = series((i) => [proc(pid(93)), ...healthyBusy(i)], (i) => [...healthyRows(i), { binaryId: 20_000, size: 2 * KB, holders: [{ pid: pid(93), via: "sub_binary", subSize: KB }] }]);
    expect(detectSubBinaryPinning(small)).toEqual([]);
    // many large binaries, each ≈ 80 % used by the sub-binaries kept: not waste enough per binary
    const used = series(
      (i) => [proc(pid(94)), ...healthyBusy(i)],
      (i) => [...healthyRows(i), ...Array.from({ length: 20 }, (_, k) => ({ binaryId: 30_000 + k, size: MB, holders: [{ pid: pid(94), via: "sub_binary" as const, subSize: 800 * KB }] }))],
    );
    expect(detectSubBinaryPinning(used)).toEqual([]);
    expect(detectSubBinaryPinning(used, { minWastedFraction: 0.1 })[0]?.evidence).toMatchObject({ binaries: 20, wasted_bytes: 20 * 224 * KB });
  });

  it("stays silent on the fixed variant and on a binary pinned for one sample only", () => {
    expect(detectSubBinaryPinning(fixed)).toEqual([]);
    const once = [...fixed.slice(0, SAMPLES - 1), leaking[SAMPLES - 1]!];
    expect(detectSubBinaryPinning(once)).toEqual([]);
    expect(detectSubBinaryPinning(once, { minSamples: 1 })).toHaveLength(2);
  });
});

describe("mailbox backlog", () => {
  const leaking = series((i) => [proc(pid(95), { registered_name: "logger_sink", message_queue_len: 150 * i, messages_in: 400 * i, messages_out: 250 * i, reductions: 1000 * i }), ...healthyBusy(i)]);
  // the same load spread over a pool of workers: queues stay short
  const fixed = series((i) => [
    ...Array.from({ length: 4 }, (_, w) => proc(pid(95 + w * 1000), { message_queue_len: (i + w) % 3, messages_in: 100 * i, messages_out: 100 * i - ((i + w) % 3) })),
    ...healthyBusy(i),
  ]);

  it("fires on a queue that grows faster than it drains, with both rates", () => {
    const f = detectMailboxBacklog(leaking);
    expect(f).toHaveLength(1);
    expect(f[0]?.culprits[0]?.name).toBe("logger_sink");
    expect(f[0]?.evidence).toMatchObject({ message_queue_len_first: 0, message_queue_len_last: 750, rising_fraction: 1, growth_rate: 150, arrival_rate: 400, drain_rate: 250 });
  });

  it("stays silent on the fixed variant", () => {
    expect(detectMailboxBacklog(fixed)).toEqual([]);
  });
});

describe("detectLeaks", () => {
  it("runs every detector, in a fixed order, and can be restricted", () => {
    const mixed = series(
      (i) => [
        proc(pid(95), { message_queue_len: 150 * i }),
        proc(pid(40), { liveness: { heap_live_words: 1, heap_garbage_words: 1, old_heap_live_words: 100, old_heap_garbage_words: 2000 * i } }),
        ...healthyBusy(i),
      ],
      healthyRows,
    );
    expect(detectLeaks(mixed).map((f) => f.kind)).toEqual(["tenured_garbage", "mailbox_backlog"]);
    expect(detectLeaks(mixed, { only: ["mailbox_backlog"] }).map((f) => f.kind)).toEqual(["mailbox_backlog"]);
    expect(detectLeaks(mixed, { mailboxBacklog: { minQueueLen: 10_000 } }).map((f) => f.kind)).toEqual(["tenured_garbage"]);
    expect(detectLeaks(mixed)).toEqual(detectLeaks(mixed)); // deterministic
  });
});

describe("formatBytes (findings' sizes)", () => {
  it("prints exact bytes below 1 KiB and binary units above, as observer does", () => {
    expect(formatBytes(952)).toBe("952 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(73_600)).toBe("71.9 KiB");
    expect(formatBytes(327_352_320)).toBe("312 MiB");
    expect(formatBytes(2 * 1024 ** 3)).toBe("2.0 GiB");
  });
});
