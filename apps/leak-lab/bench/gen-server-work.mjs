#!/usr/bin/env node
/**
 * Bench (issue 12): a leak-lab scenario simulated from the built bundle next to its twin on the
 * real BEAM (`erl +S 1` running tooling/beam-oracle/twins/*), in one run, as ratios. Reported,
 * never asserted (speed lives here, not in tests).
 *
 * For each case: the simulator's wall time and peak RSS (a child `node` running dist/index.js,
 * as `leak-lab run … --json`), the simulated node's peak erlang:memory(total), the twin's
 * workload time on the real BEAM (its report's `workload_ms`: from the workload's start to its
 * end, without the VM's boot or the report), and:
 *   speed = simulated wall / BEAM wall   (target ≤ 0.1 for gen-server-work at its defaults)
 *   memory = Node peak RSS / simulated memory   (target ≤ 0.25; routers 300 × 100 × 100 KB: RSS < 500 MB)
 * `warm` = the same run's wall when it is the third in one Node process (V8's optimizing compiler
 * has compiled the hot code by then): what a long-lived process (the demo server, a test suite)
 * sees; the speed column is the cold run's, a user's `leak-lab run`.
 * `BENCH_QUICK=1` runs a small setting only (smoke); `BENCH_RUNS=n` runs every case n times
 * (simulator and twin interleaved) and reports the medians, each run listed below its row (the
 * walls of both sides move by ±30 % between runs on a shared machine).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(app, "..", "..");
const twins = join(root, "tooling", "beam-oracle", "twins");

// build the bundle if it is stale (the same check `pnpm leak-lab` runs)
spawnSync(process.execPath, [join(app, "scripts", "leak-lab.mjs"), "list"], { stdio: "ignore" });
const index = pathToFileURL(join(app, "dist", "index.js")).href;

const quick = process.env.BENCH_QUICK === "1";
const CASES = [
  { scenario: "gen-server-work", twin: "gen_server_work.escript", sets: quick ? ["servers=30", "rounds=10"] : [] },
  // issue 12: 300 routers × 100 messages × 100 KB — Node's RSS must stay under 500 MB (size-only binaries)
  { scenario: "routers", twin: "routers.escript", sets: quick ? ["routers=30", "messages=20", "binary_bytes=102400"] : ["routers=300", "messages=100", "binary_bytes=102400"] },
];

/** One child `node`: the run `times` times in a row; cold = the first's wall, warm = the last's. */
function simulate(scenario, mode, sets, times = 1) {
  const child = `
    const { run } = await import(${JSON.stringify(index)});
    const walls = [];
    let doc;
    for (let i = 0; i < ${times}; i++) {
      const lines = [];
      const t0 = performance.now();
      await run(["run", ${JSON.stringify(scenario)}, "--mode", ${JSON.stringify(mode)}, ${sets.map((s) => `"--set", ${JSON.stringify(s)}`).join(", ")}${sets.length ? ", " : ""}"--json"], { out: (l) => lines.push(l), err: (l) => process.stderr.write(l + "\\n") });
      walls.push(performance.now() - t0);
      doc = JSON.parse(lines.join("\\n"));
    }
    process.stdout.write(JSON.stringify({ wall_ms: walls[0], warm_ms: walls[walls.length - 1], max_rss: process.resourceUsage().maxRSS * 1024, peak_total: doc.peak.memory.total }));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`simulating ${scenario} ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The twin's own measure of its workload (ms), or undefined when it could not run. */
function twinWorkload(args) {
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return JSON.parse(r.stdout).workload_ms;
}

const hasErl = spawnSync("erl", ["-noshell", "-eval", "halt()."], { stdio: "ignore" }).status === 0;
const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
console.log(`leak-lab bench: scenarios simulated from the bundle next to their twins on erl +S 1${quick ? " (BENCH_QUICK)" : ""}`);
if (!hasErl) console.log("  erl is missing: BEAM columns are empty (install erlang-base)");
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => (x === undefined ? "      —" : `${x.toFixed(0).padStart(6)} ms`);
console.log(`  case                                          sim wall   BEAM work   speed    warm      Node RSS   simulated   memory${runs > 1 ? `   (medians of ${runs} runs)` : ""}`);
for (const c of CASES) {
  for (const mode of ["leak", "fix"]) {
    const twin = join(twins, c.twin);
    const sims = [];
    const beams = [];
    // the warm figure: a child of its own running it three times (its RSS is not the case's)
    const warm = simulate(c.scenario, mode, c.sets, 3).warm_ms;
    for (let i = 0; i < runs; i++) {
      sims.push(simulate(c.scenario, mode, c.sets));
      const b = hasErl && existsSync(twin) ? twinWorkload(["escript", twin, mode, ...c.sets]) : undefined;
      if (b !== undefined) beams.push(b);
    }
    const wall = median(sims.map((x) => x.wall_ms));
    const beamWork = beams.length === 0 ? undefined : median(beams);
    const rss = median(sims.map((x) => x.max_rss));
    const peak = median(sims.map((x) => x.peak_total));
    const speed = beamWork === undefined ? "—" : (wall / beamWork).toFixed(3);
    const label = `${c.scenario} ${mode}${c.sets.length ? ` (${c.sets.join(" ")})` : ""}`;
    console.log(`  ${label.padEnd(44)}  ${ms(wall)}  ${ms(beamWork)}  ${speed.padStart(6)}  ${ms(warm)}  ${mib(rss).padStart(10)}  ${mib(peak).padStart(10)}  ${(rss / peak).toFixed(3).padStart(6)}`);
    if (runs > 1) console.log(`      runs: sim ${sims.map((x) => x.wall_ms.toFixed(0)).join(" ")} ms; BEAM ${beams.map((x) => x.toFixed(0)).join(" ")} ms`);
  }
}
