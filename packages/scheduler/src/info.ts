/**
 * `process_info/2` and `erlang:memory/0` for simulated processes, measured from outside (no
 * simulated heap is touched: the BEAM's `process_info(self(), …)` perturbation is not modelled).
 *
 * Owns: the formulas from a PCB to the reported items (erl_bif_info.c `process_info_aux`,
 * break.c `erts_process_memory`, erl_alloc.c `erts_memory`):
 *  - `heap_size`, `total_heap_size`, `stack_size`, `garbage_collection`,
 *    `garbage_collection_info` from the heap (total/mbuf include queued on_heap fragments);
 *  - `memory` = 776 + 8·total_heap_size + 40·links + 64·(monitors held + monitors on it)
 *    + 88·queued messages + 8·words of queued off_heap data + dictionary array
 *    + 56 per suspender [emp: sched_traces.json];
 *  - `message_queue_len` counts every queued message, matched by a receive or not.
 * erlang:memory(): the booted node's figures (booted-node.ts, recorded from a fresh
 * `erl +S 1 -noshell`: its 37 processes, the process table and carriers, its binaries, atoms,
 * code and ETS) unless `bootedNode: false`, plus: `processes` = `processes_used` += Σ simulated
 * process `memory` (the BEAM's allocator overhead per process is not modelled: on the BEAM
 * Σ process_info memory differs by a few %); `binary` += `SchedulerMemoryOptions.binaryBytes`
 * if given, else the scheduler's refc store's `allocatedBytes()` (each live binary's size plus
 * its 40-byte header, rounded up to 8: measured); `atom`, `code`, `ets`, other = the booted node's unless given;
 * `system` = atom + binary + code + ets + other; `total` = processes + system.
 */
import { bootedMemory, type BootedNodeData } from "./booted-node.js";
import { printTerm, type GarbageCollectionItem, type GcInfo, type Pid, type ProcessHeap, type Term } from "@beamlab/heap";
import {
  dictionaryBytes,
  LINK_BYTES,
  MESSAGE_CONTAINER_BYTES,
  MONITOR_BYTES,
  PROCESS_STRUCT_BYTES,
  SUSPEND_MONITOR_BYTES,
  WORD_BYTES,
} from "./constants.js";
import { freshHeapSize, type Proc, type Status } from "./process.js";
import type { Priority } from "./run-queue.js";
import type { Scheduler } from "./scheduler.js";

export interface ProcessInfo {
  pid: string;
  registered_name: string | undefined;
  initial_call: string;
  current_function: string;
  status: Status;
  message_queue_len: number;
  links: Pid[];
  monitors: Pid[];
  monitored_by: Pid[];
  dictionary: [Term, Term][];
  trap_exit: boolean;
  priority: Priority;
  reductions: number;
  heap_size: number;
  total_heap_size: number;
  stack_size: number;
  memory: number;
  garbage_collection: GarbageCollectionItem;
  garbage_collection_info: GcInfo;
  message_queue_data: "on_heap" | "off_heap";
}

export type InfoItem = keyof ProcessInfo;

/** `memory` in bytes of one process. */
export function processMemory(p: Proc): number {
  const total = p.heap?.totalHeapSize ?? freshHeapSize(p.opts);
  const mb = p.mailbox;
  return (
    PROCESS_STRUCT_BYTES +
    WORD_BYTES * total +
    LINK_BYTES * (p.links?.size ?? 0) +
    MONITOR_BYTES * ((p.monitors?.size ?? 0) + (p.monitoredBy?.size ?? 0)) +
    (mb === undefined ? 0 : MESSAGE_CONTAINER_BYTES * mb.length + WORD_BYTES * mb.offHeapWords) +
    dictionaryBytes(p.dict?.length ?? 0, p.dict !== undefined) +
    SUSPEND_MONITOR_BYTES * p.suspendCount
  );
}

export function processInfo(s: Scheduler, p: Proc, items?: readonly InfoItem[]): ProcessInfo {
  const h = s.heapOf(p);
  // only the asked items are computed (proc_lib asks every spawn for registered_name alone)
  const out: Partial<ProcessInfo> = {};
  for (const k of items ?? ALL_ITEMS) (out as Record<string, unknown>)[k] = infoItem(p, h, k);
  return out as ProcessInfo;
}

/** Every item, in the order `process_info(P)` without items reports them here (a Record: an item
 * added to ProcessInfo and not here does not compile). */
const ITEM_ORDER: Record<InfoItem, true> = {
  pid: true,
  registered_name: true,
  initial_call: true,
  current_function: true,
  status: true,
  message_queue_len: true,
  links: true,
  monitors: true,
  monitored_by: true,
  dictionary: true,
  trap_exit: true,
  priority: true,
  reductions: true,
  heap_size: true,
  total_heap_size: true,
  stack_size: true,
  memory: true,
  garbage_collection: true,
  garbage_collection_info: true,
  message_queue_data: true,
};
const ALL_ITEMS = Object.keys(ITEM_ORDER) as InfoItem[];

function infoItem(p: Proc, h: ProcessHeap, k: InfoItem): ProcessInfo[InfoItem] {
  switch (k) {
    case "pid":
      return printTerm(p.pid);
    case "registered_name":
      return p.registeredName;
    case "initial_call":
      return p.initialCall;
    case "current_function":
      return p.currentFunction ?? p.initialCall;
    case "status":
      return p.status;
    case "message_queue_len":
      return p.mailbox?.length ?? 0;
    case "links":
      return [...(p.links ?? [])].map((l) => l.pid);
    case "monitors":
      return (p.monitors?.values() ?? []).map((t) => t.pid);
    case "monitored_by":
      return (p.monitoredBy?.values() ?? []).map((o) => o.pid);
    case "dictionary":
      return (p.dict ?? []).map((t) => [t.elements[0] as Term, t.elements[1] as Term]);
    case "trap_exit":
      return p.trapExit;
    case "priority":
      return p.priority;
    case "reductions":
      return p.reductions;
    case "heap_size":
      return h.heapSize;
    case "total_heap_size":
      return h.totalHeapSize;
    case "stack_size":
      return h.stackSize;
    case "memory":
      return processMemory(p);
    case "garbage_collection":
      return h.processInfo(0).garbage_collection;
    case "garbage_collection_info":
      return h.gcInfo();
    case "message_queue_data":
      return p.opts.messageQueueData ?? "on_heap";
    default: {
      // every item has its case: an item added to ProcessInfo without one does not compile
      const none: never = k;
      return none;
    }
  }
}

export interface SchedulerMemoryOptions {
  /**
   * The booted node under the simulated processes (booted-node.ts): on by default, so that
   * whole-node figures compare with a real node's; `false` for the simulated processes alone
   * (per-process comparisons), or another recording.
   */
  readonly bootedNode?: boolean | BootedNodeData;
  /** Bytes of refc binaries (the refc store's total), if one is wired. */
  readonly binaryBytes?: number;
  readonly atomBytes?: number;
  readonly codeBytes?: number;
  readonly etsBytes?: number;
  readonly otherBytes?: number;
}

export interface MemoryInfo {
  total: number;
  processes: number;
  processes_used: number;
  system: number;
  atom: number;
  atom_used: number;
  binary: number;
  code: number;
  ets: number;
}

/**
 * `erlang:memory()` of the simulated node (see the header for what is modelled): the booted
 * node's figures (unless `bootedNode: false`) plus the simulated processes and refc binaries.
 * `atomBytes`, `codeBytes`, `etsBytes` and `otherBytes` replace the booted node's values.
 */
export function memory(s: Scheduler, o: SchedulerMemoryOptions = {}): MemoryInfo {
  const boot = bootedMemory(o.bootedNode ?? true);
  let own = 0;
  for (const p of s.procs()) own += processMemory(p);
  const processes = own + (boot?.processes ?? 0);
  const processesUsed = own + (boot?.processes_used ?? 0);
  const atom = o.atomBytes ?? boot?.atom ?? 0;
  const atomUsed = o.atomBytes ?? boot?.atom_used ?? 0;
  const binary = (o.binaryBytes ?? s.refc?.allocatedBytes() ?? 0) + (boot?.binary ?? 0);
  const code = o.codeBytes ?? boot?.code ?? 0;
  const ets = o.etsBytes ?? boot?.ets ?? 0;
  const system = atom + binary + code + ets + (o.otherBytes ?? boot?.other ?? 0);
  return { total: processes + system, processes, processes_used: processesUsed, system, atom, atom_used: atomUsed, binary, code, ets };
}
