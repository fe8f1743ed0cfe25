/**
 * The public shapes of the scheduler: process bodies, spawn options, what a body yields.
 *
 * A process body is a generator function: `function* (ctx, ...args) { … }`. It runs until it
 * blocks (`yield* ctx.receive(…)`, `yield* ctx.sleep(…)`) or uses up its reductions at a
 * `yield* ctx.call()` (the model of a function call, where the BEAM preempts), and its return
 * value is ignored: returning means exiting with reason `normal`. Throwing ends the process:
 * `ctx.exit(reason)` throws the reason; any other JS exception becomes the exit reason
 * `{{js_exception, Name, Message}, Stack}` (binaries), which links and monitors then see.
 * Invariant: a body only ever yields the opaque {@link Op} values the context's helpers yield.
 */
import type { Term } from "@beamlab/heap";
import type { ProcessContext } from "./context.js";
import type { Priority } from "./run-queue.js";

/** What a body hands to the scheduler at a `yield` (opaque: use the context's helpers). */
export interface Op {
  readonly op: "receive" | "sleep" | "yield";
}

export type BodyGen = Generator<Op, unknown, unknown>;
export type Body = (ctx: ProcessContext, ...args: Term[]) => BodyGen;

export type MaxHeapSizeOption = number | { readonly size: number; readonly kill?: boolean; readonly errorLogger?: boolean };

/** `spawn_opt/4` options (plus a label for `initial_call`). */
export interface SpawnOptions {
  readonly link?: boolean;
  readonly monitor?: boolean;
  readonly minHeapSize?: number;
  readonly minBinVheapSize?: number;
  readonly fullsweepAfter?: number;
  readonly maxHeapSize?: MaxHeapSizeOption;
  readonly messageQueueData?: "on_heap" | "off_heap";
  readonly priority?: Priority;
  /** `initial_call` shown by process_info, e.g. "mymod:loop/1" (default: the body's name/arity). */
  readonly initialCall?: string;
}
