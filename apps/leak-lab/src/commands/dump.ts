/**
 * `leak-lab dump <erl_crash.dump[.gz]> [--json]`: what a dead node left behind, read the way
 * recon's erl_crashdump_analyzer.sh reads it (memory by category, processes by initial call,
 * the biggest mailboxes and heaps, ETS tables), then the single-moment detectors' findings on the
 * dump's processes, culprits named by '$initial_call', '$ancestors', registered name and role.
 *
 * Owns: the view of a {@link CrashDump} (text and `--json`: one document, the same data), and the
 * progress bar while a large dump streams in (the run's bar: cli-progress on stderr, only on a terminal).
 * Exit codes: 0 read (findings or not), 2 bad input (one line: file, line, section, problem).
 */
import { resolve } from "node:path";
import { CrashDumpError, detectAtMoment, processName, readCrashDump, type CrashDump, type Finding, type ProcessSnapshot } from "@beamlab/telemetry";
import { progressBar } from "../render/progress.js";
import { fmtBytes, table } from "../render/style.js";
import type { Output } from "./term.js";

export interface EvidenceEnvironment extends Output {
  /** Where the progress bar is drawn, when it is a terminal (stderr). */
  readonly progress?: { readonly stream: NodeJS.WritableStream; readonly isTTY: boolean };
  readonly cwd?: string;
}

export interface DumpFlags {
  readonly json?: boolean;
  /** Rows per table (default 10). */
  readonly top?: number;
}

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

/** How a user knows a process: registered name, else initial call; plus role and first ancestor. */
export function who(p: ProcessSnapshot): string {
  const anc = p.dictionary?.find(([k]) => k === "$ancestors")?.[1];
  const parent = Array.isArray(anc) && anc.length > 0 ? ` under ${String(anc[0])}` : "";
  return `${processName(p)}${p.role !== undefined ? ` [${p.role}]` : ""}${parent}`;
}

export function findingLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ["  no leak found"];
  const out: string[] = [];
  for (const f of findings) {
    out.push(`  ${f.kind.replace(/_/g, " ")}: ${f.summary}`);
    const culprits = f.culprits.slice(0, 6).map((c) => `${c.pid} ${c.name}${c.role !== undefined ? ` [${c.role}]` : ""}${c.initialCall !== c.name ? ` (${c.initialCall})` : ""}`);
    out.push(`    culprits: ${culprits.join(", ")}${f.culprits.length > 6 ? ", …" : ""}`);
    out.push(`    evidence: ${Object.entries(f.evidence).map(([k, v]) => `${k}=${v}`).join(" ")}`);
    out.push(`    fix: ${f.fix}`);
  }
  return out;
}

export interface DumpView {
  readonly file: string;
  readonly slogan: string;
  readonly date: string;
  readonly system_version: string;
  readonly memory: CrashDump["snapshot"]["memory"];
  readonly process_count: number;
  readonly atoms?: number;
  readonly by_initial_call: readonly { readonly initial_call: string; readonly count: number; readonly memory: number }[];
  readonly mailboxes: readonly ProcRow[];
  readonly heaps: readonly ProcRow[];
  readonly ets: CrashDump["info"]["ets"];
  readonly findings: readonly Finding[];
}

interface ProcRow {
  readonly pid: string;
  readonly name: string;
  readonly initial_call: string;
  readonly role?: string;
  readonly message_queue_len: number;
  readonly memory: number;
  readonly heap_words: number;
  readonly old_heap_words: number;
  /** Young heap words unused (the dump's "Heap unused"). */
  readonly heap_unused_words?: number;
  /** Old heap words unused ("OldHeap unused"). */
  readonly old_heap_unused_words?: number;
  /** Both: heap_unused_words + old_heap_unused_words. */
  readonly unused_words?: number;
}

function row(p: CrashDump["snapshot"]["processes"][number]): ProcRow {
  const d = p.crash_dump;
  const unused = d.heap_unused !== undefined && d.old_heap_unused !== undefined ? d.heap_unused + d.old_heap_unused : undefined;
  return {
    pid: p.pid,
    name: processName(p),
    initial_call: p.initial_call,
    ...(p.role !== undefined ? { role: p.role } : {}),
    message_queue_len: p.message_queue_len,
    memory: p.memory,
    heap_words: p.heap_size,
    old_heap_words: d.old_heap ?? 0,
    ...(d.heap_unused !== undefined ? { heap_unused_words: d.heap_unused } : {}),
    ...(d.old_heap_unused !== undefined ? { old_heap_unused_words: d.old_heap_unused } : {}),
    ...(unused !== undefined ? { unused_words: unused } : {}),
  };
}

export function dumpView(file: string, dump: CrashDump, top: number): DumpView {
  const s = dump.snapshot;
  const calls = new Map<string, { count: number; memory: number }>();
  for (const p of s.processes) {
    const c = calls.get(p.initial_call) ?? { count: 0, memory: 0 };
    c.count++;
    c.memory += p.memory;
    calls.set(p.initial_call, c);
  }
  const byCall = [...calls]
    .map(([initial_call, c]) => ({ initial_call, ...c }))
    .sort((a, b) => b.count - a.count || b.memory - a.memory || (a.initial_call < b.initial_call ? -1 : 1))
    .slice(0, top);
  const procs = [...s.processes];
  const mailboxes = procs.filter((p) => p.message_queue_len > 0).sort((a, b) => b.message_queue_len - a.message_queue_len).slice(0, top).map(row);
  const heaps = procs.sort((a, b) => b.memory - a.memory).slice(0, top).map(row);
  return {
    file,
    slogan: dump.info.slogan,
    date: dump.info.date,
    system_version: dump.info.system_version,
    memory: s.memory,
    process_count: s.processes.length,
    ...(dump.info.atoms !== undefined ? { atoms: dump.info.atoms } : {}),
    by_initial_call: byCall,
    mailboxes,
    heaps,
    ets: [...dump.info.ets].sort((a, b) => b.words - a.words).slice(0, top),
    findings: detectAtMoment(s),
  };
}

export function dumpLines(v: DumpView): string[] {
  const m = v.memory;
  const out = [
    `crash dump ${v.file}`,
    `  slogan: ${v.slogan}`,
    `  written: ${v.date}   ${v.system_version}`,
    "",
    "memory at the crash (erlang:memory):",
    ...table(
      ["category", "bytes", ""],
      (
        [
          ["total", m.total],
          ["processes", m.processes],
          ["processes_used", m.processes_used],
          ["system", m.system],
          ["atom", m.atom],
          ["binary", m.binary],
          ["code", m.code],
          ["ets", m.ets],
        ] as const
      ).map(([k, n]) => [k, String(n), fmtBytes(n)]),
    ),
    "",
    `processes: ${v.process_count}${v.atoms !== undefined ? `   atoms: ${v.atoms}` : ""}; by initial call:`,
    ...table(["initial_call", "count", "memory"], v.by_initial_call.map((c) => [c.initial_call, String(c.count), fmtBytes(c.memory)])),
    "",
    "biggest mailboxes:",
    ...(v.mailboxes.length === 0 ? ["  every message queue is empty"] : table(["pid", "name", "messages", "memory"], v.mailboxes.map((r) => [r.pid, r.name + (r.role !== undefined ? ` [${r.role}]` : ""), String(r.message_queue_len), fmtBytes(r.memory)]))),
    "",
    "biggest processes (memory; heaps in words):",
    ...table(
      ["pid", "name", "memory", "heap", "unused", "old_heap", "unused"],
      v.heaps.map((r) => [
        r.pid,
        r.name + (r.role !== undefined ? ` [${r.role}]` : ""),
        fmtBytes(r.memory),
        String(r.heap_words),
        r.heap_unused_words === undefined ? "?" : String(r.heap_unused_words),
        String(r.old_heap_words),
        r.old_heap_unused_words === undefined ? "?" : String(r.old_heap_unused_words),
      ]),
    ),
  ];
  if (v.ets.length > 0) out.push("", "biggest ETS tables (words):", ...table(["name", "owner", "objects", "words"], v.ets.map((e) => [e.name, e.owner, String(e.objects), String(e.words)])));
  out.push("", "findings:", ...findingLines(v.findings));
  return out;
}

/** The run's progress bar (render/progress.ts: cli-progress on stderr, only on a terminal, after a second) over bytes read. */
export function byteProgress(io: EvidenceEnvironment, title: string, showAfterMs?: number): { update(read: number, total: number): void; stop(): void } {
  const bar = progressBar(io.progress?.stream, io.progress?.isTTY ?? false, title, showAfterMs);
  return {
    update(read, total) {
      bar.update(total === 0 ? 1 : read / total, `${Math.floor(read / 2 ** 20)}/${Math.ceil(total / 2 ** 20)} MiB`);
    },
    stop() {
      bar.stop();
    },
  };
}

/** One line for a file that cannot be opened. */
export function fileProblem(file: string, error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return `${file}: no such file`;
  if (code === "EISDIR") return `${file}: is a directory, not a file`;
  if (code === "EACCES") return `${file}: permission denied`;
  return undefined;
}

export async function dumpCommand(file: string, flags: DumpFlags, io: EvidenceEnvironment): Promise<number> {
  const path = resolve(io.cwd ?? process.cwd(), file);
  const bar = byteProgress(io, "reading dump");
  let dump: CrashDump;
  try {
    dump = await readCrashDump(path, { name: file, onProgress: (r, t) => { bar.update(r, t); } });
  } catch (e) {
    bar.stop();
    const problem = e instanceof CrashDumpError ? e.message : fileProblem(file, e);
    if (problem === undefined) throw e;
    io.err(`leak-lab: ${problem}`);
    return EXIT_BAD_INPUT;
  }
  bar.stop();
  const view = dumpView(file, dump, flags.top ?? 10);
  if (flags.json === true) io.out(JSON.stringify(view));
  else for (const l of dumpLines(view)) io.out(l);
  return EXIT_OK;
}
