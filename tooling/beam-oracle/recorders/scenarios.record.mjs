#!/usr/bin/env node
// scenarios.record.mjs -- beamlab BEAM oracle: the scenario twins' figures (fixtures/scenarios.json).
//
// HOW TO RUN (from the repo root; one argument = output directory)
//   node tooling/beam-oracle/recorders/scenarios.record.mjs tooling/beam-oracle/fixtures
//   BEAMLAB_SCENARIOS_FULL=1 node …   also re-runs the slow parameter sets (gen-server-work at its
//                                     defaults: ~40 s and 1.5 GB on the real node).
//   node … tooling/beam-oracle/fixtures --only agent-vs-task   (or BEAMLAB_SCENARIOS_ONLY=agent-vs-task)
//                                     re-records only that scenario's records (both modes, every
//                                     set); every other record is copied unchanged from the
//                                     committed fixture (byte for byte).
// Without BEAMLAB_SCENARIOS_FULL (CI's drift check, `pnpm oracle:record`), the records marked
// `"slow": true` are copied unchanged from the committed fixture: CI re-records only the fast
// sets (a few seconds each). Re-record the slow ones by hand when a twin changes.
//
// WHAT IT RECORDS: for each scenario twin (tooling/beam-oracle/twins), mode and parameter set,
// the twin report (SCENARIO-API.md) summarised: per role (the scenario's roles; the node's own
// processes, the driver and the sampler are left out) the process count and the averages of
// total_heap_size, heap_size, memory, the number of binary references and the distinct refc
// bytes held; `pids` when the twin reports them (the <0.N.0> numbers it ran at: a twin whose
// figures follow its pids' hashes, e.g. a supervisor's children map, is simulated at them);
// `workload.processes` = the sum of memory over those processes;
// `workload.binary` = erlang:memory(binary) at the end minus at the start (refc bytes the
// workload left, with the binary allocator's overhead).
// DETERMINISM: re-running gives identical summaries except the fields a record lists in
// `volatile_fields` (real-time timeouts and the real-time sampler; see there).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runTwin } from "../twin.mjs";

/** Every parameter set recorded: the defaults of each scenario, and small sets the simulator's tests can run quickly. */
export const SETS = [
  { scenario: "sub-binary-cache", script: "twins/sub_binary_cache.escript", roles: ["cache"], params: {} },
  { scenario: "agent-vs-task", script: "twins/agent_vs_task.exs", roles: ["listener", "supervisor", "child"], params: {} },
  { scenario: "gen-server-work", script: "twins/gen_server_work.escript", roles: ["server", "worker"], params: { servers: 30, rounds: 10 } },
  { scenario: "gen-server-work", script: "twins/gen_server_work.escript", roles: ["server", "worker"], params: {}, slow: true },
  { scenario: "routers", script: "twins/routers.escript", roles: ["router", "consumer", "producer"], params: { routers: 100 }, runs: 3 },
  { scenario: "routers", script: "twins/routers.escript", roles: ["router", "consumer", "producer"], params: {}, runs: 3 },
];

function summarise(report, roles) {
  const byRole = {};
  let processes = 0;
  for (const role of roles) {
    const ps = report.final.processes.filter((p) => p.role === role);
    const avg = (f) => (ps.length === 0 ? 0 : Math.round(ps.reduce((a, p) => a + f(p), 0) / ps.length));
    const held = (p) => {
      const seen = new Map();
      for (const [id, size] of p.binary) seen.set(id, size);
      return [...seen.values()].reduce((a, b) => a + b, 0);
    };
    byRole[role] = {
      count: ps.length,
      avg_total_heap_size: avg((p) => p.total_heap_size),
      avg_heap_size: avg((p) => p.heap_size),
      avg_memory: avg((p) => p.memory),
      avg_binary_refs: avg((p) => p.binary.length),
      avg_binary_bytes: avg(held),
    };
    processes += ps.reduce((a, p) => a + p.memory, 0);
  }
  return {
    roles: byRole,
    workload: { processes, binary: report.final.memory.binary - report.baseline.memory.binary },
  };
}

function liveVersions() {
  const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~s ~s ~p", [erlang:system_info(otp_release), erlang:system_info(version), erlang:system_info(wordsize)]), halt().'], { encoding: "utf8" });
  const [otp, erts, wordsize] = r.stdout.trim().split(" ");
  const ex = spawnSync("elixir", ["--version"], { encoding: "utf8" });
  const elixir = /Elixir (\S+)/.exec(ex.stdout ?? "")?.[1] ?? null;
  return { otp_release: otp, erts, wordsize: Number(wordsize), elixir };
}

const keyOf = (r) => `${r.scenario} ${r.mode} ${JSON.stringify(r.params_set)}`;

async function main() {
  const outDir = path.resolve(process.argv[2] ?? "fixtures");
  const full = process.env.BEAMLAB_SCENARIOS_FULL === "1";
  const onlyAt = process.argv.indexOf("--only");
  const only = onlyAt === -1 ? process.env.BEAMLAB_SCENARIOS_ONLY || undefined : process.argv[onlyAt + 1];
  if (only !== undefined && !SETS.some((s) => s.scenario === only)) throw new Error(`--only: no scenario ${only}; valid: ${[...new Set(SETS.map((s) => s.scenario))].join(", ")}`);
  if (onlyAt !== -1 && only === undefined) throw new Error(`--only: missing scenario; valid: ${[...new Set(SETS.map((s) => s.scenario))].join(", ")}`);
  const committedPath = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "fixtures", "scenarios.json");
  const committed = existsSync(committedPath) ? JSON.parse(readFileSync(committedPath, "utf8")) : { records: [] };
  const records = [];
  for (const set of SETS) {
    for (const mode of ["leak", "fix"]) {
      const base = { scenario: set.scenario, mode, params_set: set.params, slow: set.slow === true };
      if ((set.slow === true && !full) || (only !== undefined && set.scenario !== only)) {
        const old = committed.records.find((r) => keyOf(r) === keyOf(base));
        if (old === undefined) throw new Error(`scenarios.json has no record of ${keyOf(base)}: run once ${only !== undefined ? "without --only" : "with BEAMLAB_SCENARIOS_FULL=1"}`);
        records.push(old);
        continue;
      }
      const report = await runTwin(set.script, mode, set.params);
      // `runs` > 1 (the routers, whose figures follow real time): the twin is run that many times;
      // `roles` / `workload` are the first run's, `roles_range` the [min, max] of every figure
      // over the runs, and `work` each run's measured work-clock rate (see twins/routers.escript)
      const extra = [];
      for (let i = 1; i < (set.runs ?? 1); i++) extra.push(await runTwin(set.script, mode, set.params));
      // Volatile for the drift check (the figures still are the real BEAM's, recorded once):
      // routers — the routers' `after 100` is real time: which of them time out while the
      // producers run follows the machine's speed and the driver's slices (recorded 3 times,
      // roles_range; twins/routers.escript); sub-binary-cache — the
      // twin's 100 ms real-time sampler cuts the client's slices at different points, so the
      // cache's last heap size before the forced GC differs between runs (75,113 or 121,536
      // words seen for leak). Pinning these needs a virtual-time sampler on the BEAM side.
      // gen-server-work — its servers' heaps pass 128K words, so their collections run on a
      // dirty scheduler, concurrently with the driver: on a loaded machine (CI's test run) a
      // re-record of the 30 x 10 set came out one heap size larger for every server (196,653
      // words instead of 150,230, which 9 unloaded runs give); the committed figures are the
      // unloaded run's.
      const volatile =
        set.scenario === "routers" ? { volatile_fields: ["roles", "workload", "roles_range", "work"] } : set.scenario === "sub-binary-cache" || set.scenario === "gen-server-work" ? { volatile_fields: ["roles", "workload"] } : {};
      const summary = summarise(report, set.roles);
      // workload.binary is a difference of two whole-node erlang:memory(binary) readings: the
      // node's own binaries move it by a few KB between runs (-8,504 / +18,056 B seen for
      // agent-vs-task leak), so it is volatile; tests compare it with a tolerance.
      summary.workload = { ...summary.workload, volatile_fields: ["binary"] };
      const ranged = {};
      if (extra.length > 0) {
        const all = [summary, ...extra.map((r) => summarise(r, set.roles))];
        const roles_range = {};
        for (const role of set.roles) {
          roles_range[role] = {};
          for (const k of Object.keys(summary.roles[role])) {
            const v = all.map((x) => x.roles[role][k]);
            roles_range[role][k] = [Math.min(...v), Math.max(...v)];
          }
        }
        ranged.roles_range = roles_range;
      }
      if (report.work !== undefined) ranged.work = [report, ...extra].map((r) => r.work);
      records.push({ ...base, params: report.params, ...summary, ...ranged, ...(report.pids === undefined ? {} : { pids: report.pids }), ...volatile });
    }
  }
  const fixture = { recorder: "scenarios.record.mjs", ...liveVersions(), records };
  writeFileSync(path.join(outDir, "scenarios.json"), `${JSON.stringify(fixture, null, 1)}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
