/**
 * Workload kit: a list comprehension `[Expr || X <- L]`, as OTP 25's compiler emits it (issue 12).
 *
 * Owns: the body-recursive local function `'-F/A-lc$^0/1-0-'/1` erlc makes of a comprehension
 * with one generator: per element, the work done before the recursive call (`before`: e.g. a
 * gc_bif like `X * 2`, or nothing), `allocate Y` for what the level keeps across the call (its
 * y-registers), the recursive `call`, and on the way back one `test_heap` for the element and
 * its cons cell, then `deallocate`. Read off `erlc -S` of `[X * 2 || X <- L]` (the work before,
 * `allocate 1`, `test_heap 2`) and `[{X, X} || X <- L]` (`allocate 1`, `test_heap 5`).
 * The caller reaches the comprehension's function with `call_only` / `call` (charged here).
 * Checked against kit_blocks.json's lc_double and lc_pairs loops, GC event for GC event.
 * Invariant: the element is built from what the level kept (`kept`), on the heap the test made
 * room on; every level's frame is popped on the way back.
 */
import { Cons, nil, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { allocateFrame } from "./allocate.js";

export interface Comprehension<K> {
  /** y-registers of the level's frame (`allocate Y`): what it keeps across the recursive call. */
  readonly yRegs: number;
  /** The work before the recursive call on element `x` (no heap, or its own heap tests); returns what the level keeps. */
  readonly before: (ctx: ProcessContext, x: Term) => K;
  /** Words of the element term the way back builds (the `test_heap` is these + 2 for the cons). */
  readonly elementWords: number;
  /** Builds the element from what the level kept (placed by the level's `test_heap`). */
  readonly build: (kept: K) => Term;
}

/** `[Expr || X <- List]`: the comprehension's value, built on `ctx.heap`. */
export function* comprehension<K>(ctx: ProcessContext, list: Term, c: Comprehension<K>): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // into '-F/A-lc$^0/1-0-'/1
  const down = heap.pushFrame(0);
  const kept: K[] = [];
  let rest = list;
  while (rest instanceof Cons) {
    const k = c.before(ctx, rest.head);
    allocateFrame(heap, down, c.yRegs);
    kept.push(k);
    if (typeof k === "object" && k !== null) down.hold(k as unknown as Term);
    rest = rest.tail;
    down.set(0, rest);
    yield* ctx.call(); // the recursive call
  }
  down.set(0, undefined);
  let out: Term = nil;
  const need = c.elementWords + 2;
  for (let i = kept.length - 1; i >= 0; i--) {
    out = heap.alloc(new Cons(c.build(kept[i] as K), out), { need });
    down.set(0, out);
    down.stackWords -= c.yRegs + 1; // deallocate, return
  }
  heap.popFrame(down);
  return out;
}
