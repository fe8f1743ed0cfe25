/**
 * Named scenario parameters (`--set name=value`): their specs, and parsing raw strings into typed,
 * range-checked values.
 *
 * Owns: {@link ParamSpec} (name, type, default, range or choices, description), {@link resolveParams}
 * (defaults overlaid with the raw values given) and {@link ScenarioInputError}.
 * Invariants: every value `resolveParams` returns has its spec's type and is inside its range; any
 * bad input throws a `ScenarioInputError` whose message is ONE line naming the parameter and the
 * valid choices or range (leak-lab prints it and exits 2); never any other error.
 */

/** `bytes` accepts 65536, 64KiB, 2GiB, 1.5MB; `ms_or_off` accepts a whole number of ms or "off" (null). */
export type ParamType = "integer" | "bytes" | "ms_or_off" | "boolean" | "enum";

export interface ParamSpec {
  /** snake_case exactly as in issue 11, e.g. "work_base". */
  readonly name: string;
  readonly type: ParamType;
  /** null = off (ms_or_off only). */
  readonly default: number | boolean | string | null;
  readonly min?: number;
  readonly max?: number;
  /** The choices of an `enum`. */
  readonly values?: readonly string[];
  readonly description: string;
}

export type ParamValue = number | boolean | string | null;
export type ParamValues = Readonly<Record<string, ParamValue>>;

/** Bad user input (parameter, mode, scenario file): its message is one line naming the problem and the valid choices. */
export class ScenarioInputError extends Error {
  override readonly name = "ScenarioInputError";
}

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

function rangeText(spec: ParamSpec): string {
  return `${spec.min ?? "-∞"}..${spec.max ?? "∞"}`;
}

function parseOne(spec: ParamSpec, raw: string): ParamValue {
  const v = raw.trim();
  const bad = (what: string): ScenarioInputError => new ScenarioInputError(`parameter ${spec.name}: ${JSON.stringify(raw)} is not ${what}`);
  switch (spec.type) {
    case "boolean":
      if (v === "true") return true;
      if (v === "false") return false;
      throw bad("a boolean (true or false)");
    case "enum":
      if (spec.values?.includes(v) === true) return v;
      throw bad(`one of ${(spec.values ?? []).join(", ")}`);
    case "ms_or_off":
      if (v === "off") return null;
      if (/^\d+$/.test(v)) return Number(v);
      throw bad(`a whole number of ms (${rangeText(spec)}) or "off"`);
    case "integer":
      if (/^-?\d+$/.test(v)) return Number(v);
      throw bad(`a whole number (${rangeText(spec)})`);
    case "bytes": {
      const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(v);
      const unit = BYTE_UNITS[(m?.[2] ?? "").toUpperCase()];
      if (m === null || unit === undefined) throw bad(`a size in bytes (65536, 64KiB, 2GiB; ${rangeText(spec)})`);
      const n = Number(m[1]) * unit;
      if (!Number.isInteger(n)) throw bad("a whole number of bytes");
      return n;
    }
  }
}

function checkRange(spec: ParamSpec, v: ParamValue, raw: string): void {
  if (typeof v !== "number") return;
  if (!Number.isSafeInteger(v) || (spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
    throw new ScenarioInputError(`parameter ${spec.name}: ${raw} is out of range ${rangeText(spec)}`);
  }
}

/**
 * The scenario's parameters: each spec's default, overridden by `raw` (name → the string a user
 * typed). Throws {@link ScenarioInputError} on an unknown name, a value of the wrong type, or one
 * out of range.
 */
export function resolveParams(specs: readonly ParamSpec[], raw: Readonly<Record<string, string>>): ParamValues {
  const out: Record<string, ParamValue> = {};
  for (const s of specs) out[s.name] = s.default;
  for (const [name, value] of Object.entries(raw)) {
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined) {
      const known = specs.map((s) => s.name).join(", ");
      throw new ScenarioInputError(`unknown parameter ${name}; ${known === "" ? "this scenario takes none" : `valid: ${known}`}`);
    }
    const v = parseOne(spec, value);
    checkRange(spec, v, value);
    out[name] = v;
  }
  return Object.freeze(out);
}

/** A parameter's value as a number (the scenario's own specs guarantee the type; null for "off"). */
export function intParam(values: ParamValues | undefined, specs: readonly ParamSpec[], name: string): number {
  const v = values?.[name] ?? specs.find((s) => s.name === name)?.default;
  if (typeof v !== "number") throw new ScenarioInputError(`parameter ${name}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

/** An `ms_or_off` parameter: a number of ms or null (off). */
export function msOrOffParam(values: ParamValues | undefined, specs: readonly ParamSpec[], name: string): number | null {
  const v = values === undefined || !(name in values) ? specs.find((s) => s.name === name)?.default : values[name];
  if (v === null || v === undefined) return null;
  if (typeof v !== "number") throw new ScenarioInputError(`parameter ${name}: expected a number of ms or off, got ${JSON.stringify(v)}`);
  return v;
}

/** Checks a spec list (used by defineScenario): names snake_case and unique, defaults of the right type and in range. */
export function validateSpecs(owner: string, specs: readonly ParamSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (!/^[a-z][a-z0-9_]*$/.test(s.name)) throw new ScenarioInputError(`scenario ${owner}: parameter name ${JSON.stringify(s.name)} must be snake_case`);
    if (seen.has(s.name)) throw new ScenarioInputError(`scenario ${owner}: parameter ${s.name} is declared twice`);
    seen.add(s.name);
    const d = s.default;
    const ok =
      s.type === "boolean" ? typeof d === "boolean" : s.type === "enum" ? typeof d === "string" && (s.values?.includes(d) ?? false) : s.type === "ms_or_off" ? d === null || typeof d === "number" : typeof d === "number";
    if (!ok) throw new ScenarioInputError(`scenario ${owner}: parameter ${s.name}'s default ${JSON.stringify(d)} is not a valid ${s.type}`);
    if (typeof d === "number") checkRange(s, d, String(d));
  }
}
