/**
 * The detectors on a single moment: findings from one snapshot (an erl_crash.dump, or the last
 * snapshot of a live node) when there is no series to watch a value grow.
 *
 * Owns: four rules over one {@link NodeSnapshot}, each reporting the same {@link FindingKind} as
 * its series twin (so a user sees the same name whether the evidence was a dump or a series):
 *  - tenured_garbage ("heap kept"): ≥ `minHeapProcesses` processes of one kind ({@link kindOf})
 *    whose heap blocks (young + old)
 *    are ≥ `minHeapWords` and of which at most `maxReachableFraction` is reachable (a dump lists
 *    only reachable terms on =proc_heap; a simulated node reports liveness; a live node's snapshot
 *    its `gc_probe`, what a fullsweep left). A real dump taken
 *    after per-request temporaries grew the heap shows exactly this: large, mostly unused heaps.
 *    A process whose reachable words are unknown is skipped (never guessed).
 *  - children_never_terminate: a supervisor (a process with `children`) with ≥ `minChildren`
 *    children spawned the same way (one initial call), ≥ `minIdleFraction` of them waiting with an
 *    empty queue. One moment cannot show growth; the count of same-kind idle children is the sign.
 *  - refc_binaries_pinned: a process whose binary virtual heap (BinVHeap + OldBinVHeap, or
 *    bin_vheap_size + bin_old_vheap_size: the refc binaries its ProcBins keep) minus the refc
 *    binaries it can still reach is ≥ `minBinaryBytes` and ≥ `minBinaryToHeapRatio` × its heap
 *    bytes, and that holds no sub-binaries (those are the next rule). On a live node with a
 *    `gc_probe`, what a fullsweep freed is what was held unreachable. Without a binary virtual heap
 *    size (a snapshot that lacks it) `process_info(P, binary)` is used, unreachable or not.
 *  - sub_binary_pinning: a process whose reachable sub-binaries (`Ys` on =proc_heap) are small
 *    (≤ 1 − `minWastedFraction` of) next to the refc binaries it keeps, which exceed their parts
 *    by ≥ `minWastedBytes`; or, when the snapshot has holder rows, the series rule on this one
 *    snapshot.
 *    A live snapshot cannot see sub-binaries (process_info lists ProcBins only): there this rule
 *    needs holder rows (a simulated node) or a crash dump.
 *  - mailbox_backlog: a message queue ≥ `minQueueLen`.
 * Defaults reuse the series detectors' thresholds where the quantity is the same (binary bytes and
 * ratio, wasted bytes and fraction); the others are orders of magnitude, not fitted to a fixture:
 * a 128 KiB heap (a default process starts at 233 words, 1.8 KiB), 50 children, 1,000 messages.
 * Invariant: pure and deterministic; culprits sorted by size then pid.
 */
import { culpritOf, round, WORD_BYTES, type Finding } from "./finding.js";
import { PINNED_REFC_DEFAULTS } from "./pinned-refc.js";
import { detectSubBinaryPinning, SUB_BINARY_PINNING_DEFAULTS } from "./sub-binary-pinning.js";
import { binaryMemory, byPid, comparePids, processName, type NodeSnapshot, type ProcessSnapshot } from "../snapshot.js";
import { formatBytes } from "../format-bytes.js";

export interface MomentOptions {
  readonly minHeapWords?: number;
  /** Processes of one kind that must keep such a heap (default 2: "many of one kind"). */
  readonly minHeapProcesses?: number;
  readonly maxReachableFraction?: number;
  readonly minChildren?: number;
  readonly minIdleFraction?: number;
  readonly minBinaryBytes?: number;
  readonly minBinaryToHeapRatio?: number;
  readonly minWastedBytes?: number;
  readonly minWastedFraction?: number;
  readonly minQueueLen?: number;
  /** Culprits listed per group finding (default 5). */
  readonly maxListed?: number;
}

export const MOMENT_DEFAULTS: Required<MomentOptions> = Object.freeze({
  minHeapWords: 16 * 1024,
  minHeapProcesses: 2,
  maxReachableFraction: 0.1,
  minChildren: 50,
  minIdleFraction: 0.8,
  minBinaryBytes: PINNED_REFC_DEFAULTS.minBinaryBytes,
  minBinaryToHeapRatio: PINNED_REFC_DEFAULTS.minBinaryToHeapRatio,
  minWastedBytes: SUB_BINARY_PINNING_DEFAULTS.minWastedBytes,
  minWastedFraction: SUB_BINARY_PINNING_DEFAULTS.minWastedFraction,
  minQueueLen: 1000,
  maxListed: 5,
});

/** Heap blocks and what is reachable in them, in words, from whichever source filled them in. */
export interface HeapView {
  readonly blockWords: number;
  readonly usedWords: number | undefined;
  readonly reachableWords: number | undefined;
}

export function heapView(p: ProcessSnapshot): HeapView {
  const d = p.crash_dump;
  if (d !== undefined) {
    const old = d.old_heap ?? 0;
    const used = d.heap_unused !== undefined && d.old_heap_unused !== undefined ? p.heap_size - d.heap_unused + old - d.old_heap_unused : undefined;
    return { blockWords: p.heap_size + old, usedWords: used, reachableWords: d.reachable_heap_words };
  }
  const g = p.garbage_collection_info;
  const l = p.liveness;
  const probe = p.gc_probe;
  return {
    blockWords: g !== undefined ? g.heap_block_size + g.old_heap_block_size : p.total_heap_size,
    usedWords: probe?.used_words_before ?? (g !== undefined ? g.heap_size + g.old_heap_size : undefined),
    reachableWords: l !== undefined ? l.heap_live_words + l.old_heap_live_words : probe?.used_words_after,
  };
}

/** Bytes of refc binaries the process's ProcBins keep (its binary virtual heaps), if known. */
export function binaryVheapBytes(p: ProcessSnapshot): number | undefined {
  const d = p.crash_dump;
  if (d?.bin_vheap !== undefined) return (d.bin_vheap + (d.old_bin_vheap ?? 0)) * WORD_BYTES;
  const g = p.garbage_collection_info;
  if (g !== undefined) return (g.bin_vheap_size + g.bin_old_vheap_size) * WORD_BYTES;
  return undefined;
}

const bySizeThenPid =
  (size: (p: ProcessSnapshot) => number) =>
  (a: ProcessSnapshot, b: ProcessSnapshot): number =>
    size(b) - size(a) || comparePids(a.pid, b.pid);

/**
 * How a process was spawned, as far as it is known: its initial call, except that
 * `erlang:apply/2` (a `spawn(fun ...)` without proc_lib's '$initial_call') says nothing about
 * which fun, so such a process is a kind of its own (its pid).
 */
export function kindOf(p: ProcessSnapshot): string {
  return p.initial_call === "erlang:apply/2" ? `${p.initial_call} ${p.pid}` : p.initial_call;
}

function heapKept(s: NodeSnapshot, o: Required<MomentOptions>): Finding[] {
  const groups = new Map<string, { p: ProcessSnapshot; v: HeapView }[]>();
  for (const p of s.processes) {
    const v = heapView(p);
    if (v.reachableWords === undefined || v.blockWords < o.minHeapWords) continue;
    if (v.reachableWords > o.maxReachableFraction * v.blockWords) continue;
    const key = kindOf(p);
    const g = groups.get(key) ?? [];
    g.push({ p, v });
    groups.set(key, g);
  }
  const out: Finding[] = [];
  for (const [key, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (g.length < o.minHeapProcesses) continue;
    const call = g[0]?.p.initial_call ?? key;
    let block = 0;
    let reachable = 0;
    let used = 0;
    let usedKnown = true;
    for (const { v } of g) {
      block += v.blockWords;
      reachable += v.reachableWords ?? 0;
      if (v.usedWords === undefined) usedKnown = false;
      else used += v.usedWords;
    }
    const listed = g.map((e) => e.p).sort(bySizeThenPid((p) => heapView(p).blockWords)).slice(0, o.maxListed);
    const first = listed[0] as ProcessSnapshot;
    out.push({
      kind: "tenured_garbage",
      culprits: listed.map(culpritOf),
      evidence: {
        processes: g.length,
        heap_block_words: block,
        heap_bytes: block * WORD_BYTES,
        reachable_words: reachable,
        reachable_fraction: round(reachable / block),
        ...(usedKnown ? { used_words: used, unused_words: block - used } : {}),
      },
      fix:
        "Per-request data grew the heap and the heap stayed large after it died. Do the work in a short-lived " +
        "spawned process (its heap is freed when it exits), or hibernate between requests (erlang:hibernate/3, " +
        "{reply, R, S, hibernate}: a fullsweep that shrinks the heap), or lower fullsweep_after.",
      summary: `${g.length} × ${call} (e.g. ${processName(first)} ${first.pid}): heaps of ${block} words in all, ${reachable} reachable (${Math.round((100 * reachable) / block)}%)`,
    });
  }
  return out;
}

function idleChildren(s: NodeSnapshot, o: Required<MomentOptions>): Finding[] {
  const procs = byPid(s);
  const out: Finding[] = [];
  for (const sup of s.processes) {
    if (sup.children === undefined || sup.children.length < o.minChildren) continue;
    const byCall = new Map<string, ProcessSnapshot[]>();
    for (const pid of sup.children) {
      const c = procs.get(pid);
      if (c === undefined) continue;
      byCall.set(kindOf(c), [...(byCall.get(kindOf(c)) ?? []), c]);
    }
    for (const kids of byCall.values()) {
      if (kids.length < o.minChildren) continue;
      const call = (kids[0] as ProcessSnapshot).initial_call;
      const idle = kids.filter((c) => (c.status === undefined || c.status === "waiting") && c.message_queue_len === 0);
      if (idle.length / kids.length < o.minIdleFraction) continue;
      let idleBytes = 0;
      for (const c of idle) idleBytes += c.memory;
      const listed = [...idle].sort(bySizeThenPid((p) => p.memory)).slice(0, o.maxListed);
      out.push({
        kind: "children_never_terminate",
        culprits: [culpritOf(sup), ...listed.map(culpritOf)],
        evidence: { children: sup.children.length, same_initial_call: kids.length, idle_children: idle.length, idle_fraction: round(idle.length / kids.length), idle_bytes: idleBytes },
        fix:
          "Each job gets a process that stays alive after the job is done (an Agent or GenServer per job). Run the " +
          "job in a Task (or a spawned process that returns) so it exits when done, or have the child stop itself " +
          "when its work is over and make it temporary.",
        summary: `${processName(sup)} (${sup.pid}): ${kids.length} children spawned as ${call}, ${idle.length} idle with empty queues holding ${formatBytes(idleBytes)}`,
      });
    }
  }
  return out;
}

function subBinaryBytes(p: ProcessSnapshot): { count: number; bytes: number } {
  return p.crash_dump?.sub_binaries ?? { count: 0, bytes: 0 };
}

function refcHeld(s: NodeSnapshot, o: Required<MomentOptions>): Finding[] {
  const out: Finding[] = [];
  for (const p of s.processes) {
    if (subBinaryBytes(p).count > 0) continue;
    const vheap = binaryVheapBytes(p);
    const probe = p.gc_probe;
    const probed = probe?.binary_bytes_before !== undefined && probe.binary_bytes_after !== undefined;
    // what is reachable: the dump's Yc terms; a live node's probe: what survived the fullsweep
    const reachable = p.crash_dump !== undefined ? binaryMemory(p) : probed ? (probe.binary_bytes_after ?? 0) : 0;
    const held = probed ? (probe.binary_bytes_before ?? 0) - reachable : vheap !== undefined ? vheap - reachable : binaryMemory(p);
    const heapBytes = heapView(p).blockWords * WORD_BYTES;
    const ratio = heapBytes === 0 ? Number.POSITIVE_INFINITY : held / heapBytes;
    if (held < o.minBinaryBytes || ratio < o.minBinaryToHeapRatio) continue;
    out.push({
      kind: "refc_binaries_pinned",
      culprits: [culpritOf(p)],
      evidence: {
        binary_bytes: held,
        ...(vheap !== undefined ? { binary_vheap_bytes: vheap } : {}),
        reachable_binary_bytes: reachable,
        heap_bytes: heapBytes,
        binary_to_heap_ratio: round(ratio, 2),
      },
      fix:
        "The process keeps refc binaries it no longer uses: it handles large binaries but allocates little on its " +
        "own heap, so it rarely collects. Hibernate it when idle or call erlang:garbage_collect/0 after forwarding " +
        "big binaries; do not raise min_bin_vheap_size / min_heap_size for it.",
      summary: `${processName(p)} (${p.pid}): keeps ${formatBytes(held)} of refc binaries it cannot reach (${round(ratio, 1)}× its heap)`,
    });
  }
  return out.sort((a, b) => (b.evidence.binary_bytes ?? 0) - (a.evidence.binary_bytes ?? 0));
}

function subBinaries(s: NodeSnapshot, o: Required<MomentOptions>): Finding[] {
  if (s.binaries !== undefined && s.processes.every((p) => p.crash_dump === undefined))
    return detectSubBinaryPinning([s], { minSamples: 1, minWastedBytes: o.minWastedBytes, minWastedFraction: o.minWastedFraction });
  const out: Finding[] = [];
  for (const p of s.processes) {
    const sub = subBinaryBytes(p);
    const vheap = binaryVheapBytes(p);
    if (sub.count === 0 || vheap === undefined) continue;
    const kept = vheap - binaryMemory(p);
    const wasted = kept - sub.bytes;
    if (kept <= 0 || wasted < o.minWastedBytes || wasted / kept < o.minWastedFraction) continue;
    out.push({
      kind: "sub_binary_pinning",
      culprits: [culpritOf(p)],
      evidence: { sub_binaries: sub.count, used_bytes: sub.bytes, binary_bytes: kept, wasted_bytes: wasted, wasted_fraction: round(wasted / kept) },
      fix:
        "The process keeps small parts of large binaries (sub-binaries), which keep the whole binaries alive. Copy " +
        "the part with binary:copy/1 before storing it (or sending it on), so the large binary can be freed.",
      summary: `${processName(p)} (${p.pid}): ${sub.count} sub-binaries of ${formatBytes(sub.bytes)} keep ${formatBytes(kept)} of refc binaries alive (${formatBytes(wasted)} wasted)`,
    });
  }
  return out;
}

function backlog(s: NodeSnapshot, o: Required<MomentOptions>): Finding[] {
  return s.processes
    .filter((p) => p.message_queue_len >= o.minQueueLen)
    .sort(bySizeThenPid((p) => p.message_queue_len))
    .map((p) => ({
      kind: "mailbox_backlog" as const,
      culprits: [culpritOf(p)],
      evidence: { message_queue_len: p.message_queue_len, memory: p.memory },
      fix:
        "Messages arrive faster than the process handles them. Apply back-pressure (call instead of cast, bounded " +
        "producers), shed or batch load, or spread the work over a pool of workers.",
      summary: `${processName(p)} (${p.pid}): ${p.message_queue_len} messages queued, ${formatBytes(p.memory)}`,
    }));
}

/** All single-moment rules on one snapshot, in the series detectors' order. */
export function detectAtMoment(s: NodeSnapshot, options: MomentOptions = {}): Finding[] {
  const o = { ...MOMENT_DEFAULTS, ...options };
  return [...heapKept(s, o), ...idleChildren(s, o), ...refcHeld(s, o), ...subBinaries(s, o), ...backlog(s, o)];
}
