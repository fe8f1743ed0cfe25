#!/usr/bin/env node
/**
 * `pnpm demo-server …` from the repository root: runs demo-server from its bundle (dist/bin.js),
 * rebuilding the bundle first only when it is missing or older than any of its inputs (the
 * sources of demo-server and of the workspace packages it inlines, its package.json, the tsup
 * config, the lockfile). The check is a walk over file times (milliseconds); a cold build takes
 * about a second. `DEMO_SERVER_REBUILD=1` forces a build.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(app, "..", "..");
const bin = join(app, "dist", "bin.js");

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const e of readdirSync(path)) if (e !== "node_modules") t = Math.max(t, newest(join(path, e)));
  return t;
}

function inputsTime() {
  let t = Math.max(newest(join(app, "src")), newest(join(app, "package.json")), newest(join(app, "tsup.config.ts")), newest(join(root, "pnpm-lock.yaml")));
  for (const p of readdirSync(join(root, "packages"))) t = Math.max(t, newest(join(root, "packages", p, "src")), newest(join(root, "packages", p, "package.json")));
  return t;
}

let built = 0;
try {
  built = statSync(bin).mtimeMs;
} catch {
  built = 0;
}
if (process.env.DEMO_SERVER_REBUILD === "1" || built === 0 || inputsTime() > built) {
  process.stderr.write(built === 0 ? "demo-server: building the bundle (first run)…\n" : "demo-server: sources changed, rebuilding the bundle…\n");
  const tsup = join(app, "node_modules", ".bin", "tsup");
  const r = spawnSync(tsup, ["--silent"], { cwd: app, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) {
    process.stderr.write(`demo-server: building the bundle failed (${r.error?.message ?? `exit ${r.status}`}); run \`corepack pnpm --filter @beamlab/demo-server build\` to see why\n`);
    process.exit(70);
  }
}
if (!process.argv.includes("--build-only")) await import(pathToFileURL(bin).href);
