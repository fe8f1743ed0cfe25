/**
 * `leak-lab list`: every built-in scenario with its parameters (name=default), roles, the leak
 * each mode should show, and whether it has a twin for `--beam`. `--json`: one document,
 * `{"scenarios": [...]}` with the parameter specs as the scenario declares them.
 */
import { PARAMETRIC_SCENARIOS } from "../lab/scenario-api.js";
import { styleFor } from "../render/style.js";
import { envOf, type CliEnvironment } from "./context.js";

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
    if (s.params.length > 0) io.out(`    ${s.params.map((p) => `${p.name}=${p.default === null ? "off" : String(p.default)}`).join("  ")}`);
  }
  io.out("");
  io.out("run one: leak-lab run <id> [--mode leak|fix] [--set name=value]…   both modes: leak-lab compare <id>");
  return 0;
}
