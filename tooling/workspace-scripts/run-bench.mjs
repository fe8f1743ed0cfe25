#!/usr/bin/env node
/**
 * Runs a package's benchmarks from a bundle, not through a TypeScript loader (issue 12: benches
 * run from the build). Usage, from the package's directory (its `bench` script):
 *
 *   node ../../tooling/workspace-scripts/run-bench.mjs bench/a.ts bench/b.ts [--with bench/child.ts] [ARGS]
 *
 * Bundles every named entry (and each `--with` entry: a file a bench starts as a child process or
 * a worker thread, built but not run) with the package's own tsup into `<package>/.bench/`, the
 * same depth as `bench/`, so a bench's paths relative to its own file still hold: `bench/a.ts` →
 * `.bench/a.js`, `bench/rivals/worker.ts` → `.bench/rivals/worker.js`, with the options of every
 * workspace bundle (workspace-bundle.mjs: workspace packages inlined from their sources, npm
 * dependencies left in node_modules). Then runs each bench entry in turn with `node`, ARGS (what
 * follows the entries, a `--` dropped: `pnpm bench -- 200000`) passed to each, and stops at the
 * first that fails (its exit code is this script's).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { workspaceBundle } from "./workspace-bundle.mjs";

const run = [];
const built = [];
/** Arguments for the benches: whatever is not a `.ts` entry (`pnpm bench -- 200000` appends them). */
const args = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--with") {
    const next = argv[++i];
    if (next === undefined || !next.endsWith(".ts")) throw new Error("run-bench: --with needs a .ts file");
    built.push(next);
  } else if (a === "--") continue;
  else if (a.endsWith(".ts") && args.length === 0) run.push(a);
  else args.push(a);
}
if (run.length === 0) {
  process.stderr.write("usage: run-bench.mjs bench/a.ts [bench/b.ts …] [--with bench/child.ts] [ARGS]\n");
  process.exit(64);
}

const pkg = process.cwd();
const outDir = join(pkg, ".bench");
/** `bench/rivals/worker.ts` → `rivals/worker` (its place under .bench/). */
const nameOf = (file) => relative(join(pkg, "bench"), join(pkg, file)).replace(/\.ts$/, "");
const entry = Object.fromEntries([...run, ...built].map((f) => [nameOf(f), f]));

// the package's own tsup (each package has it as a dev dependency; this folder does not)
const tsupPath = createRequire(join(pkg, "package.json")).resolve("tsup");
const { build } = await import(pathToFileURL(tsupPath).href);
await build({ ...workspaceBundle(entry), config: false, outDir, silent: true });

for (const file of run) {
  const r = spawnSync(process.execPath, [join(outDir, `${nameOf(file)}.js`), ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
