/**
 * The parametric scenario API leak-lab runs, owned by @beamlab/scenarios. Every other leak-lab
 * module imports it from here, so there is one place that binds leak-lab to the scenarios package
 * (and user scenario files get the same module through the user-api shims).
 */
export {
  defineScenario,
  gcTimeline,
  MODES,
  PARAMETRIC_SCENARIOS,
  parametricScenarioById,
  resolveParams,
  ScenarioInputError,
  type GcStep,
  type Mode,
  type ParametricScenario,
  type ParamSpec,
  type ParamType,
  type ParamValues,
  type Perturbation,
  type ProcessGcEvents,
  type ScenarioRun,
  type ScenarioRunOptions,
} from "@beamlab/scenarios";
