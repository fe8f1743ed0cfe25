/**
 * Benchmark: the two scheduler workloads of spawn-idle.ts and ring.ts on four runtimes, printed
 * side by side with ratios:
 *   - beamlab (the same code as spawn-idle.ts / ring.ts, see rivals/beamlab.ts),
 *   - the real BEAM (sched_bench.escript, `+S 1`),
 *   - XState v5 (actors; rivals/xstate.ts) and Effect 3 (fibers with a Queue or a Mailbox each;
 *     rivals/effect.ts), the runtimes a TypeScript user would otherwise pick.
 * Spawn N (default 100,000) idle processes: Node heap bytes per process (heapUsed growth after a
 * forced full GC) and spawn time. Ring of R (default 10,000) processes passing a token H (default
 * 200,000) hops: messages per second. Per-process and per-message figures are what the ratios
 * compare, and they hold at this size (the rivals' repeated spawns are most of the run: at
 * N = 200,000 it took 5 min on 2 cores shared under a load average of 7; `BENCH_RUNS=1`
 * shortens it); `BENCH_FULL=1` runs the issue's original size (N = H = 1,000,000).
 * Each Node measurement runs in a fresh child process (rivals/worker.ts), best of up to RUNS
 * (default 3, env BENCH_RUNS) runs, the repeats limited to ~120 s per runtime and workload. A
 * runtime that cannot spawn N within 60 s (or runs out of memory) is measured at N / 10 instead,
 * and a ring that does not finish within 90 s at H / 10 hops; the output says so. Not a test:
 * nothing here asserts.
 *   node ../../tooling/workspace-scripts/run-bench.mjs bench/compare.ts --with bench/rivals/worker.ts [N [R [H]]]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beamBench } from "./beam.js";
import type { RingResult, SpawnResult } from "./rivals/types.js";

const FULL = process.env.BENCH_FULL === "1";
const N = Number(process.argv[2] ?? (FULL ? 1_000_000 : 100_000));
const R = Number(process.argv[3] ?? 10_000);
const H = Number(process.argv[4] ?? (FULL ? 1_000_000 : 200_000));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FALLBACK_N = Math.floor(N / 10);
const SPAWN_LIMIT_MS = 60_000;
const RUN_TIMEOUT_MS = 90_000;
const REPEAT_BUDGET_MS = 120_000;

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// run from the bundle (tooling/workspace-scripts/run-bench.mjs builds rivals/worker beside this file)
const worker = fileURLToPath(new URL("./rivals/worker.js", import.meta.url));

const runtimes = [
  { id: "beamlab", label: "beamlab" },
  { id: "xstate", label: "XState v5" },
  { id: "effect-queue", label: "Effect Queue" },
  { id: "effect-mailbox", label: "Effect Mailbox" },
] as const;

/** One run in a fresh Node process: its JSON result, or why it failed. */
function once(args: string[]): { ok: unknown; wallMs: number } | { err: string; wallMs: number } {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ["--max-old-space-size=12288", worker, ...args],
    { cwd: pkg, encoding: "utf8", timeout: RUN_TIMEOUT_MS, maxBuffer: 1 << 24 },
  );
  const wallMs = performance.now() - t0;
  if (r.status === 0) return { ok: JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as unknown, wallMs };
  if (r.signal === "SIGTERM") return { err: `did not finish within ${RUN_TIMEOUT_MS / 1000} s`, wallMs };
  if (/heap out of memory/i.test(r.stderr)) return { err: "ran out of memory", wallMs };
  return { err: (r.stderr.trim().split("\n").find((l) => l.includes("Error")) ?? `exit ${r.status}`).trim(), wallMs };
}

/** Best of up to RUNS runs (stopping early when another would pass the repeat budget). */
function bestOf<T>(args: string[], valid: (x: T) => boolean, better: (x: T, y: T) => T): { best?: T; runs: number; err?: string } {
  let best: T | undefined;
  let spent = 0;
  let runs = 0;
  while (runs < RUNS) {
    const r = once(args);
    spent += r.wallMs;
    if ("err" in r) return { runs, err: r.err, ...(best === undefined ? {} : { best }) };
    const ok = r.ok as T;
    if (!valid(ok)) return { runs, err: "too slow", ...(best === undefined ? {} : { best }) };
    runs++;
    best = best === undefined ? ok : better(best, ok);
    if (spent + r.wallMs > REPEAT_BUDGET_MS) break;
  }
  return { runs, ...(best === undefined ? {} : { best }) };
}

const notes: string[] = [];
const pad = (s: string, w = 15) => s.padStart(w);
const fmt = (x: number | undefined, digits = 0) => (x === undefined ? "-" : x.toFixed(digits));
const ratio = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? "-" : `${(x / y).toFixed(2)}x`);

// ---- measure ---------------------------------------------------------------------------------

interface SpawnCell { n: number; us: number; bytes: number; runs: number }
const spawnCells = new Map<string, SpawnCell | undefined>();
for (const rt of runtimes) {
  const better = (a: SpawnResult, b: SpawnResult) => ({ n: a.n, us: Math.min(a.us, b.us), bytes: Math.min(a.bytes, b.bytes) });
  const valid = (x: SpawnResult) => x.us / 1000 <= SPAWN_LIMIT_MS;
  let r = bestOf<SpawnResult>([rt.id, "spawn", String(N)], valid, better);
  if (r.best === undefined && N > FALLBACK_N) {
    notes.push(`${rt.label}: spawning ${N} ${r.err === "too slow" ? `took over ${SPAWN_LIMIT_MS / 1000} s` : r.err ?? "failed"}; measured at ${FALLBACK_N} (marked *)`);
    r = bestOf<SpawnResult>([rt.id, "spawn", String(FALLBACK_N)], () => true, better);
  }
  if (r.best === undefined) notes.push(`${rt.label}: spawn failed: ${r.err ?? "?"}`);
  spawnCells.set(rt.id, r.best && { ...r.best, runs: r.runs });
}

interface RingCell { hops: number; mps: number; runs: number }
const ringCells = new Map<string, RingCell | undefined>();
for (const rt of runtimes) {
  const better = (a: RingResult, b: RingResult) => (a.msgsPerSec >= b.msgsPerSec ? a : b);
  let r = bestOf<RingResult>([rt.id, "ring", String(R), String(H)], () => true, better);
  if (r.best === undefined && H >= 10) {
    notes.push(`${rt.label}: ring of ${H} hops ${r.err ?? "failed"}; measured at ${H / 10} hops (marked *)`);
    r = bestOf<RingResult>([rt.id, "ring", String(R), String(H / 10)], () => true, better);
  }
  if (r.best === undefined) notes.push(`${rt.label}: ring failed: ${r.err ?? "?"}`);
  ringCells.set(rt.id, r.best && { hops: r.best.hops, mps: r.best.msgsPerSec, runs: r.runs });
}

const beam = beamBench(N, R, H);
const b = typeof beam === "string" ? undefined : beam;

// ---- print -----------------------------------------------------------------------------------

const cols = ["beamlab", "BEAM (+S 1)", ...runtimes.slice(1).map((rt) => rt.label)];
const header = (title: string) => {
  console.log(`${title.padEnd(34)}${cols.map((c) => pad(c)).join("")}`);
};
const row = (label: string, cells: string[], note = "") => {
  console.log(`  ${label.padEnd(32)}${cells.map((c) => pad(c)).join("")}${note ? `  ${note}` : ""}`);
};
const rivals = runtimes.slice(1).map((rt) => rt.id);

const sp = (id: string) => spawnCells.get(id);
const usPer = (c: SpawnCell | undefined) => (c === undefined ? undefined : c.us / c.n);
const star = (c: { n: number } | undefined) => (c !== undefined && c.n !== N ? "*" : "");
const bl = sp("beamlab");
const beamUsPer = b && b.spawn_us / b.spawn_n;
const beamBytes = b?.spawn_bytes_per_process;
const spawnCols = (f: (c: SpawnCell | undefined) => string, beamCell: string) => [f(bl), beamCell, ...rivals.map((id) => f(sp(id)))];

header(`spawn ${N} idle processes`);
row("time (ms)", spawnCols((c) => (c ? `${fmt(c.us / 1000)}${star(c)}` : "-"), fmt(b && b.spawn_us / 1000)));
row("time per process (us)", spawnCols((c) => fmt(usPer(c), 2), fmt(beamUsPer, 2)));
row("bytes per process", spawnCols((c) => (c ? `${fmt(c.bytes)}${star(c)}` : "-"), fmt(beamBytes)), "(beamlab target <= 1000 Node bytes)");
row("time vs beamlab", spawnCols((c) => ratio(usPer(c), usPer(bl)), ratio(beamUsPer, usPer(bl))));
row("time vs BEAM", spawnCols((c) => ratio(usPer(c), beamUsPer), ratio(beamUsPer, beamUsPer)), "(beamlab target <= 3x)");
row("bytes vs beamlab", spawnCols((c) => ratio(c?.bytes, bl?.bytes), ratio(beamBytes, bl?.bytes)));
row("bytes vs BEAM", spawnCols((c) => ratio(c?.bytes, beamBytes), ratio(beamBytes, beamBytes)));
row("runs (best of)", spawnCols((c) => (c ? String(c.runs) : "-"), "1"));

const rg = (id: string) => ringCells.get(id);
const rl = rg("beamlab");
const beamMps = b?.ring_msgs_per_sec;
const ringCols = (f: (c: RingCell | undefined) => string, beamCell: string) => [f(rl), beamCell, ...rivals.map((id) => f(rg(id)))];
console.log("");
header(`ring of ${R} processes, ${H} hops`);
row("messages per second", ringCols((c) => (c ? `${fmt(c.mps)}${c.hops !== H ? "*" : ""}` : "-"), fmt(beamMps)));
row("vs beamlab", ringCols((c) => ratio(c?.mps, rl?.mps), ratio(beamMps, rl?.mps)));
row("vs BEAM", ringCols((c) => ratio(c?.mps, beamMps), ratio(beamMps, beamMps)), "(beamlab target >= 0.33x)");
row("runs (best of)", ringCols((c) => (c ? String(c.runs) : "-"), "1"));

console.log("");
console.log("  Node heap bytes for beamlab, XState and Effect; erlang:memory(processes) for the BEAM. XState");
console.log("  and Effect: one root actor per process (createActor(...).start(), sendTo); one daemon fiber");
console.log("  per process (Effect.forkDaemon) with its own Queue.unbounded or Mailbox.make. See bench/rivals/.");
for (const n of notes) console.log(`  * ${n}`);
if (typeof beam === "string") console.log(`  (the BEAM side needs erl on PATH: ${beam})`);
