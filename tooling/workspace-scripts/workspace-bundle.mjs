/**
 * The tsup options every workspace bundle shares: leak-lab's and demo-server's `dist` (their
 * tsup.config.ts) and the packages' benches (run-bench.mjs). Plain ESM JS for Node 20, no type
 * declarations or source maps, shared chunks; the workspace packages inlined from their sources
 * (the `@beamlab/source` condition; @beamlab/beam-oracle, the BEAM-side tooling, stays a
 * package), npm dependencies left to node_modules, and a `require` for the inlined packages'
 * CommonJS dependencies (prom-client requires Node built-ins).
 */
export function workspaceBundle(entry) {
  return {
    entry,
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: false,
    clean: true,
    sourcemap: false,
    splitting: true,
    noExternal: [/^@beamlab\/(?!beam-oracle)/],
    banner: { js: 'import { createRequire as __beamlabCreateRequire } from "node:module"; const require = __beamlabCreateRequire(import.meta.url);' },
    esbuildOptions(options) {
      options.conditions = ["@beamlab/source"];
    },
  };
}
