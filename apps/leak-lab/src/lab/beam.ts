/**
 * `--beam`: runs the scenario's twin (its Erlang or Elixir counterpart in tooling/beam-oracle)
 * on the local `erl` / `elixir` through beam-oracle's twin runner, and sets its headline numbers
 * next to the simulation's with their ratio (simulated / real), and, when both sides traced
 * their processes, how many GC trace events of each role are identical.
 *
 * Owns the decision to skip, with one line saying why: no twin for this scenario, `erl` or
 * `elixir` not on PATH, the twin runner not present in this checkout. A twin that fails is
 * reported the same way (its first line), never as a stack trace.
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { headlines } from "./headlines.js";
import { FROM_SOURCE } from "./load-scenario.js";
import type { BeamComparison, GcEventsMatch, LabReport } from "./report.js";
import type { Mode, ParametricScenario, ParamValues } from "./scenario-api.js";
import { oneLine } from "./usage-error.js";

export type BeamOutcome = { readonly ok: true; readonly comparison: BeamComparison } | { readonly ok: false; readonly skipped: string; readonly failed: boolean };

type RunTwin = (script: string, mode: Mode, params: ParamValues) => Promise<LabReport>;

/** Whether `cmd` is an executable on `PATH` (what a shell would find). */
export function onPath(cmd: string, path: string | undefined): boolean {
  for (const dir of (path ?? "").split(delimiter)) if (dir !== "" && existsSync(join(dir, cmd))) return true;
  return false;
}

function twinRunnerPath(): string {
  return fileURLToPath(new URL(FROM_SOURCE ? "../../../../tooling/beam-oracle/twin.mjs" : "../../../tooling/beam-oracle/twin.mjs", import.meta.url));
}

export function compareHeadlines(simulated: LabReport, real: LabReport): BeamComparison["headlines"] {
  const a = headlines(simulated);
  const b = headlines(real);
  const out: Record<string, { simulated: number; real: number; ratio: number | null }> = {};
  for (const name of Object.keys(a)) {
    const r = b[name];
    if (r === undefined) continue;
    const s = a[name] ?? 0;
    out[name] = { simulated: s, real: r, ratio: r === 0 ? (s === 0 ? 1 : null) : s / r };
  }
  return out;
}

/**
 * Per role, how many of the simulated GC trace events equal the twin's, from the first on (one
 * process per role is compared: the first of that role on each side). Undefined unless both
 * reports have `gc_events`.
 */
export function compareGcEvents(simulated: LabReport, real: LabReport): Record<string, GcEventsMatch> | undefined {
  if (simulated.gc_events === undefined || real.gc_events === undefined) return undefined;
  const out: Record<string, GcEventsMatch> = {};
  for (const p of simulated.gc_events) {
    const role = p.role ?? p.pid;
    if (role in out) continue;
    const r = real.gc_events.find((x) => (x.role ?? x.pid) === role);
    if (r === undefined) continue;
    let identical = 0;
    for (; identical < Math.min(p.events.length, r.events.length); identical++) {
      const a = p.events[identical];
      const b = r.events[identical];
      if (a === undefined || b?.event !== a.event) break;
      const keys = new Set([...Object.keys(a.info), ...Object.keys(b.info)]);
      if ([...keys].some((k) => a.info[k] !== b.info[k])) break;
    }
    out[role] = { simulated: p.events.length, real: r.events.length, identical };
  }
  return out;
}

export async function runBeam(scenario: ParametricScenario, simulated: LabReport, env: { readonly PATH?: string | undefined }): Promise<BeamOutcome> {
  const twin = scenario.twin;
  if (twin === undefined) return { ok: false, skipped: `--beam: ${scenario.id} has no twin on the real BEAM`, failed: false };
  if (!onPath(twin.runtime, env.PATH)) return { ok: false, skipped: `--beam: \`${twin.runtime}\` is not on PATH, so the real BEAM was not run (install Erlang/OTP 25${twin.runtime === "elixir" ? " and Elixir" : ""})`, failed: false };
  const runner = twinRunnerPath();
  if (!existsSync(runner)) return { ok: false, skipped: `--beam: the twin runner (${runner}) is not in this checkout`, failed: false };
  try {
    const mod = (await import(pathToFileURL(runner).href)) as { runTwin: RunTwin };
    const real = await mod.runTwin(twin.script, simulated.mode, simulated.params);
    const gc = compareGcEvents(simulated, real);
    return { ok: true, comparison: { report: real, headlines: compareHeadlines(simulated, real), ...(gc === undefined ? {} : { gc_events: gc }) } };
  } catch (error) {
    return { ok: false, skipped: `--beam: the twin ${twin.script} failed: ${oneLine(error)}`, failed: true };
  }
}
