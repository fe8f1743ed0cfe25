import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const script = path.join(repoRoot, "tooling/workspace-scripts/run-bench.mjs");
const temps = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A throwaway package in the temp directory whose node_modules is packages/otp's (tsup and the
 * workspace packages resolve through it), with `files` under it. */
function tempPackage(files) {
  const pkg = mkdtempSync(path.join(tmpdir(), "run-bench-test-"));
  temps.push(pkg);
  symlinkSync(path.join(repoRoot, "packages/otp/node_modules"), path.join(pkg, "node_modules"), "dir");
  writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "run-bench-test", type: "module", private: true }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true });
    writeFileSync(path.join(pkg, file), text);
  }
  return pkg;
}

describe("run-bench.mjs (benches run from a bundle, issue 12)", () => {
  it("every package's bench script goes through it, none through a TypeScript loader", () => {
    const benched = [];
    for (const group of ["packages", "apps"]) {
      for (const name of readdirSync(path.join(repoRoot, group))) {
        const manifest = path.join(repoRoot, group, name, "package.json");
        if (!existsSync(manifest)) continue;
        const bench = JSON.parse(readFileSync(manifest, "utf8")).scripts?.bench;
        if (bench === undefined) continue;
        benched.push(`${group}/${name}`);
        expect(bench, `${group}/${name}`).not.toMatch(/\btsx\b|ts-node|--import|--loader/);
        if (group === "packages") expect(bench, `${group}/${name}`).toMatch(/^node \.\.\/\.\.\/tooling\/workspace-scripts\/run-bench\.mjs bench\/\S+\.ts/);
      }
    }
    expect(benched).toEqual(expect.arrayContaining(["packages/heap", "packages/otp", "packages/scheduler", "packages/telemetry", "apps/leak-lab"]));
  });

  it("bundles the entries (workspace packages inlined), runs each under plain node with the arguments, and builds --with files beside them", () => {
    // the entry imports a workspace package by name and reports how it was started
    const pkg = tempPackage({
      "bench/a.ts": [
        'import { atom } from "@beamlab/heap";',
        'import { fileURLToPath } from "node:url";',
        "const self: string = fileURLToPath(import.meta.url);",
        'console.log(JSON.stringify({ self, args: process.argv.slice(2), execArgv: process.execArgv, atom: (atom("ok") as { name: string }).name }));',
      ].join("\n"),
      "bench/b.ts": 'console.log("b ran");\n',
      "bench/child/worker.ts": 'console.log("the child is only built");\n',
    });
    const r = spawnSync(process.execPath, [script, "bench/a.ts", "bench/b.ts", "--with", "bench/child/worker.ts", "--", "42", "x"], { cwd: pkg, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const [first, second] = r.stdout.trim().split("\n");
    const a = JSON.parse(first ?? "");
    expect(a.self).toBe(path.join(pkg, ".bench", "a.js"));
    expect(a.args).toEqual(["42", "x"]);
    expect(a.execArgv).toEqual([]);
    expect(a.atom).toBe("ok");
    // @beamlab/heap is inlined from its sources: no output file imports it at run time
    for (const f of readdirSync(path.join(pkg, ".bench")).filter((x) => x.endsWith(".js"))) expect(readFileSync(path.join(pkg, ".bench", f), "utf8")).not.toMatch(/["']@beamlab\/heap["']/);
    expect(second).toBe("b ran");
    expect(existsSync(path.join(pkg, ".bench", "child", "worker.js"))).toBe(true);
    expect(r.stdout).not.toContain("the child is only built");
  });

  it("stops at the first bench that fails, with its exit code", () => {
    const pkg = tempPackage({ "bench/fails.ts": "process.exit(3);\n", "bench/after.ts": 'console.log("after ran");\n' });
    const r = spawnSync(process.execPath, [script, "bench/fails.ts", "bench/after.ts"], { cwd: pkg, encoding: "utf8" });
    expect(r.status).toBe(3);
    expect(r.stdout).not.toContain("after ran");
  });

  it("names its usage when no entry is given", () => {
    const r = spawnSync(process.execPath, [script], { cwd: tmpdir(), encoding: "utf8" });
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/usage: run-bench\.mjs bench\/a\.ts/);
  });
});
