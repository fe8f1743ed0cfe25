import { beamlabConfig } from "@beamlab/eslint-config/base";

export default beamlabConfig(import.meta.dirname);
