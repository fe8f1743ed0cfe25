/**
 * @beamlab/scenarios: the leak scenarios (each with its fixed variant) and a healthy busy node,
 * as programs on the simulated node, plus the loop that samples them and runs the detectors;
 * and the parametric scenario API (named parameters, leak/fix modes, roles, twins on the real BEAM).
 */
export type { GcEventRecord, Mode, ParametricScenario, Perturbation, ProcessGcEvents, Scenario, ScenarioOptions, ScenarioRun, ScenarioRunOptions } from "./scenario.js";
export { MODES } from "./scenario.js";
export { resolveParams, ScenarioInputError, intParam, msOrOffParam, type ParamSpec, type ParamType, type ParamValue, type ParamValues } from "./params.js";
export { defineScenario, wrapScenario } from "./define-scenario.js";
export { sampleScenario, type SampleOptions, type SampleResult } from "./sample.js";
export { newNode, pidShift, PID_BAND, setRole, call, reply, type NodePlan } from "./node.js";
export { tenuredGarbage, tenuredGarbageFixed, startApiServer } from "./tenured-garbage.js";
export { idleChildren, idleChildrenFixed, startJobs } from "./idle-children.js";
export { pinnedRefc, pinnedRefcFixed, startRouter } from "./router.js";
export { subBinaryPinning, subBinaryPinningFixed, startCache } from "./sub-binary-cache.js";
export { mailboxBacklog, mailboxBacklogFixed, startSink } from "./mailbox-backlog.js";
export { healthyNode } from "./healthy.js";
export { genServerWork, startWorkServer, workServer, GEN_SERVER_WORK_PARAMS } from "./gen-server-work/scenario.js";
export { work } from "./gen-server-work/work.js";
export { agentVsTask, startEventChild, startEventSupervisor, runTracedSupervisor, AGENT_VS_TASK_PARAMS, TWIN_FIRST_PID, MS_PER_REDUCTION } from "./agent-vs-task/scenario.js";
export { processEvent } from "./agent-vs-task/process.js";
export { routers, startConnection, ROUTERS_MS_PER_REDUCTION, ROUTERS_PARAMS } from "./routers/scenario.js";
export { subBinaryCache, startCache as startSubBinaryCache, sendPayload, SUB_BINARY_CACHE_PARAMS } from "./sub-binary-cache/scenario.js";
export { gcLifecycle, lifecyclePlan, GC_LIFECYCLE_PARAMS, GC_LIFECYCLE_ROLES, type GcLifecycleRole } from "./gc-lifecycle/scenario.js";
export { gcTimeline, type GcSizes, type GcStep, type GcStepKind } from "./gc-timeline.js";
export { lifecycle, type LifecycleWork } from "./gc-lifecycle/work.js";
export { SCENARIOS, scenarioById, PARAMETRIC_SCENARIOS, parametricScenarioById } from "./registry.js";
