/**
 * The demo-server bundle: the workspace bundle (tooling/workspace-scripts/workspace-bundle.mjs:
 * plain JS in dist/, the workspace packages inlined from their sources, npm dependencies —
 * fastify, uplot — left to node_modules). Entries: the executable and the package's index. The
 * dashboard's files ship beside dist/ (dashboard/).
 */
import { defineConfig } from "tsup";
import { workspaceBundle } from "../../tooling/workspace-scripts/workspace-bundle.mjs";

export default defineConfig(workspaceBundle({ bin: "src/bin.ts", index: "src/index.ts" }));
