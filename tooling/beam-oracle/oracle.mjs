// Access to the real-BEAM oracle from tests and benchmarks.
//
// Owns: where fixtures live, how a recorder is run, whether a live `erl` is available, and how a
// fresh recording is compared with a committed one. Fixtures are written only by the recorders
// in ./recorders (never by hand); `pnpm oracle:record` re-records them all.
//
// Drift rule: every field must be equal except the ones a record declares volatile — a record
// with `"deterministic": false` (pids, refs, ports: their numbers differ between runs) may differ
// in `text` and `etf`, and a record may list other such fields in `"volatile_fields"`.
// A fixture that drifts is recorded again (`DRIFT_RECORDINGS` recordings in all) and drifts only
// if no recording reproduces it: a twin run can, rarely, take another path on a loaded machine
// (see driftAcrossRecordings); a changed BEAM gives the same drift every time.
import { execFile, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ORACLE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = path.join(ORACLE_DIR, "fixtures");
export const RECORDERS_DIR = path.join(ORACLE_DIR, "recorders");

/** The committed fixture `name` (e.g. "terms"), parsed. */
export function loadFixture(name, dir = FIXTURES_DIR) {
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8"));
}

let erlVersion;
/** The OTP release of the `erl` on PATH, or undefined when there is none. */
export function liveErlRelease() {
  if (erlVersion === undefined) {
    const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~s", [erlang:system_info(otp_release)]), halt().'], { encoding: "utf8", timeout: 60_000 });
    erlVersion = r.status === 0 ? r.stdout.trim() : null;
  }
  return erlVersion ?? undefined;
}

/** Whether tests must have a live BEAM: always in CI (which installs erlang-base). */
export function liveErlRequired() {
  return process.env.CI === "true" || process.env.BEAMLAB_REQUIRE_ERL === "1";
}

/**
 * Recorder scripts by fixture name: fixture-producing escripts, and Node recorders
 * (`*.record.mjs`, e.g. scenarios.record.mjs, which runs the scenario twins in ./twins).
 */
export function recorders() {
  return readdirSync(RECORDERS_DIR)
    .filter((f) => (f.endsWith(".escript") && !f.endsWith("_bench.escript")) || f.endsWith(".record.mjs"))
    .sort()
    .map((f) => ({ name: f.replace(/\.escript$|\.record\.mjs$/, ""), script: path.join(RECORDERS_DIR, f) }));
}

/** Runs one escript with arguments; throws with its output when it fails. */
export function runEscript(script, args, { timeoutMs = 600_000 } = {}) {
  const [cmd, pre] = script.endsWith(".mjs") ? [process.execPath, []] : ["escript", []];
  const r = spawnSync(cmd, [...pre, script, ...args], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${path.basename(script)} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/**
 * Runs one escript without blocking the event loop (child_process.execFile); resolves with its
 * stdout, rejects with its output when it fails. Tests use this: a minute of synchronous
 * recording starves vitest's worker RPC ("Timeout calling onTaskUpdate").
 */
export function runEscriptAsync(script, args, { timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, pre] = script.endsWith(".mjs") ? [process.execPath, []] : ["escript", []];
    execFile(cmd, [...pre, script, ...args], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(script)} failed (${err.message}):\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** {@link recordAll} without blocking the event loop: one recorder at a time (they measure). */
export async function recordAllAsync(outDir) {
  const done = [];
  for (const { name, script } of recorders()) {
    await runEscriptAsync(script, [outDir]);
    done.push(name);
  }
  return done;
}

/** Records every fixture into `outDir` with the live BEAM. */
export function recordAll(outDir) {
  const done = [];
  for (const { name, script } of recorders()) {
    runEscript(script, [outDir]);
    done.push(name);
  }
  return done;
}

/** How many recordings of a fixture the drift check makes before it calls a difference drift. */
export const DRIFT_RECORDINGS = 3;

/**
 * The drift check of one fixture over up to `recordings` recordings: `firstDrift` is the first
 * recording's (fixtureDrift), `recordAgain()` makes another recording and resolves to its drift.
 * Stops at the first recording without drift. Resolves to every recording's drift, in order:
 * the fixture has drifted when the last entry is not empty.
 *
 * Why more than one: the real BEAM is deterministic for our workloads on one scheduler, except
 * for rare runs on a loaded machine. Seen once in CI (stop of 2026-12-04): the agent-vs-task twin's
 * supervisor ended at heap 4,185 / total 15,143 words instead of 6,772 / 35,462 — exactly what one
 * extra major collection of the supervisor during the run gives (erlang:garbage_collect/1 from
 * the sampler ~120 ms into a run reproduces those three numbers); not seen in ~400 local runs, idle
 * or under CPU load; a module purge (literal-area copying) at 5-150 ms, process_info requests
 * and a 1 ms sampler did not move them, and a traced normal run shows no purge, literal copying
 * or persistent_term write during the workload. A changed BEAM or twin
 * drifts in every recording, so this does not hide it.
 */
export async function driftAcrossRecordings(firstDrift, recordAgain, recordings = DRIFT_RECORDINGS) {
  const drifts = [firstDrift];
  while (drifts[drifts.length - 1].length > 0 && drifts.length < recordings) drifts.push(await recordAgain());
  return drifts;
}

/**
 * Differences between a committed fixture and a fresh recording, as readable paths
 * (`terms[12].flat_size: committed 6, live 7`). Iterative; stops after `limit` differences.
 */
export function fixtureDrift(committed, live, limit = 20) {
  const out = [];
  const stack = [["", committed, live, new Set()]];
  while (stack.length > 0 && out.length < limit) {
    const [where, a, b, volatile] = stack.pop();
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push(`${where}: committed ${a.length} items, live ${b.length}`);
      for (let i = Math.min(a.length, b.length) - 1; i >= 0; i--) stack.push([`${where}[${i}]`, a[i], b[i], new Set()]);
    } else if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      const vol = new Set(volatile);
      if (a.deterministic === false) { vol.add("text"); vol.add("etf"); }
      for (const f of a.volatile_fields ?? []) vol.add(f);
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (vol.has(key)) continue;
        if (!(key in a) || !(key in b)) out.push(`${where === "" ? key : `${where}.${key}`}: only in ${key in a ? "committed" : "live"}`);
        else stack.push([where === "" ? key : `${where}.${key}`, a[key], b[key], new Set()]);
      }
    } else if (a !== b) {
      const show = (v) => { const s = JSON.stringify(v); return s.length > 80 ? `${s.slice(0, 77)}...` : s; };
      out.push(`${where}: committed ${show(a)}, live ${show(b)}`);
    }
  }
  return out;
}

export { observerEbin } from "./crashdump-viewer/observer-ebin.mjs";
/** crashdump-viewer/cdv_read.escript: a dump as OTP's crashdump_viewer shows it, as JSON. */
export const CDV_READ = path.join(ORACLE_DIR, "crashdump-viewer", "cdv_read.escript");
