/**
 * Reads an `erl_crash.dump` (format 0.5: OTP 24 to 27) into a {@link NodeSnapshot}, streaming,
 * so a multi-gigabyte dump is read in bounded memory.
 *
 * Owns: the mapping from dump sections to snapshot fields (the inverse of write-crash-dump.ts):
 *  - `=memory` → memory; the preamble → {@link CrashDumpInfo} (date, slogan, system version,
 *    atoms); `=ets`, `=allocated_areas` → summary rows;
 *  - `=proc:<pid>` → a process: Name → registered_name, State → status, Message queue length,
 *    Reductions, Memory (bytes), Link list → links, `Stack+heap` → heap_size,
 *    `Stack+heap + OldHeap + Heap fragment data` → total_heap_size; the rest of the section
 *    (heap unused, old heap and binary virtual heaps, "Spawned as"/"by") → `crash_dump`;
 *  - `=proc_stack` → stack_size (one line per stack word, as erl_process_dump.c prints them);
 *  - `=proc_dictionary` + `=proc_heap` (+ `=literals`, for literal terms the dictionary points
 *    to) → `'$initial_call'`, `'$ancestors'` and `'$beamlab_role'` (→ role); the process's
 *    initial_call is `'$initial_call'` when present (what observer shows), else "Spawned as";
 *    parent = first ancestor (a registered name is resolved to its pid), and every process named
 *    as a parent gets `children`;
 *  - `Yc` terms on `=proc_heap` → process_info binary entries (refc binaries the process can
 *    reach), `Yc` and `Ys` → `binaries` holder rows (procbin / sub_binary), sizes from `=binary`
 *    when the dump lists the binary (a real OTP 25 dump did not list those `Ys` refer to: their
 *    bytes show only in the process's BinVHeap/OldBinVHeap); `Ys` count and bytes →
 *    `crash_dump.sub_binaries`;
 *  - reachable heap words: the words of the terms `=proc_heap` lists (only reachable terms are
 *    dumped), when every term's size is known → `crash_dump.reachable_heap_words`.
 * Bounded memory: only the current process's heap lines are kept (at most `maxHeapLines`; beyond
 * that the dictionary of that process may stay unresolved, never guessed), literal lines at most
 * `maxLiteralLines`, and lines are cut at 64 KiB (see dump-lines.ts).
 * Errors: {@link CrashDumpError} with the line and section (not a dump, another format version,
 * binary data, truncated: no `=end`).
 */
import type { BinaryHolder, BinaryHolderRow } from "../binary-holders.js";
import type { MemorySnapshot, NodeSnapshot, ProcessBinaryRef, ProcessSnapshot } from "../snapshot.js";
import { BinaryInputError, dumpFileLines, dumpLines, type LineSourceOptions } from "./dump-lines.js";
import { parseDumpTerm, type DumpTerm } from "./dump-term.js";
import type { Readable } from "node:stream";

export const SUPPORTED_DUMP_VERSION = "0.5";

export class CrashDumpError extends Error {
  constructor(
    readonly where: string,
    readonly line: number,
    readonly section: string | undefined,
    readonly problem: string,
  ) {
    super(`${where}:${line}${section !== undefined ? ` (section =${section})` : ""}: ${problem}`);
  }
}

/** What a dump says about one process beyond process_info's items (sizes in words). */
export interface CrashDumpProcessInfo {
  readonly spawned_as: string;
  readonly spawned_by?: string;
  readonly heap_unused?: number;
  readonly old_heap?: number;
  readonly old_heap_unused?: number;
  readonly heap_fragment_data?: number;
  readonly bin_vheap?: number;
  readonly old_bin_vheap?: number;
  readonly bin_vheap_unused?: number;
  readonly old_bin_vheap_unused?: number;
  /** Words of the terms listed on `=proc_heap` (reachable from the roots); absent when a term's size is unknown. */
  readonly reachable_heap_words?: number;
  readonly ancestors?: readonly string[];
  /** Sub-binaries (`Ys`) reachable on =proc_heap: how many, and the bytes they refer to. */
  readonly sub_binaries?: { readonly count: number; readonly bytes: number };
}

export interface EtsRow {
  readonly owner: string;
  readonly name: string;
  readonly objects: number;
  readonly words: number;
}

export interface CrashDumpInfo {
  readonly version: string;
  readonly date: string;
  readonly slogan: string;
  readonly system_version: string;
  readonly atoms?: number;
  readonly ets: readonly EtsRow[];
  readonly allocated_areas: Readonly<Record<string, number>>;
  readonly lines: number;
}

export interface CrashDumpProcess extends ProcessSnapshot {
  // always present on a process read from a dump
  readonly crash_dump: CrashDumpProcessInfo;
}

export interface CrashDump {
  readonly info: CrashDumpInfo;
  readonly snapshot: Omit<NodeSnapshot, "processes"> & { readonly processes: readonly CrashDumpProcess[] };
}

export interface ReadCrashDumpOptions extends LineSourceOptions {
  /** Name used in error messages (default the path, or "<stream>"). */
  readonly name?: string;
  readonly maxHeapLines?: number;
  readonly maxLiteralLines?: number;
}

interface MutableProc {
  pid: string;
  fields: Map<string, string>;
  stackWords: number;
  dict: DumpTerm[];
  reachable: number | undefined;
  refc: Map<string, number>;
  subs: { binp: string; size: number }[];
  pending: { key: string; term: DumpTerm }[];
  resolved: Map<string, unknown>;
}

/** Word size (64-bit) of a heap term as erl_process_dump.c lists it, or undefined when unknown. */
function termWords(t: DumpTerm): number | undefined {
  switch (t.kind) {
    case "tuple":
      return t.elements.length + 1;
    case "cons":
      return 2;
    case "heap_binary":
      return 2 + Math.ceil(t.size / 8); // ErlHeapBin: header, size, data
    case "refc_binary":
      return 6; // ProcBin (PROC_BIN_SIZE, OTP 25)
    case "sub_binary":
      return 5; // ErlSubBin (ERL_SUB_BIN_SIZE, OTP 25, 64-bit)
    case "atom":
    case "int":
    case "nil":
    case "pid":
    case "ptr":
      return 0; // immediates and pointers live inside the term that holds them (never a heap line of their own)
    case "other":
      return undefined;
  }
}

const STATES: Record<string, string> = {
  Waiting: "waiting",
  Running: "running",
  Scheduled: "runnable",
  Garbing: "garbage_collecting",
  Suspended: "suspended",
  Exiting: "exiting",
};

/** Converts a resolved term to a plain value: atoms and pids to strings, {M,F,A} to "M:F/A", lists to arrays. */
function plain(t: DumpTerm, lookup: (addr: string) => DumpTerm | undefined, depth = 0): unknown {
  if (depth > 64) return undefined;
  switch (t.kind) {
    case "ptr": {
      const u = lookup(t.addr);
      return u === undefined ? undefined : plain(u, lookup, depth + 1);
    }
    case "atom":
      return t.name;
    case "pid":
      return t.pid;
    case "int":
      return t.value;
    case "nil":
      return [];
    case "tuple": {
      const els = t.elements.map((e) => plain(e, lookup, depth + 1));
      if (els.length === 3 && typeof els[0] === "string" && typeof els[1] === "string" && typeof els[2] === "number") return `${els[0]}:${els[1]}/${els[2]}`;
      return els;
    }
    case "cons": {
      const out: unknown[] = [];
      let cur: DumpTerm | undefined = t;
      for (let i = 0; cur !== undefined && i < 10_000; i++) {
        if (cur.kind === "ptr") cur = lookup(cur.addr);
        else if (cur.kind === "cons") {
          out.push(plain(cur.head, lookup, depth + 1));
          cur = cur.tail;
        } else if (cur.kind === "nil") return out;
        else return undefined;
      }
      return undefined;
    }
    case "heap_binary":
    case "refc_binary":
    case "sub_binary":
    case "other":
      return undefined;
  }
}

const DICT_KEYS = new Set(["$initial_call", "$ancestors", "$beamlab_role"]);

/** The `=proc` fields a process keeps (the others, e.g. Program counter, are not held: memory per process stays small). */
const PROC_FIELDS = new Set([
  "State",
  "Name",
  "Spawned as",
  "Spawned by",
  "Message queue length",
  "Heap fragment data",
  "Reductions",
  "Stack+heap",
  "OldHeap",
  "Heap unused",
  "OldHeap unused",
  "BinVHeap",
  "OldBinVHeap",
  "BinVHeap unused",
  "OldBinVHeap unused",
  "Memory",
  "Link list",
]);

export async function readCrashDump(source: string | Readable, options: ReadCrashDumpOptions = {}): Promise<CrashDump> {
  const where = options.name ?? (typeof source === "string" ? source : "<stream>");
  const maxHeap = options.maxHeapLines ?? 500_000;
  const maxLiterals = options.maxLiteralLines ?? 200_000;
  const lines = typeof source === "string" ? dumpFileLines(source, options) : dumpLines(source, options);

  let version: string | undefined;
  let date = "";
  let slogan = "";
  let systemVersion = "";
  let atoms: number | undefined;
  const memory: Record<string, number> = {};
  const allocated: Record<string, number> = {};
  const ets: EtsRow[] = [];
  let etsRow: { owner: string; name: string; objects: number; words: number } | undefined;
  const procs = new Map<string, MutableProc>();
  const order: string[] = [];
  const binarySize = new Map<string, number>();
  const literals = new Map<string, DumpTerm>();
  let section: string | undefined;
  let sectionArg = "";
  let cur: MutableProc | undefined;
  let heap = new Map<string, DumpTerm>();
  let heapUnknown = false;
  let sawEnd = false;
  let lastNo = 0;

  const proc = (pid: string): MutableProc => {
    let p = procs.get(pid);
    if (p === undefined) {
      p = { pid, fields: new Map(), stackWords: 0, dict: [], reachable: undefined, refc: new Map(), subs: [], pending: [], resolved: new Map() };
      procs.set(pid, p);
      order.push(pid);
    }
    return p;
  };

  const resolveDict = (p: MutableProc, lookup: (a: string) => DumpTerm | undefined): void => {
    const still: { key: string; term: DumpTerm }[] = [];
    const entries = p.pending.length > 0 ? p.pending : p.dict.map((term) => ({ key: "", term }));
    p.dict = []; // what is still unresolved moves to pending
    for (const e of entries) {
      let term = e.term;
      if (term.kind === "ptr") term = lookup(term.addr) ?? term;
      if (term.kind === "ptr") {
        still.push(e);
        continue;
      }
      if (term.kind !== "tuple" || term.elements.length !== 2) continue;
      const k = term.elements[0];
      if (k?.kind !== "atom" || !DICT_KEYS.has(k.name)) continue;
      const v = plain(term.elements[1] as DumpTerm, lookup);
      if (v === undefined) still.push({ key: k.name, term });
      else p.resolved.set(k.name, v);
    }
    p.pending = still;
  };

  const endHeap = (): void => {
    if (cur === undefined) return;
    if (section === "proc_heap") {
      cur.reachable = heapUnknown ? undefined : cur.reachable;
      const h = heap;
      resolveDict(cur, (a) => h.get(a));
      heap = new Map();
    } else if (section === "proc_dictionary" && cur.pending.length === 0) {
      resolveDict(cur, () => undefined);
    }
  };

  const fail = (line: number, problem: string): never => {
    throw new CrashDumpError(where, line, section === undefined ? undefined : `${section}${sectionArg !== "" ? `:${sectionArg}` : ""}`, problem);
  };

  try {
    for await (const batch of lines) {
      for (const l of batch) {
        lastNo = l.no;
        const text = l.text;
        if (l.no === 1) {
          const m = /^=erl_crash_dump:(\S+)$/.exec(text);
          if (m === null && /^\s*[[{]/.test(text)) fail(1, `not an erl_crash.dump but JSON (a snapshot file? readSnapshotFile, \`leak-lab diagnose\`, reads those)`);
        if (m === null) fail(1, `not an erl_crash.dump (expected "=erl_crash_dump:${SUPPORTED_DUMP_VERSION}" on the first line)`);
          version = m?.[1] ?? "";
          if (version !== SUPPORTED_DUMP_VERSION) fail(1, `crash dump format ${version} is not supported (supported: ${SUPPORTED_DUMP_VERSION}, OTP 24 to 27)`);
          section = "erl_crash_dump";
          continue;
        }
        if (text.startsWith("=")) {
          if (section === "proc_heap" || section === "proc_dictionary") endHeap();
          if (etsRow !== undefined) {
            ets.push(etsRow);
            etsRow = undefined;
          }
          const colon = text.indexOf(":");
          section = colon === -1 ? text.slice(1) : text.slice(1, colon);
          sectionArg = colon === -1 ? "" : text.slice(colon + 1);
          cur = undefined;
          if (section === "end") sawEnd = true;
          else if (section === "proc") cur = proc(sectionArg);
          else if (section === "proc_heap") {
            cur = proc(sectionArg);
            cur.reachable = 0;
            heapUnknown = false;
          } else if (section === "proc_dictionary" || section === "proc_stack") cur = proc(sectionArg);
          else if (section === "ets") etsRow = { owner: sectionArg, name: "", objects: 0, words: 0 };
          continue;
        }
        switch (section) {
          case "erl_crash_dump": {
            if (text.startsWith("Slogan: ")) slogan = text.slice(8);
            else if (text.startsWith("System version: ")) systemVersion = text.slice(16);
            else if (text.startsWith("Atoms: ")) atoms = Number(text.slice(7));
            else if (l.no === 2) date = text;
            break;
          }
          case "memory":
          case "allocated_areas": {
            const m = /^(\w+): (\d+)/.exec(text);
            if (m !== null) (section === "memory" ? memory : allocated)[m[1] as string] = Number(m[2]);
            break;
          }
          case "ets": {
            if (etsRow === undefined) break;
            if (text.startsWith("Name: ")) etsRow.name = text.slice(6);
            else if (text.startsWith("Objects: ")) etsRow.objects = Number(text.slice(9));
            else if (text.startsWith("Words: ")) etsRow.words = Number(text.slice(7));
            break;
          }
          case "proc": {
            const i = text.indexOf(": ");
            if (cur !== undefined && i > 0 && PROC_FIELDS.has(text.slice(0, i))) cur.fields.set(text.slice(0, i), text.slice(i + 2));
            break;
          }
          case "proc_stack":
            if (cur !== undefined) cur.stackWords++;
            break;
          case "proc_dictionary":
            if (cur !== undefined && !l.cut) cur.dict.push(parseDumpTerm(text));
            break;
          case "proc_heap": {
            if (cur === undefined) break;
            const c = text.indexOf(":");
            if (c <= 0) fail(l.no, `expected "<address>:<term>", got "${text.slice(0, 40)}"`);
            const addr = text.slice(0, c);
            const body = text.slice(c + 1);
            // a cut line is a large heap binary: its size is in its head
            const term = l.cut && body.startsWith("Yh") ? parseDumpTerm(body.slice(0, body.indexOf(":") + 1)) : parseDumpTerm(body);
            const w = termWords(term);
            if (w === undefined) heapUnknown = true;
            else cur.reachable = (cur.reachable ?? 0) + w;
            if (term.kind === "refc_binary") cur.refc.set(term.binp, term.size);
            else if (term.kind === "sub_binary") cur.subs.push({ binp: term.binp, size: term.size });
            if (heap.size < maxHeap && (term.kind === "tuple" || term.kind === "cons" || term.kind === "atom" || term.kind === "pid")) heap.set(addr, term);
            break;
          }
          case "literals": {
            if (literals.size >= maxLiterals || l.cut) break;
            const c = text.indexOf(":");
            if (c > 0) {
              const term = parseDumpTerm(text.slice(c + 1));
              if (term.kind === "tuple" || term.kind === "cons") literals.set(text.slice(0, c), term);
            }
            break;
          }
          case "binary": {
            const c = text.indexOf(":");
            if (c > 0 && binarySize.get(sectionArg) === undefined) binarySize.set(sectionArg, parseInt(text.slice(0, c), 16));
            break;
          }
          case undefined:
          default:
            break;
        }
      }
    }
  } catch (e) {
    if (e instanceof BinaryInputError) throw new CrashDumpError(where, e.line, section, "binary data (a NUL byte): not a text crash dump");
    throw e;
  }
  if (version === undefined) throw new CrashDumpError(where, 0, undefined, "empty file: not an erl_crash.dump");
  if (section === "proc_heap" || section === "proc_dictionary") endHeap();
  if (!sawEnd)
    throw new CrashDumpError(
      where,
      lastNo,
      section === undefined ? undefined : `${section}${sectionArg !== "" ? `:${sectionArg}` : ""}`,
      "truncated: the dump ends before its =end line (the VM was killed while writing it, or ERL_CRASH_DUMP_BYTES cut it)",
    );

  // literal terms the dictionaries point to
  for (const p of procs.values()) if (p.pending.length > 0) resolveDict(p, (a) => literals.get(a));

  const names = new Map<string, string>();
  for (const p of procs.values()) {
    const n = p.fields.get("Name");
    if (n !== undefined) names.set(n, p.pid);
  }
  const num = (p: MutableProc, f: string): number | undefined => {
    const v = p.fields.get(f);
    return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
  };
  const children = new Map<string, string[]>();
  const parents = new Map<string, string>();
  for (const p of procs.values()) {
    const anc = p.resolved.get("$ancestors");
    const first = Array.isArray(anc) ? (anc[0] as unknown) : undefined;
    if (typeof first !== "string") continue;
    const parent = first.startsWith("<") ? first : names.get(first);
    if (parent === undefined) continue;
    parents.set(p.pid, parent);
    const list = children.get(parent) ?? [];
    list.push(p.pid);
    children.set(parent, list);
  }
  // binaries: ids in order of first appearance
  const binIds = new Map<string, number>();
  const binId = (binp: string): number => {
    let id = binIds.get(binp);
    if (id === undefined) {
      id = binIds.size + 1;
      binIds.set(binp, id);
    }
    return id;
  };
  const holders = new Map<string, BinaryHolder[]>();
  for (const p of procs.values()) {
    for (const binp of p.refc.keys()) {
      binId(binp);
      holders.set(binp, [...(holders.get(binp) ?? []), { pid: p.pid, via: "procbin" }]);
    }
    for (const s of p.subs) {
      binId(s.binp);
      holders.set(s.binp, [...(holders.get(s.binp) ?? []), { pid: p.pid, via: "sub_binary", subSize: s.size }]);
    }
  }
  const binaries: BinaryHolderRow[] = [];
  for (const [binp, hs] of holders) {
    const size = binarySize.get(binp);
    if (size !== undefined) binaries.push({ binaryId: binId(binp), size, holders: hs });
  }

  const processes: CrashDumpProcess[] = [];
  for (const pid of order) {
    const p = procs.get(pid) as MutableProc;
    if (!p.fields.has("State")) continue; // heap sections of a process without =proc
    const spawnedAs = p.fields.get("Spawned as") ?? "undefined";
    const young = num(p, "Stack+heap") ?? 0;
    const old = num(p, "OldHeap") ?? 0;
    const frag = num(p, "Heap fragment data") ?? 0;
    const initial = p.resolved.get("$initial_call");
    const ancestors = p.resolved.get("$ancestors");
    const role = p.resolved.get("$beamlab_role");
    const refs: ProcessBinaryRef[] = [...p.refc].map(([binp, size]) => ({ id: binId(binp), size, refc: holders.get(binp)?.length ?? 1 }));
    const dictionary: [unknown, unknown][] = [];
    if (typeof initial === "string") dictionary.push(["$initial_call", initial]);
    if (Array.isArray(ancestors)) dictionary.push(["$ancestors", ancestors]);
    const spawnedBy = p.fields.get("Spawned by");
    const linkText = p.fields.get("Link list");
    const info: CrashDumpProcessInfo = {
      spawned_as: spawnedAs,
      ...(spawnedBy !== undefined && spawnedBy !== "[]" ? { spawned_by: spawnedBy } : {}),
      ...opt("heap_unused", num(p, "Heap unused")),
      old_heap: old,
      ...opt("old_heap_unused", num(p, "OldHeap unused")),
      heap_fragment_data: frag,
      ...opt("bin_vheap", num(p, "BinVHeap")),
      ...opt("old_bin_vheap", num(p, "OldBinVHeap")),
      ...opt("bin_vheap_unused", num(p, "BinVHeap unused")),
      ...opt("old_bin_vheap_unused", num(p, "OldBinVHeap unused")),
      ...opt("reachable_heap_words", p.reachable),
      ...(Array.isArray(ancestors) ? { ancestors: ancestors.map(String) } : {}),
      ...(p.subs.length > 0 ? { sub_binaries: { count: p.subs.length, bytes: p.subs.reduce((a, b) => a + b.size, 0) } } : {}),
    };
    const parent = parents.get(pid);
    const kids = children.get(pid);
    processes.push({
      pid,
      ...(p.fields.has("Name") ? { registered_name: p.fields.get("Name") } : {}),
      initial_call: typeof initial === "string" ? initial : spawnedAs,
      status: STATES[p.fields.get("State") ?? ""] ?? (p.fields.get("State") ?? "").toLowerCase(),
      message_queue_len: num(p, "Message queue length") ?? 0,
      memory: num(p, "Memory") ?? 0,
      heap_size: young,
      total_heap_size: young + old + frag,
      stack_size: p.stackWords,
      reductions: num(p, "Reductions") ?? 0,
      ...(refs.length > 0 ? { binary: refs } : {}),
      ...(linkText !== undefined ? { links: linkText.match(/(?<=^\[|, )<[\d.]+>(?=, |\]$)/g) ?? [] } : {}),
      ...(dictionary.length > 0 ? { dictionary } : {}),
      ...(typeof role === "string" ? { role } : {}),
      ...(parent !== undefined ? { parent } : {}),
      ...(kids !== undefined ? { children: kids } : {}),
      crash_dump: info,
    });
  }
  const mem = memory as Partial<Record<keyof MemorySnapshot, number>>;
  const snapshot: CrashDump["snapshot"] = {
    time: Number.isNaN(Date.parse(`${date} UTC`)) ? 0 : Date.parse(`${date} UTC`),
    memory: {
      total: mem.total ?? 0,
      processes: mem.processes ?? 0,
      processes_used: mem.processes_used ?? 0,
      system: mem.system ?? 0,
      atom: mem.atom ?? 0,
      ...(mem.atom_used !== undefined ? { atom_used: mem.atom_used } : {}),
      binary: mem.binary ?? 0,
      code: mem.code ?? 0,
      ets: mem.ets ?? 0,
    },
    system_info: { process_count: processes.length, ...(atoms !== undefined ? { atom_count: atoms } : {}), ets_count: ets.length },
    processes,
    binaries,
  };
  return {
    info: { version, date, slogan, system_version: systemVersion, ...(atoms !== undefined ? { atoms } : {}), ets, allocated_areas: allocated, lines: lastNo },
    snapshot,
  };
}

function opt<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, number>);
}
