/**
 * The committed sched_traces fixture (tooling/beam-oracle/recorders/sched_traces.escript), typed.
 * The twins in this folder replay its workloads on the model and compare every recorded number.
 */
import { loadFixture } from "@beamlab/beam-oracle";

export interface MailboxCheckpoint {
  readonly label: string;
  readonly sent: number;
  readonly heap_size: number;
  readonly total_heap_size: number;
  readonly stack_size: number;
  readonly memory: number;
  readonly message_queue_len: number;
  readonly minor_gcs: number;
  readonly garbage_collection_info: Readonly<Record<string, number>>;
}
export interface MailboxCase {
  readonly id: string;
  readonly message_queue_data: "on_heap" | "off_heap";
  readonly payload: { readonly kind: "list" | "tuple" | "literal"; readonly length: number; readonly words: number };
  readonly batches: readonly number[];
  readonly checkpoints: readonly MailboxCheckpoint[];
  readonly gc_events: readonly { readonly event: string; readonly info: Readonly<Record<string, number>> }[];
}
export type Msg = readonly string[];
export interface SignalScenario {
  readonly id: string;
  readonly description: string;
  readonly queues: Readonly<Record<string, readonly Msg[]>>;
}
export interface SchedFixture {
  readonly otp_release: string;
  readonly context_reductions: number;
  readonly process_limit: number;
  readonly mailboxes: readonly MailboxCase[];
  readonly signals: readonly SignalScenario[];
}

export function schedFixture(): SchedFixture {
  const dir = process.env.BEAMLAB_SCHED_FIXTURE_DIR;
  return (dir === undefined ? loadFixture("sched_traces") : loadFixture("sched_traces", dir)) as SchedFixture;
}
