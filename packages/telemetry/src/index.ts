export {
  AlreadyAttachedError,
  TelemetryBus,
  type EventHandle,
  type EventName,
  type Handler,
  type Measurements,
  type Metadata,
  type TelemetryOptions,
} from "./telemetry.js";
