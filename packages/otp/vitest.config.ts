import { beamlabVitestConfig } from "@beamlab/vitest-config";

export default beamlabVitestConfig();
