import { beamlabConfig } from "@beamlab/eslint-config/base";

export default [
  // the launcher, the bench and the dashboard's browser script are plain JS outside the TypeScript project
  { ignores: ["scripts/**", "bench/**/*.mjs", "dashboard/**"] },
  ...beamlabConfig(import.meta.dirname),
];
