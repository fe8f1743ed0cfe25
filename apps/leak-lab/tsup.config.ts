/**
 * The leak-lab bundle: plain JS (no .d.ts) in dist/, the workspace packages inlined from their
 * sources (with their own npm dependencies, e.g. prom-client), leak-lab's npm dependencies left
 * to node_modules. Entries: the executable, the `--band` worker and the package's index.
 */
import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    bin: "src/bin.ts",
    index: "src/index.ts",
    "band-worker": "src/lab/band-worker.ts",
  },
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: false,
  splitting: true,
  target: "node20",
  noExternal: [/^@beamlab\/(?!beam-oracle)/],
  // The inlined packages' own CommonJS dependencies (prom-client) require Node built-ins.
  banner: { js: 'import { createRequire as __leakLabCreateRequire } from "node:module"; const require = __leakLabCreateRequire(import.meta.url);' },
  esbuildOptions(options) {
    options.conditions = ["@beamlab/source"];
  },
});
