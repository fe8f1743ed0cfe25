/**
 * The event names every layer emits, as shared constants.
 *
 * Owns: the name of each event and its contract (measurements, metadata), so an emitter in one
 * package and a handler in another cannot drift apart. Emitters should take a handle once
 * (`bus.event(EVENTS.gc.minor.stop)`) and check `enabled` before building measurements.
 *
 * Invariants:
 * - every name starts with `"beamlab"` and is frozen (the arrays are shared; never mutate them);
 * - names already emitted before this file existed are kept verbatim (heap: gc.*, refc: alloc/free);
 * - {@link ALL_EVENTS} lists every constant exactly once (checked by a test).
 *
 * Contracts (measurements / metadata). Times are on the emitter's clock (virtual in a simulation):
 * - gc.{minor,major}.start: need, heap_block_size, heap_size, old_heap_size / owner, reason
 * - gc.{minor,major}.stop: words_before, words_after, promoted, reclaimed, copied, need,
 *   heap_block_size, old_heap_block_size, heap_size, old_heap_size, mbuf_size, stack_size,
 *   reductions (a minor that fails emits `failed: 1` and is followed by a major) / owner, reason
 * - gc.max_heap_size: total_heap_size, max_heap_size / owner, kill
 * - refc.alloc, refc.free: size / id
 * - process.spawn: (none required) / pid, parent, initial_call
 * - process.exit: (none required) / pid, reason
 * - message.send: words / from, to
 * - scheduler.slice: reductions, duration / pid, scheduler (emitted after each slice)
 * - supervisor.restart: restarts (count so far) / supervisor, child_id, pid, reason
 * - proc_lib.crash_report: (none required) / pid, initial_call, reason
 */
import type { EventName } from "./telemetry.js";

const name = (...parts: string[]): EventName => Object.freeze(["beamlab", ...parts]);

export const EVENTS = Object.freeze({
  gc: Object.freeze({
    minor: Object.freeze({ start: name("gc", "minor", "start"), stop: name("gc", "minor", "stop") }),
    major: Object.freeze({ start: name("gc", "major", "start"), stop: name("gc", "major", "stop") }),
    maxHeapSize: name("gc", "max_heap_size"),
  }),
  refc: Object.freeze({ alloc: name("refc", "alloc"), free: name("refc", "free") }),
  process: Object.freeze({ spawn: name("process", "spawn"), exit: name("process", "exit") }),
  message: Object.freeze({ send: name("message", "send") }),
  scheduler: Object.freeze({ slice: name("scheduler", "slice") }),
  supervisor: Object.freeze({ restart: name("supervisor", "restart") }),
  procLib: Object.freeze({ crashReport: name("proc_lib", "crash_report") }),
});

/** Every event above, e.g. for `bus.attachMany("log-all", ALL_EVENTS, handler)`. */
export const ALL_EVENTS: readonly EventName[] = Object.freeze([
  EVENTS.gc.minor.start,
  EVENTS.gc.minor.stop,
  EVENTS.gc.major.start,
  EVENTS.gc.major.stop,
  EVENTS.gc.maxHeapSize,
  EVENTS.refc.alloc,
  EVENTS.refc.free,
  EVENTS.process.spawn,
  EVENTS.process.exit,
  EVENTS.message.send,
  EVENTS.scheduler.slice,
  EVENTS.supervisor.restart,
  EVENTS.procLib.crashReport,
]);

/** The GC "stop" events, whose `reclaimed` measurement feeds `erlang:statistics(garbage_collection)`. */
export const GC_STOP_EVENTS: readonly EventName[] = Object.freeze([EVENTS.gc.minor.stop, EVENTS.gc.major.stop]);
