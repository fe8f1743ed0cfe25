#!/usr/bin/env node
// agent_vs_task_gc.record.mjs -- beamlab BEAM oracle: every collection of agent-vs-task's
// supervisor on the real BEAM (fixtures/agent_vs_task_gc.json).
//
// HOW TO RUN (from the repo root; one argument = output directory)
//   node tooling/beam-oracle/recorders/agent_vs_task_gc.record.mjs tooling/beam-oracle/fixtures
// about 2 s (needs `elixir` on PATH).
//
// WHAT IT RECORDS: the agent-vs-task twin (twins/agent_vs_task.exs) at its defaults (437
// events, result_kb 48), both modes, run with BEAMLAB_TRACE=sup: its supervisor's gc trace from
// after its start to the end of the run (erlang:trace(Sup, true, [garbage_collection]) with the
// driver as tracer: no process spawned, the pid numbers stay the untraced run's), each event's
// tag and heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size,
// stack_size, recent_size; with the traced run's supervisor figures (`final`) and pid numbers.
// DETERMINISM: one scheduler, a warm twin, no timers: the same events in every run.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { runTwin } from "../twin.mjs";

function liveVersions() {
  const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~s ~s ~p", [erlang:system_info(otp_release), erlang:system_info(version), erlang:system_info(wordsize)]), halt().'], { encoding: "utf8" });
  const [otp, erts, wordsize] = r.stdout.trim().split(" ");
  const ex = spawnSync("elixir", ["--version"], { encoding: "utf8" });
  return { otp_release: otp, erts, wordsize: Number(wordsize), elixir: /Elixir (\S+)/.exec(ex.stdout ?? "")?.[1] ?? null };
}

async function main() {
  const outDir = path.resolve(process.argv[2] ?? "fixtures");
  process.env.BEAMLAB_TRACE = "sup"; // the twin (a child process) reads it
  const runs = [];
  for (const mode of ["leak", "fix"]) {
    const report = await runTwin("twins/agent_vs_task.exs", mode, {});
    const sup = report.final.processes.find((p) => p.role === "supervisor");
    runs.push({ mode, pids: report.pids, final: { heap_size: sup.heap_size, total_heap_size: sup.total_heap_size }, events: report.sup_gc });
  }
  const doc = { recorder: "agent_vs_task_gc.record.mjs", ...liveVersions(), events: 437, result_kb: 48, runs };
  writeFileSync(path.join(outDir, "agent_vs_task_gc.json"), `${JSON.stringify(doc, null, 1)}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
