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
export { ALL_EVENTS, EVENTS, GC_STOP_EVENTS } from "./events.js";
export {
  binaryCount,
  binaryMemory,
  byPid,
  comparePids,
  processName,
  type GcInfoSnapshot,
  type LivenessSnapshot,
  type MemorySnapshot,
  type NodeSnapshot,
  type NodeSource,
  reportsBinary,
  type BinarySummary,
  type ProcessBinaryRef,
  type ProcessSnapshot,
  type SchedulerWallTime,
  type StatisticsSnapshot,
  type SystemInfoSnapshot,
} from "./snapshot.js";
export { compactSnapshot } from "./snapshot-compact.js";
export { RingBuffer } from "./ring-buffer.js";
export { formatBytes } from "./format-bytes.js";
export { Sampler, startRealTime, type MetricReader, type OverflowPolicy, type Point, type SamplerOptions } from "./sampler.js";
export { NODE_METRICS, processMetric } from "./node-metrics.js";
export { GcStatistics } from "./gc-statistics.js";
export { PrometheusExporter, type PrometheusExporterOptions } from "./prometheus.js";
export { canonicalJson, JsonlBuffer, JsonlExporter } from "./jsonl.js";
export {
  attrValue,
  binLeak,
  info,
  PROC_ATTRS,
  procCount,
  procWindow,
  procWindowAsync,
  procWindowDiff,
  schedulerUsage,
  schedulerUsageDiff,
  topN,
  type BinLeakEntry,
  type ProcAttr,
  type ProcAttrs,
  type ReconInfo,
  type ReconProcInfo,
  type SchedulerUsage,
} from "./recon.js";
export { BinaryHolderIndex, type BinaryHolder, type BinaryHolderRow, type PinnedBinary } from "./binary-holders.js";
export { culpritOf, type Culprit, type Finding, type FindingKind } from "./detectors/finding.js";
export { detectTenuredGarbage, TENURED_GARBAGE_DEFAULTS, type TenuredGarbageOptions } from "./detectors/tenured-garbage.js";
export { detectIdleChildren, IDLE_CHILDREN_DEFAULTS, type IdleChildrenOptions } from "./detectors/idle-children.js";
export { detectPinnedRefc, PINNED_REFC_DEFAULTS, type PinnedRefcOptions } from "./detectors/pinned-refc.js";
export { detectSubBinaryPinning, SUB_BINARY_PINNING_DEFAULTS, type SubBinaryPinningOptions } from "./detectors/sub-binary-pinning.js";
export { detectMailboxBacklog, MAILBOX_BACKLOG_DEFAULTS, type MailboxBacklogOptions } from "./detectors/mailbox-backlog.js";
export { detectLeaks, type DetectLeaksOptions } from "./detectors/index.js";
export { formatDumpTerm, parseDumpTerm, type DumpTerm } from "./crash-dump/dump-term.js";
export {
  crashDumpLines,
  DEFAULT_SYSTEM_VERSION,
  heapAllocSlogan,
  writeCrashDump,
  type CrashDumpOptions,
} from "./crash-dump/write-crash-dump.js";
export {
  CrashDumpError,
  readCrashDump,
  SUPPORTED_DUMP_VERSION,
  type CrashDump,
  type CrashDumpInfo,
  type CrashDumpProcess,
  type CrashDumpProcessInfo,
  type EtsRow,
  type ReadCrashDumpOptions,
} from "./crash-dump/read-crash-dump.js";
export { binaryVheapBytes, detectAtMoment, heapView, MOMENT_DEFAULTS, type HeapView, type MomentOptions } from "./detectors/single-moment.js";
export { parseSnapshotFile, readSnapshotFile, SNAPSHOT_FORMAT, SnapshotFileError } from "./snapshot-file.js";
export type { GcProbe } from "./snapshot.js";
