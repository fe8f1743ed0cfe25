/**
 * `defineScenario`: the one entry point for a parametric scenario, built-in or a user's file
 * (`leak-lab run ./my-scenario.ts`). Identity plus validation, so a malformed scenario fails with
 * one line naming the field before anything runs.
 *
 * Also `wrapScenario`: an old-style {@link Scenario} (leak + `.fixed` variant, no parameters)
 * offered as a parametric one (`leak` = the scenario, `fix` = its fixed variant).
 */
import { ScenarioInputError, validateSpecs } from "./params.js";
import type { ParametricScenario, Scenario } from "./scenario.js";

export function defineScenario(s: ParametricScenario): ParametricScenario {
  // A user file is not type-checked: check what it hands us at run time.
  const raw: unknown = s;
  if (typeof raw !== "object" || raw === null) throw new ScenarioInputError("a scenario must be an object { id, title, description, params, roles, expects, run }");
  if (typeof s.id !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(s.id)) throw new ScenarioInputError(`scenario id ${JSON.stringify(s.id)} must be lowercase letters, digits, ".", "_" or "-"`);
  for (const field of ["title", "description"] as const) {
    if (typeof s[field] !== "string") throw new ScenarioInputError(`scenario ${s.id}: ${field} must be a string`);
  }
  if (!Array.isArray(s.params)) throw new ScenarioInputError(`scenario ${s.id}: params must be an array of parameter specs`);
  if (!Array.isArray(s.roles) || s.roles.some((r) => typeof r !== "string")) throw new ScenarioInputError(`scenario ${s.id}: roles must be an array of strings`);
  if (typeof s.expects !== "function") throw new ScenarioInputError(`scenario ${s.id}: expects must be a function (mode) => finding kind | undefined`);
  if (typeof s.run !== "function") throw new ScenarioInputError(`scenario ${s.id}: run must be a function`);
  if (s.twin !== undefined && (!["erl", "elixir"].includes(s.twin.runtime) || typeof s.twin.script !== "string")) {
    throw new ScenarioInputError(`scenario ${s.id}: twin must be { runtime: "erl" | "elixir", script: string }`);
  }
  validateSpecs(s.id, s.params);
  return s;
}

/** An old-style scenario and its `.fixed` variant as one parametric scenario without parameters. */
export function wrapScenario(leak: Scenario, roles: readonly string[] = []): ParametricScenario {
  const fixed = leak.fixed;
  return defineScenario({
    id: leak.id,
    title: leak.title,
    description: leak.description,
    params: [],
    roles,
    expects: (mode) => (mode === "leak" ? leak.expects : fixed?.expects),
    ...(leak.culpritRole === undefined ? {} : { culpritRole: leak.culpritRole }),
    run: (opts = {}) => ((opts.mode ?? "leak") === "fix" && fixed !== undefined ? fixed : leak).run(opts),
  });
}
