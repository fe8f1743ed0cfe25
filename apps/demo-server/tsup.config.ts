/**
 * The demo-server bundle: plain JS in dist/ (the executable and the package's index), the
 * workspace packages inlined from their sources, npm dependencies (fastify, uplot) left to
 * node_modules. The dashboard's files ship beside dist/ (dashboard/).
 */
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { bin: "src/bin.ts", index: "src/index.ts" },
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: false,
  splitting: true,
  target: "node20",
  noExternal: [/^@beamlab\//],
  banner: { js: 'import { createRequire as __demoCreateRequire } from "node:module"; const require = __demoCreateRequire(import.meta.url);' },
  esbuildOptions(options) {
    options.conditions = ["@beamlab/source"];
  },
});
