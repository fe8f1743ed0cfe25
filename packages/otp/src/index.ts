/**
 * @beamlab/otp: OTP behaviours (gen_server, supervisor) and Elixir's DynamicSupervisor, Task and
 * Agent on @beamlab/scheduler. One namespace per behaviour; see the README.
 */
export * as GenServer from "./gen-server.js";
export * as Supervisor from "./supervisor.js";
export * as DynamicSupervisor from "./dynamic-supervisor.js";
export * as Task from "./task.js";
export * as Agent from "./agent.js";
export type { GenServerModule, StartOptions } from "./gen-server.js";
export type { SupervisorModule, SupFlags, Strategy } from "./supervisor.js";
export { checkChildSpec, ChildSpecError, type ChildSpec, type CheckedSpec, type StartFn, type StartMFA, type Restart, type Shutdown, type ChildType } from "./child-spec.js";
export { genCall, reply, type ServerRef, type Timeout } from "./gen.js";
export { spawnProcLib, spawnMonitorProcLib, initAck, crashReport, type ProcLibOptions } from "./proc-lib.js";
export { A, fun, applyFun, run, caught, setLogger, reports, log, isNormalish, type CbResult, type Gen, type Report, type Caught } from "./common.js";
