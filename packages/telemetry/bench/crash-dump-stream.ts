// Reading a large erl_crash.dump in bounded memory: synthesizes dumps of BENCH_DUMP_MB sizes
// (default "128,1024" MiB) in the temp directory by repeating the real =proc, =proc_dictionary,
// =proc_heap, =proc_stack sections and the =binary sections of a dump recorded from the BEAM
// (tooling/beam-oracle/fixtures/crash-dumps/BENCH_DUMP_SOURCE, default healthy_busy), each copy
// under new pids (<0.N.0> → <C.N.0>), one =binary line per copy padded to BENCH_BINARY_KB
// (default 1024) KiB of hex (the size class that makes real dumps big), then reads each in a
// child process (`node` on this bench's bundle) and reports the parse time,
// MB/s, the child's peak RSS and its heap after a full GC (the result held) next to a child that
// only loaded the reader. Memory grows with the processes read (the result), not with the bytes:
// lines are cut at 64 KiB and one process's heap terms are held at a time. Files are deleted
// after. No assertion: speed and memory live here, the tests check the results.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const FIXTURES = fileURLToPath(new URL("../../../tooling/beam-oracle/fixtures/crash-dumps/", import.meta.url));
const SIZES = (process.env.BENCH_DUMP_MB ?? "128,1024").split(",").map(Number);
const SOURCE = process.env.BENCH_DUMP_SOURCE ?? "healthy_busy";
const BINARY_KB = Number(process.env.BENCH_BINARY_KB ?? 1024);

// the child: reads one dump, prints {ms, rss, processes, lines} as JSON
if (process.argv[2] === "--child") {
  const { readCrashDump } = await import("@beamlab/telemetry");
  const file = process.argv[3] as string;
  if (file === "--idle") {
    (globalThis as { gc?: () => void }).gc?.();
    console.log(JSON.stringify({ rss: process.resourceUsage().maxRSS * 1024, heap: process.memoryUsage().heapUsed }));
  } else {
    const t0 = performance.now();
    const d = await readCrashDump(file);
    const ms = performance.now() - t0;
    (globalThis as { gc?: () => void }).gc?.();
    const heap = process.memoryUsage().heapUsed;
    console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, heap, processes: d.snapshot.processes.length, lines: d.info.lines }));
  }
  process.exit(0);
}

const text = gunzipSync(readFileSync(`${FIXTURES}${SOURCE}.erl_crash.dump.gz`)).toString("utf8");
const sections = text.split(/\n(?==)/);
const isProc = (s: string): boolean => /^=proc(_dictionary|_heap|_stack|_messages)?:/.test(s);
const head = sections.slice(0, sections.findIndex(isProc));
const procs = sections.filter(isProc);
const binaries = sections.filter((s) => s.startsWith("=binary:"));
const rest = sections.filter((s) => !isProc(s) && !head.includes(s) && !s.startsWith("=binary:") && !s.startsWith("=end"));

function synthesize(path: string, bytes: number): void {
  const fd = openSync(path, "w");
  let written = 0;
  const put = (s: string): void => {
    written += writeSync(fd, s);
  };
  put(`${head.join("\n")}\n`);
  const hex = "0123456789ABCDEF".repeat((BINARY_KB * 1024) / 16);
  for (let c = 1; written < bytes; c++) {
    for (const s of procs) put(`${s.replace(/^(=[a-z_]+:<)0\./, `$1${c}.`)}\n`);
    for (const s of binaries) put(`${s}\n`);
    put(`=binary:${(0x7f0000000000 + c * 0x1000).toString(16).toUpperCase()}\n${(hex.length / 2).toString(16).toUpperCase()}:${hex}\n`);
  }
  put(`${rest.join("\n")}\n=end\n`);
  closeSync(fd);
}

interface ChildReport {
  readonly ms?: number;
  /** Peak resident set size (bytes). */
  readonly rss: number;
  /** V8 heap in use after a full GC, the dump's result still held (bytes). */
  readonly heap: number;
  readonly processes?: number;
  readonly lines?: number;
}

function child(arg: string): ChildReport {
  const pkg = fileURLToPath(new URL("..", import.meta.url));
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", arg], { cwd: pkg, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as ChildReport;
}

const MiB = 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), "beamlab-dump-bench-"));
try {
  const idle = child("--idle");
  console.log(`crash dump streaming (${SOURCE}: ${procs.length} process sections, ${binaries.length} =binary per copy, + one ${BINARY_KB} KiB binary)`);
  console.log(`  a child that only loaded the reader: peak RSS ${(idle.rss / MiB).toFixed(0)} MiB, heap ${(idle.heap / MiB).toFixed(0)} MiB`);
  for (const mb of SIZES) {
    const path = join(dir, `synth-${mb}.dump`);
    synthesize(path, mb * MiB);
    const size = statSync(path).size;
    const r = child(path);
    if (process.env.BENCH_KEEP === undefined) rmSync(path); else console.log(path);
    const ms = r.ms ?? NaN;
    console.log(
      `  ${(size / MiB).toFixed(0).padStart(5)} MiB, ${String(r.lines).padStart(9)} lines, ${String(r.processes).padStart(7)} processes: ` +
        `${(ms / 1000).toFixed(1)} s (${(size / MiB / (ms / 1000)).toFixed(0)} MiB/s), peak RSS ${(r.rss / MiB).toFixed(0)} MiB, ` +
        `heap after GC ${(r.heap / MiB).toFixed(0)} MiB (${(((r.heap - idle.heap) / (r.processes ?? 1)) / 1024).toFixed(1)} KiB per process read)`,
    );
  }
} finally {
  if (process.env.BENCH_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
}
