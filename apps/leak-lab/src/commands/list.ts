/**
 * `leak-lab list`: every built-in scenario with its parameters (name=default, type, the values
 * `--set` accepts, what it means), the leak
 * each mode should show, and whether it has a twin for `--beam`. `--json`: one document,
 * `{"scenarios": [...]}` with the parameter specs as the scenario declares them.
 */
import { PARAMETRIC_SCENARIOS } from "../lab/scenario-api.js";
import { styleFor } from "../render/style.js";
import type { ParamSpec } from "../lab/scenario-api.js";
import { envOf, type CliEnvironment } from "./context.js";

/** What `--set` accepts for a parameter: its range, choices, `or off`. */
function rangeOf(p: ParamSpec): string {
  if (p.type === "enum") return (p.values ?? []).join("|");
  if (p.type === "boolean") return "true|false";
  const r = `${p.min ?? ""}..${p.max ?? ""}`;
  return p.type === "ms_or_off" ? `${r}|off` : r;
}

export function listCommand(flags: { readonly json?: boolean; readonly color?: boolean }, io: CliEnvironment): number {
  if (flags.json === true) {
    io.out(JSON.stringify({
      scenarios: PARAMETRIC_SCENARIOS.map((s) => ({
        id: s.id, title: s.title, description: s.description, params: s.params, roles: s.roles,
        expects: { leak: s.expects("leak") ?? null, fix: s.expects("fix") ?? null }, twin: s.twin ?? null,
      })),
    }));
    return 0;
  }
  const style = styleFor(io.isTTY ?? false, envOf(io), flags.color ?? true);
  for (const s of PARAMETRIC_SCENARIOS) {
    const leak = s.expects("leak");
    io.out(`${style.bold(s.id)}  ${s.title}${leak === undefined ? "" : style.dim(`  [leak: ${leak}]`)}${s.twin === undefined ? "" : style.dim(`  [twin: ${s.twin.runtime}]`)}`);
    const rows = s.params.map((p) => [`${p.name}=${p.default === null ? "off" : String(p.default)}`, p.type, rangeOf(p), p.description]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    for (const r of rows) io.out(`    ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join("  ")}`);

  }
  io.out("");
  io.out("run one: leak-lab run <id> [--mode leak|fix] [--set name=value]…   both modes: leak-lab compare <id>");
  return 0;
}
