// End to end through the bundle, as `pnpm leak-lab` runs it: scripts/leak-lab.mjs builds
// dist/ if missing or stale, then runs dist/bin.js on plain Node (no TypeScript loader).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { LabReport } from "../src/lab/report.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "..");
const LAUNCHER = join(APP, "scripts", "leak-lab.mjs");
const EXAMPLE = join(APP, "examples", "session-store.ts");

function leakLab(args: string[], cwd = APP) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.NODE_OPTIONS; // vitest's; the binary must not need a loader
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], { cwd, env, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const r = leakLab(["list"]); // builds the bundle if it is missing or stale
  expect(r.code).toBe(0);
}, 120_000);

describe("the built leak-lab", () => {
  it("runs a built-in scenario: one JSON document", () => {
    const r = leakLab(["run", "sub-binary-pinning", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as LabReport;
    expect(doc.findings?.map((f) => f.kind)).toContain("sub_binary_pinning");
  }, 60_000);

  it("loads a user scenario file and runs --band on worker threads from the bundle", () => {
    const r = leakLab(["run", EXAMPLE, "--set", "clients=2", "--band", "2", "--json"], mkdtempSync(join(tmpdir(), "leak-lab-e2e-")));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as LabReport;
    expect(doc.scenario).toBe("session-store");
    expect(doc.band?.runs).toBe(2);
    expect(doc.band?.headlines["client.count"]).toEqual({ min: 2, median: 2, max: 2 });
  }, 120_000);

  it("bad input: one line on stderr, exit 2, no stack trace", () => {
    const r = leakLab(["run", "no-such-leak"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no scenario "no-such-leak"; valid: /);
  }, 60_000);

  it("--memory-limit: the BEAM's last line on stderr, exit 3", () => {
    const r = leakLab(["run", "tenured-garbage", "--memory-limit", "100KiB", "--no-chart"], mkdtempSync(join(tmpdir(), "leak-lab-e2e-")));
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n")[0]).toMatch(/^eheap_alloc: Cannot allocate \d+ bytes of memory \(of type "heap"\)\.$/);
  }, 60_000);

  it("--report writes the HTML with the chart library inlined from the bundle", () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-e2e-"));
    const r = leakLab(["run", "tenured-garbage", "--report", "r.html"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report written to r\.html/);
  }, 60_000);
});
