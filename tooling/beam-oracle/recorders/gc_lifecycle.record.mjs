#!/usr/bin/env node
// gc_lifecycle.record.mjs -- beamlab BEAM oracle: the GC event sequences of the gc-lifecycle twin
// (fixtures/gc_lifecycle.json).
//
// HOW TO RUN (from the repo root; one argument = output directory; about 5 s: 8 twin runs)
//   node tooling/beam-oracle/recorders/gc_lifecycle.record.mjs tooling/beam-oracle/fixtures
//
// WHAT IT RECORDS: for each mode and parameter set in SETS, the `gc_events` of
// twins/gc_lifecycle.escript (see its header for the work): per process (roles no_gc, minors,
// fullsweep_after, grow, in spawn order) its spawn options and every
// erlang:trace(Pid, true, [garbage_collection]) message, in order, as
// {"event": "gc_minor_start" | "gc_minor_end" | "gc_major_start" | "gc_major_end",
//  "info": {wordsize, the 11 garbage_collection_info items}}.
// Pids and the twin's real-time memory samples are left out.
// DETERMINISM: the events are identical on every run (checked: repeated runs gave the same file).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { runTwin } from "../twin.mjs";

export const SCRIPT = "twins/gc_lifecycle.escript";

/**
 * The defaults, a set that moves every work knob (fewer, bigger iterations; fullsweep_after 3),
 * one with a larger min_heap_size (rounded up to 1598 words) and fullsweep_after 1, and a grow
 * that reaches 514,838-word heaps, whose big collections run on a dirty scheduler (need 0).
 */
export const SETS = [
  {},
  { iterations: 20, garbage: 300, kept: 5, grown: 250, fullsweep_after: 3 },
  { iterations: 30, garbage: 150, kept: 3, grown: 180, fullsweep_after: 1, min_heap_size: 1000 },
  { iterations: 100, grown: 2000 },
];

function liveVersions() {
  const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~s ~s ~p", [erlang:system_info(otp_release), erlang:system_info(version), erlang:system_info(wordsize)]), halt().'], { encoding: "utf8" });
  const [otp, erts, wordsize] = r.stdout.trim().split(" ");
  return { otp_release: otp, erts, wordsize: Number(wordsize) };
}

async function main() {
  const outDir = path.resolve(process.argv[2] ?? "fixtures");
  const records = [];
  for (const set of SETS) {
    for (const mode of ["leak", "fix"]) {
      const report = await runTwin(SCRIPT, mode, set);
      records.push({
        mode,
        params_set: set,
        params: report.params,
        processes: report.gc_events.map((g) => ({ role: g.role, spawn_opts: g.spawn_opts, events: g.events })),
      });
    }
  }
  const fixture = { recorder: "gc_lifecycle.record.mjs", twin: SCRIPT, ...liveVersions(), records };
  // one event per line: readable diffs, a small file
  const text = JSON.stringify(fixture, (k, v) => (k === "events" ? v.map((e) => `@@${JSON.stringify(e)}@@`) : v), 1).replace(/"@@(.*?)@@"/g, (_, e) => JSON.parse(`"${e}"`));
  writeFileSync(path.join(outDir, "gc_lifecycle.json"), `${text}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
