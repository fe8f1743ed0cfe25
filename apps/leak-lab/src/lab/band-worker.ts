/**
 * One `--band` rerun, on a worker thread (tinypool): loads the scenario by id or file, runs it
 * with the given perturbation and returns its headline numbers (small, structured-clonable).
 */
import { execute } from "./execute.js";
import { headlines, type Headlines } from "./headlines.js";
import { findScenario } from "./load-scenario.js";
import type { Mode, ParamValues, Perturbation } from "./scenario-api.js";

export interface BandTask {
  readonly scenario: string;
  readonly cwd: string;
  readonly mode: Mode;
  readonly params: ParamValues;
  readonly seed: number;
  readonly perturb: Perturbation;
}

export default async function bandRun(task: BandTask): Promise<Headlines> {
  const scenario = await findScenario(task.scenario, task.cwd);
  const { report } = execute(scenario, { mode: task.mode, params: task.params, seed: task.seed, perturb: task.perturb });
  return headlines(report);
}
