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
 * `BENCH_QUICK=1` runs a small setting only (smoke).
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

function simulate(scenario, mode, sets) {
  const child = `
    const { run } = await import(${JSON.stringify(index)});
    const lines = [];
    const t0 = performance.now();
    const code = await run(["run", ${JSON.stringify(scenario)}, "--mode", ${JSON.stringify(mode)}, ${sets.map((s) => `"--set", ${JSON.stringify(s)}`).join(", ")}${sets.length ? ", " : ""}"--json"], { out: (l) => lines.push(l), err: (l) => process.stderr.write(l + "\\n") });
    const wall = performance.now() - t0;
    const doc = JSON.parse(lines.join("\\n"));
    process.stdout.write(JSON.stringify({ code, wall_ms: wall, max_rss: process.resourceUsage().maxRSS * 1024, peak_total: doc.peak.memory.total }));
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
console.log("  case                                          sim wall   BEAM work   speed    Node RSS   simulated   memory");
for (const c of CASES) {
  for (const mode of ["leak", "fix"]) {
    const sim = simulate(c.scenario, mode, c.sets);
    const twin = join(twins, c.twin);
    const beamWork = hasErl && existsSync(twin) ? twinWorkload(["escript", twin, mode, ...c.sets]) : undefined;
    const speed = beamWork === undefined ? "—" : (sim.wall_ms / beamWork).toFixed(3);
    const label = `${c.scenario} ${mode}${c.sets.length ? ` (${c.sets.join(" ")})` : ""}`;
    console.log(
      `  ${label.padEnd(44)}  ${sim.wall_ms.toFixed(0).padStart(6)} ms  ${beamWork === undefined ? "      —" : `${beamWork.toFixed(0).padStart(6)} ms`}  ${speed.padStart(6)}  ${mib(sim.max_rss).padStart(10)}  ${mib(sim.peak_total).padStart(10)}  ${(sim.max_rss / sim.peak_total).toFixed(3).padStart(6)}`,
    );
  }
}
