/**
 * What `process_info/2` and `erlang:garbage_collection_info`-style items report for a heap.
 *
 * Owns: the formulas from heap state to reported numbers (erl_bif_info.c `process_info_aux`,
 * erl_gc.c `erts_process_gc_info`, break.c `erts_process_memory`).
 *  - `heap_size` = the young block (heap + stack); `total_heap_size` = young block + old block +
 *    heap fragments; `stack_size` = the stack words;
 *  - `memory` = sizeof(Process) 776 + 8 · total_heap_size + what the owner adds (links 40,
 *    monitors 64, queued messages 88 + their data, dictionary…), passed as `extraBytes`;
 *  - `garbage_collection` = max_heap_size, min_bin_vheap_size, min_heap_size, fullsweep_after,
 *    minor_gcs;
 *  - gc info = the 11 items of a gc trace message.
 * Invariant: these are pure functions of the heap state; reading them never allocates on the
 * simulated heap (unlike `process_info(self(), …)` on the BEAM, which does: see the twins).
 */

/** Bytes of the process control block (`sizeof(Process)`) on OTP 25, 64-bit. */
export const PROCESS_STRUCT_BYTES = 776;
export const WORD_BYTES = 8;

/** The items of a GC trace message / `garbage_collection_info`, in words. */
export interface GcInfo {
  old_heap_block_size: number;
  heap_block_size: number;
  mbuf_size: number;
  recent_size: number;
  stack_size: number;
  old_heap_size: number;
  heap_size: number;
  bin_vheap_size: number;
  bin_vheap_block_size: number;
  bin_old_vheap_size: number;
  bin_old_vheap_block_size: number;
}

export interface MaxHeapSize {
  readonly size: number;
  readonly kill: boolean;
  readonly errorLogger: boolean;
}

export interface GarbageCollectionItem {
  max_heap_size: { size: number; kill: boolean; error_logger: boolean };
  min_bin_vheap_size: number;
  min_heap_size: number;
  fullsweep_after: number;
  minor_gcs: number;
}

export interface ProcessInfoItems {
  heap_size: number;
  total_heap_size: number;
  stack_size: number;
  memory: number;
  garbage_collection: GarbageCollectionItem;
}

/** `memory` in bytes for a process with `totalHeapWords` and `extraBytes` of other structures. */
export function processMemoryBytes(totalHeapWords: number, extraBytes = 0): number {
  return PROCESS_STRUCT_BYTES + WORD_BYTES * totalHeapWords + extraBytes;
}
