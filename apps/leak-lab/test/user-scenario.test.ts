// User scenario files: a TypeScript file that default-exports defineScenario({...}), loaded at run time.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { anyJsonOf, cli, jsonOf } from "./harness.js";
import type { LabReport } from "../src/lab/report.js";

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), "..", "examples", "session-store.ts");

describe("leak-lab run ./my-scenario.ts", () => {
  it("runs the example with its own parameters and roles", async () => {
    const r = await cli(["run", EXAMPLE, "--set", "clients=3", "--json"]);
    expect(r.code).toBe(0);
    const doc = jsonOf(r);
    expect(doc.scenario).toBe("session-store");
    expect(doc.params).toEqual({ clients: 3, token_bytes: 1024, period_ms: 20, max_sessions: 50 });
    expect(doc.final.processes.filter((p) => p.role === "client")).toHaveLength(3);
    expect(doc.final.processes.filter((p) => p.role === "store")).toHaveLength(1);
  });

  it("the example's leak holds every token it was sent, the fix far fewer", async () => {
    const doc = anyJsonOf(await cli(["compare", EXAMPLE, "--set", "max_sessions=20", "--json"])) as { leak: LabReport; fix: LabReport };
    const tokens = (r: LabReport) => r.final.processes.find((p) => p.role === "store")?.binary.length ?? 0;
    // 4 clients × one put per 20 ms over 2000 ms; the fix's dropped tokens stay referenced
    // (process_info(binary)) only until the store's next collection sweeps their ProcBins.
    expect(tokens(doc.leak)).toBeGreaterThanOrEqual(400);
    expect(tokens(doc.fix)).toBeLessThan(tokens(doc.leak) / 2);
  });

  it("works from any directory, relative to where leak-lab runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-user-"));
    writeFileSync(
      join(dir, "tiny.ts"),
      [
        'import { defineScenario, newNode, setRole } from "@beamlab/scenarios";',
        "export default defineScenario({",
        '  id: "tiny", title: "one idle process", description: "", roles: ["idle"], params: [],',
        "  expects: () => undefined,",
        "  run(opts = {}) {",
        "    const run = newNode(opts, { duration: 100, interval: 50 });",
        '    run.scheduler.spawn(function* (ctx) { setRole(ctx, "idle"); yield* ctx.receive(); }, [], { initialCall: "tiny:idle/0" });',
        "    return run;",
        "  },",
        "});",
      ].join("\n"),
    );
    const r = await cli(["run", "./tiny.ts", "--json"], { cwd: dir });
    expect(r.err).toEqual([]);
    expect(jsonOf(r).final.processes.map((p) => p.role)).toEqual(["idle"]);
  });
});
