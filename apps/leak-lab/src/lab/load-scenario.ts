/**
 * Finds the scenario a command names: a built-in id (`gen-server-work`) or a user's TypeScript
 * file (`./my-scenario.ts`) that default-exports `defineScenario({...})`.
 *
 * A file is loaded at run time with jiti (TypeScript transpiled in memory, no build step). Its
 * imports of `@beamlab/*` are aliased to leak-lab's own copy of those packages: the sources
 * when leak-lab runs from source, the bundled `dist/user-api/*.js` when it runs from the build;
 * so a scenario file works from anywhere, without installing beamlab next to it.
 *
 * Invariant: every failure (no such id, no such file, a file that does not compile, throws while
 * loading or exports no scenario) is a {@link UsageError} with one line naming it and the
 * choices; nothing here lets a stack trace through.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";
import { defineScenario, PARAMETRIC_SCENARIOS, parametricScenarioById, type ParametricScenario } from "./scenario-api.js";
import { oneLine, UsageError } from "./usage-error.js";

const PACKAGES = ["scenarios", "otp", "scheduler", "heap", "refc", "telemetry"] as const;

/** True when this module runs from its TypeScript source (tests, `tsx`), false from the bundle. */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");

function aliases(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of PACKAGES) {
    const url = FROM_SOURCE ? new URL(`../../../../packages/${p}/src/index.ts`, import.meta.url) : new URL(`./user-api/${p}.js`, import.meta.url);
    const path = fileURLToPath(url);
    if (existsSync(path)) out[`@beamlab/${p}`] = path;
  }
  return out;
}

/** Whether a command argument names a file rather than a built-in scenario id. */
export function looksLikeFile(arg: string, cwd: string): boolean {
  return /\.(m?ts|m?js)$/.test(arg) || arg.includes("/") || (arg.includes(".") && existsSync(resolve(cwd, arg)));
}

export function builtinIds(): string {
  return PARAMETRIC_SCENARIOS.map((s) => s.id).join(", ");
}

export async function loadScenarioFile(file: string, cwd: string): Promise<ParametricScenario> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`scenario file ${file} does not exist (built-in scenarios: ${builtinIds()})`);
  const jiti = createJiti(import.meta.url, { alias: aliases(), moduleCache: false, fsCache: false, interopDefault: true });
  let mod: unknown;
  try {
    mod = await jiti.import(path, { default: true });
  } catch (error) {
    throw new UsageError(`scenario file ${file} does not load: ${oneLine(error)}`);
  }
  const candidate = (mod !== null && typeof mod === "object" && "default" in mod ? (mod as { default: unknown }).default : mod) as ParametricScenario | undefined;
  if (candidate === undefined || candidate === null || typeof candidate !== "object" || typeof candidate.run !== "function") {
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
