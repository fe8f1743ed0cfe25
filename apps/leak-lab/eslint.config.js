import { beamlabConfig } from "@beamlab/eslint-config/base";

export default [
  // A fixture that must not compile (the test of a broken scenario file); the user-api shims are
  // CommonJS glue outside the TypeScript project.
  { ignores: ["test/fixtures/broken-syntax.ts", "user-api/**", "scripts/**", "bench/**/*.mjs", "src/**/*.mjs", "examples/**"] },
  ...beamlabConfig(import.meta.dirname),
];
