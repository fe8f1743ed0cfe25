/**
 * Workload kit: the Elixir 1.14 functions agent-vs-task's process(i) uses, as their compiled
 * code runs (issue 12) — read with `beam_disasm` from Elixir's ebin
 * (Elixir.List.beam, Elixir.Enum.beam) and OTP 25's binary.beam:
 *  - `:binary.bin_to_list(B)`: binary:bin_to_list/1 is Erlang code: `allocate 2` (y0 = B, y1 the
 *    `try` tag: 3 stack words with the return address), `call_ext erlang:binary_to_list/1` (a
 *    BIF: the kit's {@link binaryToList}), `deallocate 2`, `return`;
 *  - `List.duplicate(X, N)`: `swap`, `call_ext_only lists:duplicate/2` (the kit's
 *    {@link duplicate}, whose entry call is that call_ext_only's reduction);
 *  - `List.flatten(L)`: `call_ext_only lists:flatten/1` (the kit's {@link flatten});
 *  - `Enum.take(L, N)` on a list with N ≥ 0: N = 0 returns `[]`; else `call_only take_list/2`,
 *    which per element does `allocate 1` (y0 = the element: 2 stack words), the recursive `call`,
 *    and on the way back `test_heap 2` and the cell; it ends at counter 0 or at `[]`.
 * Each block charges the call that reaches it (`call_ext 'Elixir.List':duplicate/2` …) and keeps
 * the return address that call pushed as the kit's lists blocks do (lists.ts). Checked against
 * kit_elixir_blocks.json (a loop per block, and the pipeline of process(i)).
 * Invariant: blocks only allocate on the calling process's heap; inputs are not modified.
 */
import { Cons, nil, type Binary, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { allocateFrame } from "./allocate.js";
import { binaryToList } from "./bifs.js";
import { duplicate, flatten } from "./lists.js";
import { ret } from "./return.js";

/** `:binary.bin_to_list(B)`: the bytes of B as a list (2 words per byte). */
export function* binToList(ctx: ProcessContext, b: Binary): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext binary:bin_to_list/1
  const frame = heap.pushFrame(0);
  allocateFrame(heap, frame, 2); // allocate 2
  frame.set(0, b); // y0 = B (for the error clause)
  const l = yield* binaryToList(ctx, b);
  heap.popFrame(frame); // deallocate 2, return
  yield* ret(ctx);
  return l;
}

/** `List.duplicate(X, N)`: N cells of X. */
export function* listDuplicate(ctx: ProcessContext, x: Term, n: number): Generator<Op, Term, unknown> {
  yield* ctx.call(); // call_ext 'Elixir.List':duplicate/2
  return yield* duplicate(ctx, n, x); // call_ext_only lists:duplicate/2
}

/** `List.flatten(L)`. */
export function* listFlatten(ctx: ProcessContext, list: Term): Generator<Op, Term, unknown> {
  yield* ctx.call(); // call_ext 'Elixir.List':flatten/1
  return yield* flatten(ctx, list); // call_ext_only lists:flatten/1
}

/** `Enum.take(List, N)` for a list and N ≥ 0: its first N elements (fewer if the list is shorter). */
export function* enumTake(ctx: ProcessContext, list: Term, n: number): Generator<Op, Term, unknown> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`enumTake: N must be an integer ≥ 0 (Enum.take's negative counts take from the end: not modelled), got ${n}`);
  if (!(list instanceof Cons) && list !== nil) throw new RangeError("enumTake: the kit's Enum.take takes a list (Enum.take on other enumerables goes through Enumerable.reduce: not modelled)");
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext 'Elixir.Enum':take/2
  if (n === 0) {
    yield* ret(ctx);
    return nil;
  }
  yield* ctx.call(); // call_only take_list/2
  const down = heap.pushFrame(0);
  down.set(0, list); // x0: the rest of the list (`hold` appends the kept elements after it)
  const kept: Term[] = [];
  let rest: Term = list;
  while (kept.length < n && rest instanceof Cons) {
    const h = rest.head;
    rest = rest.tail;
    down.set(0, rest);
    allocateFrame(heap, down, 1); // allocate 1 (the head and the tail live)
    kept.push(h);
    if (typeof h === "object") down.hold(h);
    yield* ctx.call(); // call take_list/2
  }
  down.set(0, undefined);
  yield* ret(ctx); // take_list(_, 0) -> [] (or the end of the list)
  let out: Term = nil;
  for (let i = kept.length - 1; i >= 0; i--) {
    out = heap.allocCons(kept[i] as Term, out, 2); // test_heap 2
    down.set(0, out);
    down.stackWords -= 2; // deallocate 1, return
    yield* ret(ctx);
  }
  heap.popFrame(down);
  return out;
}
