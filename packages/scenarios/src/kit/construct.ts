/**
 * Workload kit: tuple construction `{A, B, …}` as compiled code builds it (issue 12).
 *
 * Owns: `put_tuple2` — a tuple of arity N is N + 1 heap words, written at htop without a heap
 * test of its own: the `test_heap` (or `allocate_heap`) before it asked for every word the code
 * builds up to the next test, e.g. `[{I, I, x} | Acc]` is `test_heap 6` then `put_tuple2` (4)
 * and `put_list` (2). Read off `erlc -S`; checked against kit_blocks.json's tuple_build loop.
 * Invariant: the tuple is placed on `ctx.heap`; its elements are already placed (or immediates).
 */
import { Tuple, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";

/**
 * `{E1, …, En}` placed on the heap. `need`: the words of the `test_heap` in front of it (default
 * the tuple's own n + 1) — pass the whole test's words when the tuple is the first of several
 * terms one test covers, and place the others with their need 0 … (or as one term).
 */
export function tuple(ctx: ProcessContext, elements: readonly Term[], opts: { readonly need?: number } = {}): Tuple {
  const t = new Tuple([...elements]);
  return ctx.heap.alloc(t, opts.need === undefined ? undefined : { need: opts.need });
}
