#!/usr/bin/env node
/**
 * `pnpm demo-server …` from the repository root: runs demo-server from its bundle, rebuilt first only when
 * its inputs changed (tooling/workspace-scripts/run-bundle.mjs). `DEMO_SERVER_REBUILD=1` forces a build.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFromBundle } from "../../../tooling/workspace-scripts/run-bundle.mjs";

await runFromBundle(join(dirname(fileURLToPath(import.meta.url)), ".."), "demo-server");
