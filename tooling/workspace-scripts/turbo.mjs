#!/usr/bin/env node
// Runs turbo with the pnpm that is running this script on PATH.
//
// turbo finds the package manager by name on PATH, but beamlab never assumes a global pnpm: the
// pinned pnpm comes from corepack (or `npx pnpm@<pinned>`). pnpm tells its scripts where it lives
// (npm_execpath), so we put a two-line `pnpm` shim in front of PATH and hand over to turbo.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const execPath = process.env.npm_execpath;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
let shimDir;
if (execPath && /pnpm/.test(path.basename(execPath))) {
  shimDir = mkdtempSync(path.join(tmpdir(), "beamlab-pnpm-"));
  const shim = path.join(shimDir, "pnpm");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${execPath}" "$@"\n`);
  chmodSync(shim, 0o755);
  env.PATH = `${shimDir}${path.delimiter}${env.PATH ?? ""}`;
}
const result = spawnSync("turbo", process.argv.slice(2), { stdio: "inherit", env });
if (shimDir) rmSync(shimDir, { recursive: true, force: true });
if (result.error) {
  console.error(`could not start turbo: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
