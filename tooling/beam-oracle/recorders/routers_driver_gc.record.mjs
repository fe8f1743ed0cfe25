#!/usr/bin/env node
// routers_driver_gc.record.mjs -- beamlab BEAM oracle: every collection of the routers twin's
// driver, and which connections' consumers end at which heap (fixtures/routers_driver_gc.json).
//
// HOW TO RUN (from the repo root; one argument = output directory)
//   node tooling/beam-oracle/recorders/routers_driver_gc.record.mjs tooling/beam-oracle/fixtures
// about 6 s (two runs of the twin at its defaults, fix mode).
//
// WHAT IT RECORDS: the routers twin (twins/routers.escript, 1,000 connections × 200 × 1 KiB,
// fix) run with BEAMLAB_TRACE=driver: its driver's gc trace from its spawn to the end of the
// run (a suspended tracer: the driver never shares the scheduler with it), each event's tag and
// heap_size, heap_block_size, old_heap_size, old_heap_block_size, mbuf_size, stack_size,
// recent_size — the driver's slices show in it: the 'DOWN' messages its schedule-ins build on
// its heap, and where its spawning comprehensions stood at each collection. Then
// `consumer_runs`, the consumers' total_heap_size in connection (pid) order as runs of
// [words, count], for the traced run and for an untraced one (a gc trace does not move the
// driver's slices: the two agree), and each run's measured work rate (`work`, busy_us /
// reductions: how fast the machine was — which routers time out first follows it).
// DETERMINISM: the events are the same in every run; consumer_runs follows the machine's speed
// (volatile_fields).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { runTwin } from "../twin.mjs";

function liveVersions() {
  const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~s ~s ~p", [erlang:system_info(otp_release), erlang:system_info(version), erlang:system_info(wordsize)]), halt().'], { encoding: "utf8" });
  const [otp, erts, wordsize] = r.stdout.trim().split(" ");
  return { otp_release: otp, erts, wordsize: Number(wordsize) };
}

/** The consumers' total_heap_size in pid order, as runs of [words, count]. */
export function consumerRuns(report) {
  const pidNumber = (p) => Number(p.pid.split(".")[1]);
  const cs = report.final.processes.filter((p) => p.role === "consumer").sort((a, b) => pidNumber(a) - pidNumber(b));
  const runs = [];
  for (const c of cs) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === c.total_heap_size) last[1]++;
    else runs.push([c.total_heap_size, 1]);
  }
  return runs;
}

async function main() {
  const outDir = path.resolve(process.argv[2] ?? "fixtures");
  process.env.BEAMLAB_TRACE = "driver"; // the twin (a child process) reads it
  const traced = await runTwin("twins/routers.escript", "fix", {});
  delete process.env.BEAMLAB_TRACE;
  const plain = await runTwin("twins/routers.escript", "fix", {});
  const doc = {
    recorder: "routers_driver_gc.record.mjs",
    ...liveVersions(),
    params: traced.params,
    events: traced.driver_gc,
    consumer_runs: { traced: consumerRuns(traced), untraced: consumerRuns(plain) },
    work: { traced: traced.work, untraced: plain.work },
    volatile_fields: ["consumer_runs", "work"],
  };
  writeFileSync(path.join(outDir, "routers_driver_gc.json"), `${JSON.stringify(doc, null, 1)}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
