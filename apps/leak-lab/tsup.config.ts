/**
 * The leak-lab bundle: the workspace bundle (tooling/workspace-scripts/workspace-bundle.mjs:
 * plain JS in dist/, no .d.ts, the workspace packages inlined from their sources with their own
 * npm dependencies, e.g. prom-client; leak-lab's npm dependencies left to node_modules).
 * Entries: the executable, the `--band` worker and the package's index.
 */
import { defineConfig } from "tsup";
import { workspaceBundle } from "../../tooling/workspace-scripts/workspace-bundle.mjs";

export default defineConfig(workspaceBundle({ bin: "src/bin.ts", index: "src/index.ts", "band-worker": "src/lab/band-worker.ts" }));
