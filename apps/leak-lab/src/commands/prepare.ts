/**
 * Turns a command's arguments into a runnable request: the scenario (built-in id, `ID.fixed`
 * for the fix mode of a built-in, or a file), the mode, the resolved parameters (`--set k=v`,
 * typed and range-checked by the scenario's own specs), the seed and the memory limit
 * (`--memory-limit`, or `--set memory_limit=…` when the scenario has no parameter of that name).
 *
 * Invariant: every problem is a {@link UsageError} naming the argument and the valid choices.
 */
import { parseBytes } from "../lab/bytes.js";
import { findScenario } from "../lab/load-scenario.js";
import { resolveParams, ScenarioInputError, type Mode, type ParametricScenario, type ParamValues } from "../lab/scenario-api.js";
import { UsageError } from "../lab/usage-error.js";

export interface ScenarioFlags {
  readonly mode?: Mode;
  readonly set?: readonly string[];
  readonly seed?: number;
  readonly memoryLimit?: string;
}

export interface Prepared {
  readonly scenario: ParametricScenario;
  /** What the user typed (an id or a file), for the band workers. */
  readonly arg: string;
  readonly mode: Mode;
  readonly params: ParamValues;
  readonly seed: number;
  readonly memoryLimit?: number;
}

export const MODES: readonly Mode[] = ["leak", "fix"];

function parseSets(sets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set ${JSON.stringify(s)}: expected name=value, e.g. --set servers=100`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function memoryLimitOf(text: string, from: string): number {
  const n = parseBytes(text);
  if (n === undefined) throw new UsageError(`${from}: ${JSON.stringify(text)} is not a size; write e.g. 2GiB, 512MiB, 64KiB or a number of bytes`);
  return n;
}

export async function prepare(arg: string, flags: ScenarioFlags, cwd: string): Promise<Prepared> {
  let id = arg;
  let mode = flags.mode;
  if (arg.endsWith(".fixed") && !arg.includes("/")) {
    id = arg.slice(0, -".fixed".length);
    if (mode === "leak") throw new UsageError(`${arg} is the fix of ${id}; leave out --mode leak`);
    mode = "fix";
  }
  const scenario = await findScenario(id, cwd);
  const raw = parseSets(flags.set ?? []);
  let memoryLimit = flags.memoryLimit === undefined ? undefined : memoryLimitOf(flags.memoryLimit, "--memory-limit");
  if (raw.memory_limit !== undefined && !scenario.params.some((p) => p.name === "memory_limit")) {
    memoryLimit ??= memoryLimitOf(raw.memory_limit, "--set memory_limit");
    delete raw.memory_limit;
  }
  let params: ParamValues;
  try {
    params = resolveParams(scenario.params, raw);
  } catch (error) {
    if (error instanceof ScenarioInputError) throw new UsageError(`${scenario.id}: ${error.message}`);
    throw error;
  }
  return { scenario, arg: id, mode: mode ?? "leak", params, seed: flags.seed ?? 1, ...(memoryLimit === undefined ? {} : { memoryLimit }) };
}
