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
 * A filter (`[E || X <- L, P(X)]`, {@link Comprehension.filter}): erlc tests it first; a
 * rejected element costs the `call_only` to the next one and nothing else (no frame, no cell).
 * Read off `erlc -S` of `[X * 2 || X <- L, X rem 3 =:= 0]`.
 * Two generators (`[E || X <- L1, Y <- L2]`, {@link comprehension2}): erlc makes two functions,
 * `'-F/A-lc$^0/1-0-'/2` over L1 (no frame: per X a `call_only` into the inner one) and
 * `'-F/A-lc$^1/1-1-'/4` over L2 (per Y `allocate Y`, the recursive `call`, on the way back the
 * element's `test_heap` and cell); at the end of L2 the inner one `call_only`s the outer one with
 * L1's tail, so every (X, Y) pair is one level of one recursion and the list is built from its
 * last pair back. Read off `erlc -S` of `[{X, Y} || X <- L1, Y <- L2]` (`allocate 2`,
 * `test_heap 5`).
 * Checked against kit_blocks.json's lc_double, lc_pairs, lc_filter and lc_product loops, GC
 * event for GC event.
 * Invariant: the element is built from what the level kept (`kept`), on the heap the test made
 * room on; every level's frame is popped on the way back.
 */
import { Cons, nil, type Frame, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { allocateFrame } from "./allocate.js";
import { ret } from "./return.js";

export interface Comprehension<K> {
  /** y-registers of the level's frame (`allocate Y`): what it keeps across the recursive call. */
  readonly yRegs: number;
  /** The work before the recursive call on element `x` (no heap, or its own heap tests); returns what the level keeps. */
  readonly before: (ctx: ProcessContext, x: Term) => K;
  /** Words of the element term the way back builds (the `test_heap` is these + 2 for the cons). */
  readonly elementWords: number;
  /** Builds the element from what the level kept (placed by the level's `test_heap`). */
  readonly build: (kept: K) => Term;
  /** The filter `P(X)` (guard-like work, no heap): an element it rejects adds nothing. */
  readonly filter?: (ctx: ProcessContext, x: Term) => boolean;
}

/** `[Expr || X <- List]`: the comprehension's value, built on `ctx.heap`. */
export function* comprehension<K>(ctx: ProcessContext, list: Term, c: Comprehension<K>): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // into '-F/A-lc$^0/1-0-'/1
  const down = heap.pushFrame(0);
  down.set(0, list); // slot 0 (x0, the rest of the list) first: `hold` appends after it
  const kept: K[] = [];
  let rest = list;
  while (rest instanceof Cons) {
    if (c.filter !== undefined && !c.filter(ctx, rest.head)) {
      rest = rest.tail;
      down.set(0, rest);
      yield* ctx.call(); // call_only to the next element
      continue;
    }
    const k = c.before(ctx, rest.head);
    allocateFrame(heap, down, c.yRegs);
    kept.push(k);
    if (typeof k === "object" && k !== null) down.hold(k as unknown as Term);
    rest = rest.tail;
    down.set(0, rest);
    yield* ctx.call(); // the recursive call
  }
  down.set(0, undefined);
  yield* ret(ctx); // the [] clause's return
  return yield* wayBack(ctx, down, kept, c);
}

/** `[E || X <- L1, Y <- L2]`: what each (X, Y) level does (see {@link comprehension2}). */
export interface Comprehension2<K> {
  /** y-registers of the inner function's frame (`allocate Y`). */
  readonly yRegs: number;
  /** The work before the recursive call on the pair (no heap, or its own heap tests); returns what the level keeps. */
  readonly before: (ctx: ProcessContext, x: Term, y: Term) => K;
  /** Words of the element term the way back builds (the `test_heap` is these + 2 for the cons). */
  readonly elementWords: number;
  /** Builds the element from what the level kept. */
  readonly build: (kept: K) => Term;
}

/**
 * `[E || X <- L1, Y <- L2]` with two generators: the value, built on `ctx.heap`. While the
 * levels go down, the inner function's argument registers hold L2 (the whole list, for the next
 * X), the rest of L2 and the rest of L1: they are live at every level's heap test.
 */
export function* comprehension2<K>(ctx: ProcessContext, outer: Term, inner: Term, c: Comprehension2<K>): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call '-F/A-lc$^0/1-0-'/2
  const down = heap.pushFrame(0);
  down.set(2, outer); // slots 0-2 (x0-x2) first: `hold` appends after them
  down.set(1, inner); // x1 = L2 throughout
  const kept: K[] = [];
  let xs = outer;
  while (xs instanceof Cons) {
    const x = xs.head;
    xs = xs.tail;
    down.set(2, xs); // x2 = L1's tail
    yield* ctx.call(); // call_only '-F/A-lc$^1/1-1-'/4
    let ys = inner;
    while (ys instanceof Cons) {
      const k = c.before(ctx, x, ys.head);
      allocateFrame(heap, down, c.yRegs);
      kept.push(k);
      if (typeof k === "object" && k !== null) down.hold(k as unknown as Term);
      ys = ys.tail;
      down.set(0, ys);
      yield* ctx.call(); // the inner recursive call
    }
    yield* ctx.call(); // call_only '-F/A-lc$^0/1-0-'/2 with L1's tail
  }
  down.set(0, undefined);
  down.set(1, undefined);
  down.set(2, undefined);
  yield* ret(ctx); // the outer function's [] clause returns
  return yield* wayBack(ctx, down, kept, c);
}

/**
 * The way back of a body-recursive comprehension (both shapes): each level, innermost first,
 * builds its element and cell under one `test_heap` (element words + 2), then deallocates its
 * frame and returns; `down` is the levels' frame, popped at the end.
 */
function* wayBack<K>(ctx: ProcessContext, down: Frame, kept: readonly K[], c: { readonly elementWords: number; readonly yRegs: number; readonly build: (kept: K) => Term }): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  let out: Term = nil;
  const need = c.elementWords + 2;
  for (let i = kept.length - 1; i >= 0; i--) {
    out = heap.alloc(new Cons(c.build(kept[i] as K), out), { need });
    down.set(0, out);
    down.stackWords -= c.yRegs + 1; // deallocate, return
    yield* ret(ctx);
  }
  heap.popFrame(down);
  return out;
}
