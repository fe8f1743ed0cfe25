/**
 * Child specifications (supervisor:child_spec()) and their validation.
 *
 * Owns: the `ChildSpec` shape (id, start `{fn, args}` — the MFA, restart, shutdown, type,
 * modules), the defaults (restart permanent; shutdown 5000 for a worker, infinity for a
 * supervisor; type worker; modules `[Name]`), and `checkChildSpec`, which returns OTP's error term
 * (`{invalid_restart_type, V}`, `{invalid_shutdown, V}`, `{invalid_child_type, V}`,
 * `{invalid_mfa, V}`, `{invalid_modules, V}`, `{invalid_significant, V}`, `{bad_combination,
 * [{restart, permanent}, {significant, true}]}` and, given the supervisor's flag, `{bad_combination,
 * [{auto_shutdown, never}, {significant, true}]}` — as check_childspecs/1,2 on OTP 25 —
 * `missing_id`, `missing_start`) together with a
 * readable message naming the child and the field (`ChildSpecError`).
 * Invariant: a spec that passes `checkChildSpec` has every field set to a valid value.
 */
import { atom, list, printTerm, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { tuple, type CbResult } from "./common.js";

export type Restart = "permanent" | "transient" | "temporary";
export type Shutdown = "brutal_kill" | "infinity" | number;
export type ChildType = "worker" | "supervisor";
/** A start function: returns `{ok, Pid}` | `{ok, Pid, Info}` | `ignore` | `{error, R}`. */
export type StartFn = (ctx: ProcessContext, ...args: Term[]) => CbResult;

export interface StartMFA {
  readonly fn: StartFn;
  readonly args?: readonly Term[];
  /** The module shown in `modules` and reports (default the function's name). */
  readonly module?: string;
}

export interface ChildSpec {
  readonly id: Term;
  readonly start: StartMFA;
  readonly restart?: Restart;
  /** Significant for the supervisor's auto_shutdown (OTP 24+); only transient/temporary. */
  readonly significant?: boolean;
  readonly shutdown?: Shutdown;
  readonly type?: ChildType;
  readonly modules?: readonly string[] | "dynamic";
}

export interface CheckedSpec {
  readonly id: Term;
  readonly start: StartMFA;
  readonly restart: Restart;
  readonly significant: boolean;
  readonly shutdown: Shutdown;
  readonly type: ChildType;
  readonly modules: Term;
}

export class ChildSpecError extends Error {
  constructor(
    readonly term: Term,
    message: string,
  ) {
    super(message);
    this.name = "ChildSpecError";
  }
}

/** Validates a spec: the checked spec, or the OTP error term plus a message naming child and field. */
export function checkChildSpec(spec: unknown, autoShutdown?: "never" | "any_significant" | "all_significant"): CheckedSpec | ChildSpecError {
  // untyped on purpose: specs come from JS callers too, and every field is checked
  const s = spec as Record<string, unknown> | null | undefined;
  if (typeof s !== "object" || s === null) return new ChildSpecError(tuple(atom("invalid_child_spec"), atom("undefined")), "child spec: not an object");
  if (s.id === undefined) return new ChildSpecError(atom("missing_id"), "child spec: field id is missing");
  const who = `child spec ${printTerm(s.id as Term)}`;
  if (s.start === undefined) return new ChildSpecError(atom("missing_start"), `${who}: field start is missing`);
  const st = s.start as Partial<StartMFA> | null | undefined;
  if (typeof st !== "object" || st === null || typeof st.fn !== "function" || (st.args !== undefined && !Array.isArray(st.args))) {
    return new ChildSpecError(tuple(atom("invalid_mfa"), toTerm(s.start)), `${who}: field start must be {fn, args}, got ${show(s.start)}`);
  }
  const start = st as StartMFA;
  const restart = (s.restart ?? "permanent") as unknown;
  if (restart !== "permanent" && restart !== "transient" && restart !== "temporary") {
    return new ChildSpecError(tuple(atom("invalid_restart_type"), toTerm(restart)), `${who}: field restart must be permanent | transient | temporary, got ${show(restart)}`);
  }
  const significant = (s.significant ?? false) as unknown;
  if (typeof significant !== "boolean") return new ChildSpecError(tuple(atom("invalid_significant"), toTerm(significant)), `${who}: field significant must be true | false, got ${show(significant)}`);
  if (significant && restart === "permanent") {
    return new ChildSpecError(tuple(atom("bad_combination"), list([tuple(atom("restart"), atom("permanent")), tuple(atom("significant"), atom("true"))])), `${who}: field significant is true but the child is permanent (only transient and temporary children can be significant)`);
  }
  if (significant && autoShutdown === "never") {
    return new ChildSpecError(tuple(atom("bad_combination"), list([tuple(atom("auto_shutdown"), atom("never")), tuple(atom("significant"), atom("true"))])), `${who}: field significant is true but the supervisor's auto_shutdown is never`);
  }
  const type = (s.type ?? "worker") as unknown;
  if (type !== "worker" && type !== "supervisor") return new ChildSpecError(tuple(atom("invalid_child_type"), toTerm(type)), `${who}: field type must be worker | supervisor, got ${show(type)}`);
  const shutdown = (s.shutdown ?? (type === "worker" ? 5000 : "infinity")) as unknown;
  if (!(shutdown === "brutal_kill" || shutdown === "infinity" || (typeof shutdown === "number" && Number.isInteger(shutdown) && shutdown >= 0))) {
    return new ChildSpecError(tuple(atom("invalid_shutdown"), toTerm(shutdown)), `${who}: field shutdown must be brutal_kill | infinity | a timeout >= 0, got ${show(shutdown)}`);
  }
  const mods = (s.modules ?? [startModuleName(start)]) as unknown;
  if (mods !== "dynamic" && (!Array.isArray(mods) || mods.some((m: unknown) => typeof m !== "string"))) {
    return new ChildSpecError(tuple(atom("invalid_modules"), toTerm(mods)), `${who}: field modules must be a list of module names or dynamic, got ${show(mods)}`);
  }
  return { id: s.id as Term, start, restart, significant, shutdown, type, modules: mods === "dynamic" ? atom("dynamic") : list((mods as string[]).map((m) => atom(m))) };
}

/** The module a start function stands for: `module`, else the function's name. */
export function startModuleName(start: StartMFA): string {
  return start.module ?? (start.fn.name || "undefined");
}

function show(v: unknown): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v) || typeof v;
}
function toTerm(v: unknown): Term {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  return atom(show(v));
}
