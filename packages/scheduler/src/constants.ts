/**
 * The numbers of the BEAM (OTP 25, 64-bit) the scheduler models, each with where it comes from.
 *
 * Owns: reduction budgets, system limits and the byte costs `process_info(P, memory)` adds on
 * top of the heap (erl_process.c, break.c `erts_process_memory`), as measured by
 * tooling/beam-oracle/recorders/sched_traces.escript where marked [emp].
 * Invariant: constants only; nothing here depends on a run.
 */

/** Reductions per scheduling (`erlang:system_info(context_reductions)`, CONTEXT_REDS) [emp]. */
export const CONTEXT_REDS = 4000;
/** Default `erlang:system_info(process_limit)` (`+P`) [emp]. */
export const DEFAULT_PROCESS_LIMIT = 262144;
/** A low-priority process runs once every this many times it reaches the front of the shared
 * normal/low queue (erl_process.c `RESCHEDULE_LOW`). */
export const RESCHEDULE_LOW = 8;
/** Reductions left to a process whose receive made a GC desirable (`ERTS_VBUMP_LEAVE_REDS(p, 5)`,
 * beam_common.c `remove_message`) [emp: sched_traces drained checkpoints]. */
export const LEAVE_REDS_AFTER_GC_DESIRED = 5;

/**
 * A message is copied onto the receiver's heap only when `heap_sz − S − htop − 3 > words` (three
 * words more than `HEAP_LIMIT − HTOP > sz` in erl_message.c suggests: the JIT's heap limit sits
 * the red zone below the stack) [emp: 2-word messages go to a fragment with 5 words free and onto
 * the heap with 6; 3-word ones with 5 and 8, 5-word ones with 5 and 10, at S = 1 and 2].
 * The heap package's `deliverMessage` tests `> words`; the scheduler decides with this margin.
 */
export const ON_HEAP_MESSAGE_MARGIN = 3;

/** `sizeof(Process)` on this build. */
export const PROCESS_STRUCT_BYTES = 776;
/** Bytes per link entry in `memory`. */
export const LINK_BYTES = 40;
/** Bytes per monitor entry in `memory`, on the monitoring and on the monitored side. */
export const MONITOR_BYTES = 64;
/** Bytes of a queued message's container (`ErtsMessage`) [emp]. */
export const MESSAGE_CONTAINER_BYTES = 88;
/** Bytes a suspended process carries per suspender (its suspend monitor) [emp]. */
export const SUSPEND_MONITOR_BYTES = 56;
export const WORD_BYTES = 8;

/**
 * Bytes of the process dictionary's hash array for `keys` keys (erl_process_dict.c): 0 while the
 * dictionary was never used. Measured points (reference §6.2): 1 key 88, 8–9 keys 104, 10 keys
 * 184, 20 keys 344, 100 keys 1304. Between measured points the array size is interpolated with
 * the rule that fits them (24 bytes + 8 per slot; 8 slots up to 7 keys, 10 for 8–9, then 2 slots
 * per key rounded to the next multiple of 20 below 100, 160 slots at 100): approximate there.
 */
export function dictionaryBytes(keys: number, everUsed: boolean): number {
  if (!everUsed) return 0;
  let slots: number;
  if (keys < 8) slots = 8;
  else if (keys < 10) slots = 10;
  else if (keys < 100) slots = Math.ceil((2 * keys) / 20) * 20 || 20;
  else slots = Math.ceil((keys * 1.6) / 10) * 10;
  return 24 + 8 * slots;
}

/** binary:copy charges bytes / this many reductions (erl_bif_binary.c, OTP 25). */
export const BINARY_COPY_LOOP_FACTOR = 100;

/**
 * Words between the free space a heap test sees and what a BIF's `HAlloc` may use (the call's
 * return address and the runtime frame the JIT pushes): taken from the workload kit's recorded
 * traces (kit_blocks.json: an integer_to_list result of 20 words goes to a fragment with 22
 * words free, a 4-word integer_to_binary result with 6; lists:reverse/2's on-heap limit the
 * same). The same 3 words (S_REDZONE: `HeapWordsLeft` inside a runtime call stops that far
 * below the stack) limit `put_map_assoc`'s HAlloc of a HAMT path and its flatmap heap test
 * (hamt_put_limit.json: with the caller's frame at 3 words in a 233-word heap, a 23-word path
 * goes on the heap up to htop 203 and a 26-word flatmap collects from htop 201 — the limit is
 * 7 words below the heap's end, where test_heap's is 4 + the need). Used by
 * {@link ProcessContext.bifResult} and {@link ProcessContext.putMapAssoc}.
 */
export const BIF_CALL_STACK_WORDS = 3;

/**
 * Signal handling when a process is scheduled in (erts_schedule → erts_proc_sig_handle_incoming):
 * a process that has Erlang work to do (preempted, or woken by a message) handles its pending
 * non-message signals only up to ERTS_SIG_HANDLE_REDS_MAX_PREFERED = CONTEXT_REDS / 40
 * reductions' worth, counted in units of 1/ERTS_SIG_REDS_CNT_FACTOR (4) reduction, and the
 * reductions used come off its new slice; one woken only by a signal handles them all.
 */
export const SIG_HANDLE_REDS_MAX_PREFERED = CONTEXT_REDS / 40;
export const SIG_REDS_CNT_FACTOR = 4;
/**
 * The work units of converting one process monitor's 'DOWN' signal (immediate reason) into a
 * message. Measured (fixtures/down_signals.json): a process scheduled in with K such signals
 * pending and a message to run for spends 2.25 more reductions per signal, and converts 45 of
 * them (9 × 45 = 405 ≥ 400 units) before it runs; each converted 'DOWN' is 9 words on its heap.
 */
export const DOWN_SIGNAL_UNITS = 9;
