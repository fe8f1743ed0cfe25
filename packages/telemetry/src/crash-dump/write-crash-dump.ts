/**
 * Writes a {@link NodeSnapshot} as an `erl_crash.dump` in the format of OTP 25's
 * erts/emulator/beam/break.c and erl_process_dump.c (dump version 0.5), so a simulated node that
 * runs out of memory leaves the same evidence a real one does, and the same tools read it
 * (`leak-lab dump`, crashdump_viewer, recon's erl_crashdump_analyzer.sh).
 *
 * Owns: the section order and the meaning of each `=proc` field, taken from a real dump
 * (`erl +S 1 -noshell -eval 'erlang:halt("test")'` with ERL_CRASH_DUMP set) and the OTP sources:
 *  - `Stack+heap` = young heap block (words, `heap_block_size`, = process_info heap_size);
 *  - `OldHeap` = old heap block (words); `Heap fragment data` = heap fragments (`mbuf_size`);
 *  - `Heap unused` = young block − used young heap (`p->hend - p->htop`: the stack, which sits at
 *    the top of the young block, counts as unused — checked on erl: a process with stack_size 101
 *    and heap_size 0 in a 610-word block dumps `Heap unused: 610`); `OldHeap unused` = old block − used;
 *  - `BinVHeap` / `OldBinVHeap` = binary virtual heap (words of ProcBin'd binaries), with
 *    `... unused` = its block size − it;
 *  - `Memory` = process_info memory (bytes).
 * Lines whose inputs the snapshot lacks (no `garbage_collection_info`) are left out rather than
 * invented; the reader treats them as optional.
 * Per process it also writes `=proc_dictionary` / `=proc_heap` with the dictionary entries beamlab
 * knows (`'$initial_call'`, `'$ancestors'`, and the role as `'$beamlab_role'`), the ProcBins of
 * `process_info(P, binary)` as `Yc` terms and the sub-binaries of `binaries` holder rows as `Ys`
 * terms, each refc binary once as `=binary:<addr>` (zero bytes, base64: the model does not keep
 * contents). Addresses are synthetic, assigned in order (deterministic: same snapshot, same text).
 * Invariant: `readCrashDump(writeCrashDump(s))` gives back every field listed above.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { NodeSnapshot, ProcessSnapshot } from "../snapshot.js";
import { formatDumpTerm, type DumpTerm } from "./dump-term.js";

export interface CrashDumpOptions {
  /** e.g. `eheap_alloc: Cannot allocate 2545496 bytes of memory (of type "heap").` */
  readonly slogan: string;
  /** The preamble's date line (default: the snapshot time as a date from the epoch, for determinism). */
  readonly date?: string;
  readonly systemVersion?: string;
  /** Atoms line (default system_info.atom_count, else 0). */
  readonly atoms?: number;
}

/** Slogan the BEAM writes when a heap allocation fails (erl_alloc.c erts_alloc_enomem). */
export function heapAllocSlogan(bytes: number): string {
  return `eheap_alloc: Cannot allocate ${bytes} bytes of memory (of type "heap").`;
}

export const DEFAULT_SYSTEM_VERSION = "Erlang/OTP 25 [erts-13.1.5] [source] [64-bit] [smp:1:1] [ds:1:1:10] [async-threads:1] [jit:ns]";

const STATE: Record<string, string> = {
  waiting: "Waiting",
  running: "Running",
  runnable: "Scheduled",
  garbage_collecting: "Garbing",
  suspended: "Suspended",
  exiting: "Exiting",
};

function dumpDate(ms: number): string {
  // asctime-like, as the BEAM writes it: "Thu Dec  3 20:33:31 2026"
  const d = new Date(ms);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Parses `"m:f/a"` into an `{M, F, A}` term; anything else stays an atom. */
function mfaTerm(call: string): DumpTerm {
  const m = /^(.+):(.+)\/(\d+)$/.exec(call);
  if (m === null) return { kind: "atom", name: call };
  return { kind: "tuple", elements: [{ kind: "atom", name: m[1] as string }, { kind: "atom", name: m[2] as string }, { kind: "int", value: Number(m[3]) }] };
}

class AddressSpace {
  private next = 0x7f0000000000;
  alloc(words: number): string {
    const a = this.next.toString(16).toUpperCase();
    this.next += Math.max(1, words) * 8;
    return a;
  }
}

/** The dump as lines (without newlines), section by section. Streams: nothing is kept but the binary table. */
export function* crashDumpLines(s: NodeSnapshot, o: CrashDumpOptions): Generator<string> {
  const space = new AddressSpace();
  yield "=erl_crash_dump:0.5";
  yield o.date ?? dumpDate(s.time);
  yield `Slogan: ${o.slogan}`;
  yield `System version: ${o.systemVersion ?? DEFAULT_SYSTEM_VERSION}`;
  yield "Taints: ";
  yield `Atoms: ${o.atoms ?? s.system_info.atom_count ?? 0}`;
  yield "Calling Thread: scheduler:1";
  yield "=memory";
  const m = s.memory;
  yield `total: ${m.total}`;
  yield `processes: ${m.processes}`;
  yield `processes_used: ${m.processes_used}`;
  yield `system: ${m.system}`;
  yield `atom: ${m.atom}`;
  yield `atom_used: ${m.atom_used ?? m.atom}`;
  yield `binary: ${m.binary}`;
  yield `code: ${m.code}`;
  yield `ets: ${m.ets}`;

  // refc binaries: one address per binary id (from ProcBins and holder rows)
  const binAddr = new Map<number, { addr: string; size: number }>();
  const binary = (id: number, size: number): string => {
    let b = binAddr.get(id);
    if (b === undefined) {
      b = { addr: space.alloc(Math.ceil(size / 8) + 2), size };
      binAddr.set(id, b);
    }
    return b.addr;
  };
  const subsByPid = new Map<string, { id: number; size: number; sub: number }[]>();
  for (const row of s.binaries ?? []) {
    for (const h of row.holders) {
      if (h.via !== "sub_binary") continue;
      const list = subsByPid.get(h.pid) ?? [];
      list.push({ id: row.binaryId, size: row.size, sub: h.subSize ?? 0 });
      subsByPid.set(h.pid, list);
    }
  }

  for (const p of s.processes) yield* procLines(p);
  for (const p of s.processes) yield* procHeapLines(p, space, binary, subsByPid.get(p.pid) ?? []);
  for (const [, b] of [...binAddr].sort(([a], [c]) => a - c)) {
    yield `=binary:${b.addr}`;
    yield `${b.size.toString(16).toUpperCase()}:${Buffer.alloc(b.size).toString("base64")}`;
  }
  yield "=end";
}

function* procLines(p: ProcessSnapshot): Generator<string> {
  const gc = p.garbage_collection_info;
  yield `=proc:${p.pid}`;
  yield `State: ${STATE[p.status ?? "waiting"] ?? "Waiting"}`;
  if (p.registered_name !== undefined) yield `Name: ${p.registered_name}`;
  yield `Spawned as: ${p.initial_call}`;
  if (p.parent !== undefined) yield `Spawned by: ${p.parent}`;
  yield `Message queue length: ${p.message_queue_len}`;
  yield `Number of heap fragments: ${gc !== undefined && gc.mbuf_size > 0 ? 1 : 0}`;
  yield `Heap fragment data: ${gc?.mbuf_size ?? 0}`;
  if (p.links !== undefined && p.links.length > 0) yield `Link list: [${p.links.join(", ")}]`;
  yield `Reductions: ${p.reductions}`;
  const young = gc?.heap_block_size ?? p.heap_size;
  yield `Stack+heap: ${young}`;
  yield `OldHeap: ${gc?.old_heap_block_size ?? Math.max(0, p.total_heap_size - p.heap_size)}`;
  if (gc !== undefined) {
    yield `Heap unused: ${Math.max(0, gc.heap_block_size - gc.heap_size)}`;
    yield `OldHeap unused: ${Math.max(0, gc.old_heap_block_size - gc.old_heap_size)}`;
    yield `BinVHeap: ${gc.bin_vheap_size}`;
    yield `OldBinVHeap: ${gc.bin_old_vheap_size}`;
    yield `BinVHeap unused: ${Math.max(0, gc.bin_vheap_block_size - gc.bin_vheap_size)}`;
    yield `OldBinVHeap unused: ${Math.max(0, gc.bin_old_vheap_block_size - gc.bin_old_vheap_size)}`;
  }
  yield `Memory: ${p.memory}`;
}

function* procHeapLines(
  p: ProcessSnapshot,
  space: AddressSpace,
  binary: (id: number, size: number) => string,
  subs: readonly { id: number; size: number; sub: number }[],
): Generator<string> {
  const heap: string[] = [];
  const put = (t: DumpTerm, words: number): DumpTerm => {
    const addr = space.alloc(words);
    heap.push(`${addr}:${formatDumpTerm(t)}`);
    return { kind: "ptr", addr };
  };
  const pair = (key: string, value: DumpTerm): DumpTerm => put({ kind: "tuple", elements: [{ kind: "atom", name: key }, value] }, 3);
  const dict: DumpTerm[] = [];
  const dictInitial = p.dictionary?.find(([k]) => k === "$initial_call")?.[1];
  if (typeof dictInitial === "string") dict.push(pair("$initial_call", put(mfaTerm(dictInitial), 4)));
  const ancestors = p.dictionary?.find(([k]) => k === "$ancestors")?.[1] ?? (p.parent !== undefined ? [p.parent] : undefined);
  if (Array.isArray(ancestors)) {
    let list: DumpTerm = { kind: "nil" };
    for (const a of [...(ancestors as unknown[])].reverse()) {
      const head: DumpTerm = typeof a === "string" && a.startsWith("<") ? { kind: "pid", pid: a } : { kind: "atom", name: String(a) };
      list = put({ kind: "cons", head, tail: list }, 2);
    }
    dict.push(pair("$ancestors", list));
  }
  if (p.role !== undefined) dict.push(pair("$beamlab_role", { kind: "atom", name: p.role }));
  // stack roots: the ProcBins and sub-binaries the process holds
  const roots: DumpTerm[] = [];
  for (const b of p.binary ?? []) roots.push(put({ kind: "refc_binary", binp: binary(b.id, b.size), offset: 0, size: b.size }, 6));
  for (const s of subs) roots.push(put({ kind: "sub_binary", binp: binary(s.id, s.size), offset: 0, size: s.sub }, 6));
  if (dict.length > 0) {
    yield `=proc_dictionary:${p.pid}`;
    for (const d of dict) yield formatDumpTerm(d);
  }
  if (roots.length > 0) {
    yield `=proc_stack:${p.pid}`;
    let i = 0;
    for (const r of roots) yield `y${i++}:${formatDumpTerm(r)}`;
  }
  if (heap.length > 0) {
    yield `=proc_heap:${p.pid}`;
    yield* heap;
  }
}

/**
 * The whole dump as text (newline-terminated lines); or, given a path first, written to that file
 * synchronously in 64 KiB pieces (what a dying node does; the form leak-lab's `--memory-limit` calls).
 */
export function writeCrashDump(s: NodeSnapshot, o: CrashDumpOptions): string;
export function writeCrashDump(path: string, s: NodeSnapshot, o: CrashDumpOptions): void;
export function writeCrashDump(a: NodeSnapshot | string, b: NodeSnapshot | CrashDumpOptions, c?: CrashDumpOptions): string | undefined {
  if (typeof a !== "string") {
    let out = "";
    for (const line of crashDumpLines(a, b as CrashDumpOptions)) out += `${line}\n`;
    return out;
  }
  const fd = openSync(a, "w");
  try {
    let buf = "";
    for (const line of crashDumpLines(b as NodeSnapshot, c as CrashDumpOptions)) {
      buf += `${line}\n`;
      if (buf.length >= 64 * 1024) {
        writeSync(fd, buf);
        buf = "";
      }
    }
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return undefined;
}
