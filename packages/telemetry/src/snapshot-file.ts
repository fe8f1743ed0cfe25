/**
 * Snapshot files: a real node's snapshots as JSON (what tooling/beam-oracle's
 * beamlab_snapshot.erl writes, one `rpc` line on a live node), read back into
 * {@link NodeSnapshot}s with every field checked.
 *
 * Owns: the file shape and its validation. Accepted: `{"format": "beamlab-snapshots", "version": 1,
 * "node": ..., "snapshots": [NodeSnapshot, ...]}`, a bare array of snapshots, or one snapshot.
 * Field names are process_info / erlang:memory items (see snapshot.ts); the optional
 * `gc_probe` of a process is what a major collection found (see {@link GcProbe}).
 * Errors: {@link SnapshotFileError}, one line naming the file, the JSON path and the problem
 * (`snap.json: snapshots[2].processes[5].memory: expected a number, got "x"`); JSON syntax
 * errors give the line and column. Files over `maxBytes` (default 1 GiB) are refused unread.
 */
import { open, readFile, stat } from "node:fs/promises";
import type { NodeSnapshot } from "./snapshot.js";

export const SNAPSHOT_FORMAT = "beamlab-snapshots";

export class SnapshotFileError extends Error {}

type Json = unknown;

function typeName(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 30 ? `${v.slice(0, 27)}...` : v);
  return typeof v === "object" ? "an object" : JSON.stringify(v);
}

class Checker {
  constructor(private readonly name: string) {}
  fail(path: string, problem: string): never {
    throw new SnapshotFileError(`${this.name}: ${path}: ${problem}`);
  }
  obj(v: Json, path: string): Record<string, Json> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${typeName(v)}`);
    return v as Record<string, Json>;
  }
  num(o: Record<string, Json>, key: string, path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) this.fail(`${path}.${key}`, `expected a number ≥ 0, got ${v === undefined ? "nothing" : typeName(v)}`);
  }
  str(o: Record<string, Json>, key: string, path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== "string") this.fail(`${path}.${key}`, `expected a string, got ${v === undefined ? "nothing" : typeName(v)}`);
  }
  arr(o: Record<string, Json>, key: string, path: string, optional = false): Json[] {
    const v = o[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) this.fail(`${path}.${key}`, `expected an array, got ${v === undefined ? "nothing" : typeName(v)}`);
    return v as Json[];
  }
}

const MEMORY = ["total", "processes", "processes_used", "system", "atom", "binary", "code", "ets"];
const PROC_NUMS = ["message_queue_len", "memory", "heap_size", "total_heap_size", "stack_size", "reductions"];
const GC_INFO = ["old_heap_block_size", "heap_block_size", "mbuf_size", "stack_size", "old_heap_size", "heap_size", "bin_vheap_size", "bin_vheap_block_size", "bin_old_vheap_size", "bin_old_vheap_block_size"];

function checkSnapshot(c: Checker, v: Json, path: string): NodeSnapshot {
  const s = c.obj(v, path);
  c.num(s, "time", path);
  const m = c.obj(s.memory, `${path}.memory`);
  for (const k of MEMORY) c.num(m, k, `${path}.memory`);
  const si = c.obj(s.system_info, `${path}.system_info`);
  c.num(si, "process_count", `${path}.system_info`);
  const procs = c.arr(s, "processes", path);
  procs.forEach((pv, i) => {
    const pp = `${path}.processes[${i}]`;
    const p = c.obj(pv, pp);
    c.str(p, "pid", pp);
    if (!/^<\d+\.\d+\.\d+>$/.test(p.pid as string)) c.fail(`${pp}.pid`, `expected a pid like "<0.84.0>", got ${typeName(p.pid)}`);
    c.str(p, "initial_call", pp);
    c.str(p, "registered_name", pp, true);
    c.str(p, "role", pp, true);
    c.str(p, "parent", pp, true);
    for (const k of PROC_NUMS) c.num(p, k, pp);
    c.arr(p, "binary", pp, true).forEach((b, j) => {
      const bp = `${pp}.binary[${j}]`;
      const o = c.obj(b, bp);
      for (const k of ["id", "size", "refc"]) c.num(o, k, bp);
    });
    c.arr(p, "children", pp, true).forEach((ch, j) => {
      if (typeof ch !== "string") c.fail(`${pp}.children[${j}]`, `expected a pid string, got ${typeName(ch)}`);
    });
    if (p.garbage_collection_info !== undefined) {
      const g = c.obj(p.garbage_collection_info, `${pp}.garbage_collection_info`);
      for (const k of GC_INFO) c.num(g, k, `${pp}.garbage_collection_info`);
    }
    if (p.gc_probe !== undefined) {
      const g = c.obj(p.gc_probe, `${pp}.gc_probe`);
      for (const k of ["used_words_before", "used_words_after"]) c.num(g, k, `${pp}.gc_probe`);
      for (const k of ["binary_bytes_before", "binary_bytes_after"]) c.num(g, k, `${pp}.gc_probe`, true);
    }
  });
  return s as unknown as NodeSnapshot;
}

function jsonError(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const at = /position (\d+)/.exec(msg);
  // Node 20 gives no position for a text that ends too early: the problem is at the end
  const pos = at !== null ? Number(at[1]) : /end of (JSON )?input/i.test(msg) ? text.trimEnd().length : undefined;
  if (pos === undefined) return msg;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `${msg.replace(/ in JSON at position \d+.*$/, "")} at line ${line}, column ${col}`;
}

/** Parses and checks the text of a snapshot file. `name` is used in error messages. */
export function parseSnapshotFile(text: string, name: string): NodeSnapshot[] {
  const c = new Checker(name);
  if (text.includes("\u0000")) c.fail("(file)", "binary data, not a JSON snapshot file");
  let v: Json;
  try {
    v = JSON.parse(text) as Json;
  } catch (e) {
    throw new SnapshotFileError(`${name}: not JSON: ${jsonError(text, e)}`);
  }
  if (Array.isArray(v)) return v.map((s, i) => checkSnapshot(c, s, `[${i}]`));
  const o = c.obj(v, "(top)");
  if (o.snapshots !== undefined || o.format !== undefined) {
    if (o.format !== SNAPSHOT_FORMAT) c.fail("format", `expected "${SNAPSHOT_FORMAT}", got ${o.format === undefined ? "nothing" : typeName(o.format)}`);
    if (o.version !== 1) c.fail("version", `version ${typeName(o.version)} is not supported (supported: 1)`);
    const list = c.arr(o, "snapshots", "(top)");
    if (list.length === 0) c.fail("snapshots", "no snapshots in the file");
    return list.map((s, i) => checkSnapshot(c, s, `snapshots[${i}]`));
  }
  if (o.processes === undefined) c.fail("(top)", `not a snapshot: expected {"format": "${SNAPSHOT_FORMAT}", "snapshots": [...]}, an array of snapshots, or one snapshot with "processes"`);
  return [checkSnapshot(c, o, "(snapshot)")];
}

/** What the first bytes of a file say it is not: binary data, or a crash dump. */
function headProblem(head: Buffer): string | undefined {
  if (head.includes(0)) return "binary data, not a JSON snapshot file";
  if (head.toString("latin1").startsWith("=erl_crash_dump:")) return "an erl_crash.dump, not a JSON snapshot file (readCrashDump, `leak-lab dump`, reads it)";
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip data: gunzip the snapshot file first";
  return undefined;
}

/**
 * Reads a snapshot file: its first 64 KiB are looked at before the rest is read (binary data, a
 * crash dump, gzip are refused at once), and files over `maxBytes` are refused unread.
 */
export async function readSnapshotFile(path: string, name = path, maxBytes = 2 ** 30): Promise<NodeSnapshot[]> {
  const size = (await stat(path)).size;
  if (size > maxBytes) throw new SnapshotFileError(`${name}: ${size} bytes is more than the ${maxBytes} a snapshot file may have`);
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    await fh.read(head, 0, head.length, 0);
    const problem = headProblem(head);
    if (problem !== undefined) throw new SnapshotFileError(`${name}: (file): ${problem}`);
  } finally {
    await fh.close();
  }
  return parseSnapshotFile(await readFile(path, "utf8"), name);
}
