#!/usr/bin/env node
/**
 * `pnpm leak-lab …` from the repository root: runs leak-lab from its bundle, rebuilt first only when
 * its inputs changed (tooling/workspace-scripts/run-bundle.mjs). `LEAK_LAB_REBUILD=1` forces a build.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFromBundle } from "../../../tooling/workspace-scripts/run-bundle.mjs";

await runFromBundle(join(dirname(fileURLToPath(import.meta.url)), ".."), "leak-lab");
