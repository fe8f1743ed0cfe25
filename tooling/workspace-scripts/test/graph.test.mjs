import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { checkGraph } from "../graph.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const temps = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the workspace's manifests and sources (no node_modules) to break on purpose. */
function copyWorkspace() {
  const dir = mkdtempSync(path.join(tmpdir(), "graph-check-"));
  temps.push(dir);
  for (const group of ["packages", "apps"]) {
    cpSync(path.join(repoRoot, group), path.join(dir, group), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}node_modules`) && !src.includes(`${path.sep}dist`),
    });
  }
  return dir;
}

describe("package graph check", () => {
  it("passes on the workspace as committed", () => {
    expect(checkGraph(repoRoot)).toEqual([]);
  });

  it("fails on an upward import and names the file and line", () => {
    const dir = copyWorkspace();
    writeFileSync(path.join(dir, "packages/refc/src/upward.ts"), 'export {};\nimport { flatSize } from "@beamlab/heap";\n');
    const problems = checkGraph(dir);
    expect(problems[0]).toMatch(/upward import: @beamlab\/refc \(layer 1\) depends on @beamlab\/heap \(layer 2\) at packages\/refc\/src\/upward.ts:2/);
    // heap already depends on refc, so the upward import also closes a cycle.
    expect(problems.slice(1).join("\n")).toMatch(/import cycle: .*@beamlab\/refc -> @beamlab\/heap|import cycle: .*@beamlab\/heap -> @beamlab\/refc/);
    expect(problems).toHaveLength(2);
  });

  it("fails on a relative import that reaches into a higher package", () => {
    const dir = copyWorkspace();
    writeFileSync(path.join(dir, "packages/telemetry/src/sneaky.ts"), 'export * from "../../scheduler/src/index.js";\n');
    expect(checkGraph(dir).join("\n")).toMatch(/@beamlab\/telemetry \(layer 0\) depends on @beamlab\/scheduler/);
  });

  it("fails on an upward dependency declared in package.json", () => {
    const dir = copyWorkspace();
    const manifest = path.join(dir, "packages/heap/package.json");
    writeFileSync(manifest, JSON.stringify({ name: "@beamlab/heap", dependencies: { "@beamlab/otp": "workspace:^" } }));
    expect(checkGraph(dir).join("\n")).toMatch(/@beamlab\/heap \(layer 2\) depends on @beamlab\/otp \(layer 4\) at packages\/heap\/package.json dependencies/);
  });

  it("reports a cycle between packages outside the known layers", () => {
    const dir = copyWorkspace();
    for (const [name, dep] of [["x", "y"], ["y", "x"]]) {
      mkdirSync(path.join(dir, `packages/${name}/src`), { recursive: true });
      writeFileSync(path.join(dir, `packages/${name}/package.json`), JSON.stringify({ name: `@beamlab/${name}` }));
      writeFileSync(path.join(dir, `packages/${name}/src/index.ts`), `import "@beamlab/${dep}";\n`);
    }
    const problems = checkGraph(dir).join("\n");
    expect(problems).toMatch(/import cycle: @beamlab\/x -> @beamlab\/y -> @beamlab\/x/);
    expect(problems).toMatch(/@beamlab\/x .* has no layer/);
  });
});
