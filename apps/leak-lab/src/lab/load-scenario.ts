/**
 * Finds the scenario a command names: a built-in id (`gen-server-work`) or a user's TypeScript
 * file (`./my-scenario.ts`) that default-exports `defineScenario({...})`.
 *
 * A file is loaded at run time with jiti (TypeScript transpiled in memory, no build step; only
 * the user's file is transpiled). Its imports of `@beamlab/*` are aliased to `user-api/*.cjs`,
 * which hand out the very modules leak-lab itself runs (put on `globalThis` under
 * {@link USER_API_KEY} just before loading): one copy of the simulator, from source or from the
 * bundle alike, and a scenario file works from any directory without installing beamlab.
 *
 * Invariant: every failure (no such id, no such file, a file that does not compile, throws while
 * loading or exports no scenario) is a {@link UsageError} with one line naming it and the
 * choices; nothing here lets a stack trace through.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineScenario, PARAMETRIC_SCENARIOS, parametricScenarioById, type ParametricScenario } from "./scenario-api.js";
import { oneLine, UsageError } from "./usage-error.js";

/** True when this module runs from its TypeScript source (tests, `tsx`), false from the bundle. */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");

export const USER_API_KEY = Symbol.for("beamlab.leak-lab.user-api");

/** The packages a scenario file may import, as leak-lab's own module namespaces. */
async function userApi(): Promise<Record<string, unknown>> {
  const [scenarios, otp, scheduler, heap, refc, telemetry] = await Promise.all([
    import("@beamlab/scenarios"), import("@beamlab/otp"), import("@beamlab/scheduler"), import("@beamlab/heap"), import("@beamlab/refc"), import("@beamlab/telemetry"),
  ]);
  // The parametric API (defineScenario, resolveParams, …) rides along with @beamlab/scenarios.
  return { scenarios: { ...scenarios, ...(await import("./scenario-api.js")) }, otp, scheduler, heap, refc, telemetry };
}

async function aliases(): Promise<Record<string, string>> {
  const api = userApi();
  const g = globalThis as Record<symbol, unknown>;
  g[USER_API_KEY] ??= await api;
  const dir = new URL(FROM_SOURCE ? "../../user-api/" : "../user-api/", import.meta.url);
  const out: Record<string, string> = {};
  for (const p of Object.keys(g[USER_API_KEY] as object)) out[`@beamlab/${p}`] = fileURLToPath(new URL(`${p}.cjs`, dir));
  return out;
}

/** Whether a command argument names a file rather than a built-in scenario id. */
export function looksLikeFile(arg: string, cwd: string): boolean {
  return /\.(m?ts|m?js)$/.test(arg) || arg.includes("/") || (arg.includes(".") && existsSync(resolve(cwd, arg)));
}

export function builtinIds(): string {
  return PARAMETRIC_SCENARIOS.map((s) => s.id).join(", ");
}

function isScenarioLike(x: unknown): x is ParametricScenario {
  return x !== null && typeof x === "object" && typeof (x as { run?: unknown }).run === "function";
}

/** Where in `path` an error points (a parser's `path:line:col`, else the first stack frame in the file). */
function locationIn(error: unknown, path: string): string | undefined {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  for (const line of text.split("\n")) {
    const i = line.indexOf(path);
    if (i < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(i + path.length));
    if (m !== null) return `line ${m[1]}, column ${m[2]}`;
  }
  return undefined;
}

export async function loadScenarioFile(file: string, cwd: string): Promise<ParametricScenario> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`scenario file ${file} does not exist (built-in scenarios: ${builtinIds()})`);
  // jiti is loaded here, not at startup: only a user's file needs it (a built-in scenario starts ~60 ms sooner)
  const { createJiti } = await import("jiti");
  const jiti = createJiti(import.meta.url, { alias: await aliases(), moduleCache: false, fsCache: false, interopDefault: true });
  let mod: unknown;
  try {
    mod = await jiti.import(path, { default: true });
  } catch (error) {
    const where = locationIn(error, path);
    throw new UsageError(`scenario file ${file}${where === undefined ? "" : ` (${where})`} does not load: ${oneLine(error).replace(/^ParseError: /, "syntax error: ")}`);
  }
  const candidate: unknown = mod !== null && typeof mod === "object" && "default" in mod ? mod.default : mod;
  if (!isScenarioLike(candidate)) {
    throw new UsageError(`scenario file ${file} must \`export default defineScenario({ id, title, params, run, … })\``);
  }
  try {
    const defaults: Pick<ParametricScenario, "params" | "roles" | "description" | "expects"> = { params: [], roles: [], description: "", expects: () => undefined };
    return defineScenario({ ...defaults, ...candidate });
  } catch (error) {
    throw new UsageError(`scenario file ${file}: ${oneLine(error)}`);
  }
}

/** The scenario `arg` names, built-in or a file. */
export async function findScenario(arg: string, cwd: string): Promise<ParametricScenario> {
  const builtin = parametricScenarioById(arg);
  if (builtin !== undefined) return builtin;
  if (looksLikeFile(arg, cwd)) return loadScenarioFile(arg, cwd);
  throw new UsageError(`no scenario ${JSON.stringify(arg)}; valid: ${builtinIds()}, or a file ./my-scenario.ts`);
}
