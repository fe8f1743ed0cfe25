/**
 * The parametric scenario API leak-lab runs (the contract in SCENARIO-API.md, owned by
 * @beamlab/scenarios). Every other leak-lab module imports it from here, so there is one place
 * that binds leak-lab to the scenarios package.
 *
 * TEMPORARY: until @beamlab/scenarios exports the API, this module holds a faithful copy of the
 * contract's types, a `resolveParams` and the six existing scenarios wrapped as parametric
 * (no parameters; `leak` = the scenario, `fix` = its `.fixed` variant). It becomes a list of
 * re-exports when the scenarios branch is merged.
 */
import { SCENARIOS, type Scenario, type ScenarioOptions, type ScenarioRun as BaseRun } from "@beamlab/scenarios";
import type { FindingKind } from "@beamlab/telemetry";

export type ParamType = "integer" | "bytes" | "ms_or_off" | "boolean" | "enum";
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly default: number | boolean | string | null;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  readonly description: string;
}
export type ParamValues = Readonly<Record<string, number | boolean | string | null>>;
export class ScenarioInputError extends Error {}

export type Mode = "leak" | "fix";
export interface Perturbation {
  readonly seed: number;
  readonly words: number;
}
export interface ScenarioRunOptions extends ScenarioOptions {
  readonly mode?: Mode;
  readonly params?: ParamValues;
  readonly perturb?: Perturbation;
}
export interface ScenarioRun extends BaseRun {
  finished?(): boolean;
}
export interface ParametricScenario {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  readonly roles: readonly string[];
  expects(mode: Mode): FindingKind | undefined;
  readonly culpritRole?: string;
  readonly twin?: { readonly runtime: "erl" | "elixir"; readonly script: string };
  run(opts?: ScenarioRunOptions): ScenarioRun;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

function parseOne(spec: ParamSpec, raw: string): number | boolean | string | null {
  const bad = (what: string) => new ScenarioInputError(`parameter ${spec.name}: ${JSON.stringify(raw)} is not ${what}`);
  switch (spec.type) {
    case "boolean":
      if (raw === "true") return true;
      if (raw === "false") return false;
      throw bad("a boolean (true or false)");
    case "enum":
      if (spec.values?.includes(raw) === true) return raw;
      throw bad(`one of ${(spec.values ?? []).join(", ")}`);
    case "ms_or_off":
      if (raw === "off") return null;
      if (/^\d+$/.test(raw)) return Number(raw);
      throw bad('a whole number of ms or "off"');
    case "integer":
      if (/^-?\d+$/.test(raw)) return Number(raw);
      throw bad("a whole number");
    case "bytes": {
      const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(raw);
      const unit = BYTE_UNITS[(m?.[2] ?? "").toUpperCase()];
      if (m === null || unit === undefined) throw bad("a size in bytes (65536, 64KiB, 2GiB)");
      return Math.round(Number(m[1]) * unit);
    }
  }
}

export function resolveParams(specs: readonly ParamSpec[], raw: Readonly<Record<string, string>>): ParamValues {
  const out: Record<string, number | boolean | string | null> = {};
  for (const s of specs) out[s.name] = s.default;
  for (const [name, value] of Object.entries(raw)) {
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined) {
      const known = specs.map((s) => s.name).join(", ");
      throw new ScenarioInputError(`unknown parameter ${name}; ${known === "" ? "this scenario takes none" : `valid: ${known}`}`);
    }
    const v = parseOne(spec, value);
    if (typeof v === "number" && ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max))) {
      throw new ScenarioInputError(`parameter ${name}: ${value} is out of range ${spec.min ?? "-∞"}..${spec.max ?? "∞"}`);
    }
    out[name] = v;
  }
  return out;
}

export function defineScenario(s: ParametricScenario): ParametricScenario {
  if (typeof s.id !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(s.id)) throw new ScenarioInputError(`scenario id ${JSON.stringify(s.id)} must be lowercase letters, digits, ".", "_" or "-"`);
  if (typeof s.run !== "function") throw new ScenarioInputError(`scenario ${s.id}: run must be a function`);
  return s;
}

function wrap(leak: Scenario): ParametricScenario {
  const fixed = leak.fixed;
  return defineScenario({
    id: leak.id,
    title: leak.title,
    description: leak.description,
    params: [],
    roles: [],
    expects: (mode) => (mode === "leak" ? leak.expects : fixed?.expects),
    ...(leak.culpritRole === undefined ? {} : { culpritRole: leak.culpritRole }),
    run: (opts = {}) => ((opts.mode ?? "leak") === "fix" && fixed !== undefined ? fixed : leak).run(opts),
  });
}

export const PARAMETRIC_SCENARIOS: readonly ParametricScenario[] = SCENARIOS.filter((s) => !s.id.endsWith(".fixed")).map(wrap);

export function parametricScenarioById(id: string): ParametricScenario | undefined {
  return PARAMETRIC_SCENARIOS.find((s) => s.id === id);
}
