/**
 * Runs a workspace app from its tsup bundle (dist/bin.js), rebuilding the bundle first only when
 * it is missing or older than any of its inputs (the app's sources, package.json and tsup config,
 * the shared workspace-bundle.mjs, the sources and package.json of every workspace package it
 * inlines, the lockfile). The check is
 * a walk over file times (milliseconds); a cold build takes about a second. `<NAME>_REBUILD=1`
 * (e.g. LEAK_LAB_REBUILD) forces a build; `--build-only` as the first argument builds without running.
 * Used by apps/leak-lab/scripts/leak-lab.mjs and apps/demo-server/scripts/demo-server.mjs.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

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

/** `app`: the app's directory; `name`: its package's short name (leak-lab). */
export async function runFromBundle(app, name) {
  const root = join(app, "..", "..");
  const bin = join(app, "dist", "bin.js");
  const inputsTime = () => {
    let t = Math.max(newest(join(app, "src")), newest(join(app, "package.json")), newest(join(app, "tsup.config.ts")), newest(join(root, "tooling", "workspace-scripts", "workspace-bundle.mjs")), newest(join(root, "pnpm-lock.yaml")));
    for (const p of readdirSync(join(root, "packages"))) t = Math.max(t, newest(join(root, "packages", p, "src")), newest(join(root, "packages", p, "package.json")));
    return t;
  };
  let built = 0;
  try {
    built = statSync(bin).mtimeMs;
  } catch {
    built = 0;
  }
  const force = process.env[`${name.toUpperCase().replace(/-/g, "_")}_REBUILD`] === "1";
  if (force || built === 0 || inputsTime() > built) {
    process.stderr.write(built === 0 ? `${name}: building the bundle (first run)…\n` : `${name}: sources changed, rebuilding the bundle…\n`);
    const tsup = join(app, "node_modules", ".bin", "tsup");
    const r = spawnSync(tsup, ["--silent"], { cwd: app, stdio: ["ignore", "ignore", "inherit"] });
    if (r.status !== 0) {
      process.stderr.write(`${name}: building the bundle failed (${r.error?.message ?? `exit ${r.status}`}); run \`corepack pnpm --filter @beamlab/${name} build\` to see why\n`);
      process.exit(70);
    }
  }
  if (process.argv[2] !== "--build-only") await import(pathToFileURL(bin).href);
}
