#!/usr/bin/env node
/**
 * The README's fidelity table (issue 11): every issue-11 scenario at its defaults, both modes,
 * simulated from the leak-lab bundle next to its twin's record on the real BEAM
 * (tooling/beam-oracle/fixtures/scenarios.json): the role averages of total_heap_size, memory and
 * the refc binary bytes referenced, with the ratio and the `--band` range (BAND reruns with every
 * process's stack moved by up to 4 words and the pid counter by up to 99: how far the figure
 * depends on the model's free
 * choices; ✓ when the real figure is inside it). Prints a markdown table; nothing is
 * hand-written. `node apps/leak-lab/scripts/fidelity-table.mjs > table.md`;
 * `… fidelity-table.mjs agent-vs-task` prints the header and that scenario's rows only (to
 * refresh them in the README after its twin or model changed).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(app, "..", "..");
const fixture = JSON.parse(readFileSync(join(root, "tooling", "beam-oracle", "fixtures", "scenarios.json"), "utf8"));
const ROLES = { "gen-server-work": ["server"], "agent-vs-task": ["child", "supervisor", "listener"], "sub-binary-cache": ["cache"], routers: ["router", "consumer"] };

const BAND = 4;

function simulate(scenario, mode) {
  const r = spawnSync(process.execPath, [join(app, "scripts", "leak-lab.mjs"), "run", scenario, "--mode", mode, "--band", String(BAND), "--json"], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${scenario} ${mode}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const avg = (ps, f) => (ps.length === 0 ? 0 : ps.reduce((a, p) => a + f(p), 0) / ps.length);
const fmt = (n) => (n >= 1e6 ? `${(n / 1048576).toFixed(2)} MiB` : n >= 1e4 ? `${(n / 1024).toFixed(1)} KiB` : `${Math.round(n)} B`);
const ratio = (s, r) => (r === 0 ? (s === 0 ? "1.00" : "—") : (s / r).toFixed(2));

console.log(`| scenario (defaults) | mode | role | figure | simulated | real BEAM | ratio | band (the run and ${BAND} reruns: stacks +0…4 words, pids +0…99) |`);
console.log("|---|---|---|---|---:|---:|---:|---|");
const only = process.argv.slice(2);
for (const name of only) if (!(name in ROLES)) throw new Error(`fidelity-table: no scenario ${name}; valid: ${Object.keys(ROLES).join(", ")}`);
for (const [scenario, roles] of Object.entries(ROLES)) {
  if (only.length > 0 && !only.includes(scenario)) continue;
  for (const mode of ["leak", "fix"]) {
    const rec = fixture.records.find((x) => x.scenario === scenario && x.mode === mode && Object.keys(x.params_set).length === 0);
    if (rec === undefined) continue;
    const doc = simulate(scenario, mode);
    for (const role of roles) {
      const ps = doc.final.processes.filter((p) => p.role === role);
      const real = rec.roles[role];
      if (real === undefined || (real.count === 0 && ps.length === 0)) continue;
      const words = (n) => String(Math.round(n));
      const rows = [
        ["count", ps.length, real.count, String, `${role}.count`],
        ["total_heap_size (words)", avg(ps, (p) => p.total_heap_size), real.avg_total_heap_size, words, `${role}.total_heap_size`],
        ["memory", avg(ps, (p) => p.memory), real.avg_memory, fmt, `${role}.memory`],
        ["refc binaries referenced", avg(ps, (p) => p.binary.reduce((a, b) => a + b[1], 0)), real.avg_binary_bytes, fmt, `${role}.binary`],
      ];
      for (const [fig, s, r, f, key] of rows) {
        const b = doc.band?.headlines?.[key];
        // the record's averages are rounded to integers (recorders/scenarios.record.mjs): compare the band rounded the same way
        const band = b === undefined ? "—" : `${f(b.min)} … ${f(b.max)}${Math.round(b.min) <= r && r <= Math.round(b.max) ? " ✓" : ""}`;
        console.log(`| ${scenario} | ${mode} | ${role} | ${fig} | ${f(s)} | ${f(r)} | ${ratio(s, r)} | ${band} |`);
      }
    }
  }
}
