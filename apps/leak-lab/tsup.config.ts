/**
 * The leak-lab bundle: plain JS (no .d.ts) in dist/, the workspace packages inlined from their
 * sources (with their own npm dependencies, e.g. prom-client), leak-lab's npm dependencies left
 * to node_modules. Entries: the executable, the `--band` worker,
 * the package's index, and `user-api/*` (what a user scenario file's `@beamlab/*` imports are
 * aliased to; they share chunks with bin.js, so the user's scenario runs on the same modules).
 */
import { defineConfig } from "tsup";

const USER_API = ["scenarios", "otp", "scheduler", "heap", "refc", "telemetry"];

export default defineConfig({
  entry: {
    bin: "src/bin.ts",
    index: "src/index.ts",
    "band-worker": "src/lab/band-worker.ts",
    ...Object.fromEntries(USER_API.map((p) => [`user-api/${p}`, `src/user-api/${p}.ts`])),
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
