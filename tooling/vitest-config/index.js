// Shared vitest config for beamlab packages.
// Owns: resolving workspace packages to their TypeScript sources (the `@beamlab/source` export
// condition), so tests never need a build, and the defaults every package shares.
import { defineConfig, mergeConfig } from "vitest/config";

// vite's own defaults for server-side resolution follow our condition.
const conditions = ["@beamlab/source", "module", "node", "development|production"];

/** @param {import("vitest/config").UserConfig} [overrides] */
export function beamlabVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: ["@beamlab/source"] } },
      test: {
        include: ["test/**/*.test.ts"],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    }),
    overrides,
  );
}
