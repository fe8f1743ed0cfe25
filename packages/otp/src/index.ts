/**
 * @beamlab/otp: OTP behaviours (gen_server, supervisor) and Elixir's DynamicSupervisor, Task and
 * Agent on @beamlab/scheduler. One namespace per behaviour; see the README.
 */
export * as GenServer from "./gen-server.js";
export * as Supervisor from "./supervisor.js";
export * as DynamicSupervisor from "./dynamic-supervisor.js";
export * as Task from "./task.js";
export * as Agent from "./agent.js";
export type { GenServerModule, StartOptions, EnterLoopOptions, FormatStatus, LoopTimeout } from "./gen-server.js";
export * as Sys from "./sys.js";
export * as Global from "./global.js";
export { globalName, viaName, viaRegistry, type ServerName, type GlobalName, type ViaName, type ViaModule, type ViaRegistry } from "./via.js";
export type { DebugOption, TraceSink } from "./sys.js";
export type { AsyncStreamOptions, StreamReducer, StreamStep, Enumerable } from "./task-stream.js";
export type { SupervisorModule, SupFlags, Strategy, AutoShutdown } from "./supervisor.js";
export { checkChildSpec, ChildSpecError, type ChildSpec, type CheckedSpec, type StartFn, type StartMFA, type Restart, type Shutdown, type ChildType } from "./child-spec.js";
export { genCall, reply, type ServerRef, type Timeout } from "./gen.js";
export { spawnProcLib, spawnProcLibCompiled, spawnMonitorProcLib, initAck, crashReport, type ProcLibOptions } from "./proc-lib.js";
export { A, fun, applyFun, liveFunCount, run, caught, setLogger, reports, log, isNormalish, type CbResult, type Gen, type Report, type Caught } from "./common.js";
