/**
 * Workload kit: OTP 25's `lists` building blocks with the BEAM's allocation (issue 12).
 *
 * Owns: `seq/2`, `duplicate/2`, `map/2`, `foldl/3`, `reverse/1`, `flatten/1` and `length/1` as
 * the real code runs them on the calling process's heap and stack — each followed from
 * `beam_disasm` of OTP 25's lists.beam (the code a node loads), or for BIFs from the C source:
 *  - every call (`call`, `call_only`, `call_last`, `call_ext`, `call_fun2`) costs one reduction
 *    and is where the process can be preempted (`ctx.call()`), and so does every `return`
 *    (kit/return.ts: a body recursion costs two per level);
 *  - `test_heap N` / `allocate K` run their heap tests with the JIT's need (allocate: the
 *    y-registers, ../kit/allocate.ts), so a collection falls where the BEAM's does;
 *  - body recursion (map, flatten) grows the stack by its frame per level, kept as one frame
 *    whose words change level by level, holding what each level's y-registers hold;
 *  - the block's entry call (`call_ext lists:F/A`) is charged by the block, and a block whose
 *    code has no frame of its own (seq, duplicate, reverse) keeps the return address that call
 *    pushed on the stack (1 word, {@link RETURN_ADDRESS_WORDS}) while it runs; a block with
 *    frames counts it in its first frame (`allocate N` = N + 1 words).
 * Each block is checked by a recorded GC trace of a workload using it
 * (tooling/beam-oracle/recorders/kit_blocks.escript, test/kit-blocks.twin.test.ts).
 * Invariant: a block returns a term placed on `ctx.heap` (or a literal); what it dropped is
 * garbage there, as on the BEAM.
 */
import { Cons, nil, type Frame, type RootSource, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { allocateFrame, allocateTest } from "./allocate.js";
import { BIF_CALL_STACK_WORDS } from "./bifs.js";
import { ret } from "./return.js";

/**
 * The return address a `call` pushes on the Erlang stack (OTP 25's x86-64 JIT keeps the Erlang
 * stack on the native stack): measured — a process in a frameless callee of a frameless
 * function collects with stack_size 3 (the initial continuation, this word, and the one the
 * JIT pushes when it calls the collector).
 */
export const RETURN_ADDRESS_WORDS = 1;

/**
 * A fun the kit calls (`call_fun2`): its body runs on the caller's heap, as Erlang code — a
 * generator when it calls or receives, or a plain function returning the value.
 */
export type KitFun<A extends unknown[]> = (ctx: ProcessContext, ...args: A) => Generator<Op, Term, unknown> | Term;

const isGenerator = (x: unknown): x is Generator<Op, Term, unknown> =>
  typeof x === "object" && x !== null && typeof (x as { next?: unknown }).next === "function" && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";

/** Runs a {@link KitFun} body. */
function* apply<A extends unknown[]>(ctx: ProcessContext, f: KitFun<A>, ...args: A): Generator<Op, Term, unknown> {
  const r: unknown = f(ctx, ...args);
  const v = isGenerator(r) ? yield* r : (r as Term);
  yield* ret(ctx); // the fun's return
  return v;
}

/**
 * `lists:seq(From, To)`: seq/2 checks its arguments and tail-calls seq_loop/3, which builds
 * the list from the end, four cells behind one `test_heap 8`, then two (`test_heap 4`), then one
 * (`test_heap 2`); one reduction per seq_loop call.
 */
export function* seq(ctx: ProcessContext, from: number, to: number): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext lists:seq/2
  const ra = heap.pushFrame(RETURN_ADDRESS_WORDS);
  yield* ctx.call(); // call_only seq_loop/3
  let left = to - from + 1;
  let x = to;
  let l: Term = nil;
  while (left >= 4) {
    l = heap.allocCons(x, l, 8);
    l = heap.allocCons(x - 1, l, 6);
    l = heap.allocCons(x - 2, l, 4);
    l = heap.allocCons(x - 3, l, 2);
    x -= 4;
    left -= 4;
    yield* ctx.call(); // call_only seq_loop/3
  }
  if (left >= 2) {
    l = heap.allocCons(x, l, 4);
    l = heap.allocCons(x - 1, l, 2);
    x -= 2;
    left -= 2;
    yield* ctx.call();
  }
  if (left === 1) l = heap.allocCons(x, l, 2);
  heap.popFrame(ra);
  yield* ret(ctx); // seq_loop's return
  return l;
}

/**
 * `lists:duplicate(N, X)`: duplicate/2 tail-calls duplicate/3, which conses one cell per call
 * (`test_heap 2`, `call_only`).
 */
export function* duplicate(ctx: ProcessContext, n: number, x: Term): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext lists:duplicate/2
  const ra = heap.pushFrame(RETURN_ADDRESS_WORDS);
  yield* ctx.call(); // call_only duplicate/3
  let l: Term = nil;
  for (let i = 0; i < n; i++) {
    l = heap.allocCons(x, l, 2);
    yield* ctx.call();
  }
  heap.popFrame(ra);
  yield* ret(ctx); // duplicate/3's return
  return l;
}

/**
 * `lists:map(F, L)`: map/2 and map_1/2 are body-recursive: per element `allocate 2` (y0 = the
 * tail, y1 = F), `call_fun2` F(H), then `trim 1` (the level keeps only F(H): 2 stack words with
 * the CP) and the recursive call; on the way back `test_heap 2` and the cell.
 */
export function* map(ctx: ProcessContext, f: KitFun<[Term]>, list: Term): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext lists:map/2
  const down = heap.pushFrame(0);
  const results: Term[] = [];
  let rest = list;
  while (rest instanceof Cons) {
    allocateFrame(heap, down, 2); // allocate 2
    down.set(0, rest.tail); // y0 = T while F runs
    yield* ctx.call(); // call_fun2
    const funRa = heap.pushFrame(RETURN_ADDRESS_WORDS);
    const y = yield* apply(ctx, f, rest.head);
    heap.popFrame(funRa);
    results.push(y);
    down.hold(y);
    rest = rest.tail;
    down.stackWords -= 1; // trim 1
    yield* ctx.call(); // call map_1/2
  }
  down.set(0, undefined);
  yield* ret(ctx); // map_1(_, []) -> []
  let l: Term = nil;
  for (let k = results.length - 1; k >= 0; k--) {
    l = heap.allocCons(results[k] as Term, l, 2);
    down.set(0, l);
    down.stackWords -= 2; // deallocate 1, return
    yield* ret(ctx);
  }
  heap.popFrame(down);
  return l;
}

/**
 * `lists:foldl(F, Acc, L)`: foldl/3 and foldl_1/3 are tail-recursive: per element `allocate 2`
 * (y0 = the tail, y1 = F), `call_fun2` F(H, Acc), and `call_last` (the frame is gone before
 * the next element).
 */
export function* foldl(ctx: ProcessContext, f: KitFun<[Term, Term]>, acc0: Term, list: Term): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext lists:foldl/3
  let acc = acc0;
  let rest = list;
  while (rest instanceof Cons) {
    allocateTest(heap, 3); // allocate 2
    const frame = heap.pushFrame(3);
    frame.set(0, rest.tail);
    yield* ctx.call(); // call_fun2
    const funRa = heap.pushFrame(RETURN_ADDRESS_WORDS);
    acc = yield* apply(ctx, f, rest.head, acc);
    heap.popFrame(funRa);
    heap.popFrame(frame);
    rest = rest.tail;
    yield* ctx.call(); // call_last foldl_1/3
  }
  yield* ret(ctx); // foldl_1(_, Acc, []) -> Acc
  return acc;
}

/** BUMP_REDS(n): charged without a preemption check, never below 0 reductions left (erl_vm.h). */
function bump(ctx: ProcessContext, n: number): void {
  ctx.chargeCalls(Math.min(n, Math.max(0, ctx.reductionsLeft)));
}


/** `CELLS_PER_RED` of erl_bif_lists.c's lists_reverse_onheap. */
const REVERSE_ONHEAP_CELLS_PER_RED = 60;
/** `CELLS_PER_RED` of erl_bif_lists.c's lists_reverse_alloc. */
const REVERSE_ALLOC_CELLS_PER_RED = 40;

/**
 * `lists:reverse(L)`: reverse/1 (lists.erl) conses the first two elements (`test_heap 4`) and
 * calls the BIF lists:reverse/2 (erl_bif_lists.c, OTP 25), which writes cells straight onto the
 * free heap up to 2 words below the stack (60 cells per reduction left), then — when the heap
 * is full and the list is not done — `HAlloc`s the cells its remaining reductions allow (40 per
 * reduction, into a heap fragment) and traps to itself with the rest; each return runs the
 * after-BIF GC check. (OTP 25's erl_bif_lists.c: cells_left = CELLS_PER_RED × reductions left.)
 */
export function* reverse(ctx: ProcessContext, list: Term): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call_ext lists:reverse/1
  if (!(list instanceof Cons)) return list;
  const second = list.tail;
  if (!(second instanceof Cons)) return list;
  const ra = heap.pushFrame(RETURN_ADDRESS_WORDS);
  ra.set(0, list);
  let acc: Term = heap.allocCons(second.head, heap.alloc(new Cons(list.head, nil)), 4);
  let rest: Term = second.tail;
  yield* ctx.call(); // call_ext_only lists:reverse/2 (a BIF)
  while (rest instanceof Cons) {
    const left = Math.max(0, ctx.reductionsLeft);
    if (heap.freeWords > 8) {
      // lists_reverse_onheap
      let cells = 0;
      // HEAP_LIMIT − 2 as the BIF sees it: BIF_CALL_STACK_WORDS below the free space a heap test
      // sees (measured here too: 84 cells written into 172 free words, 1,054 into 2,113)
      const room = Math.ceil((heap.freeWords - BIF_CALL_STACK_WORDS - 2) / 2);
      const budget = REVERSE_ONHEAP_CELLS_PER_RED * left;
      while (rest instanceof Cons && cells < room && cells < budget) {
        acc = heap.allocBif(new Cons(rest.head, acc), { check: false });
        rest = rest.tail;
        cells++;
      }
      bump(ctx, Math.floor(cells / REVERSE_ONHEAP_CELLS_PER_RED));
      if (!(rest instanceof Cons)) break;
      if (budget - cells > REVERSE_ONHEAP_CELLS_PER_RED) {
        const r = reverseAlloc(ctx, rest, acc);
        acc = r.acc;
        rest = r.rest;
        if (!(rest instanceof Cons)) break;
      } else bump(ctx, Number.MAX_SAFE_INTEGER); // BUMP_ALL_REDS, then the trap
    } else {
      const r = reverseAlloc(ctx, rest, acc);
      acc = r.acc;
      rest = r.rest;
      if (!(rest instanceof Cons)) break;
    }
    // BIF_TRAP2: lists:reverse/2 is called again with the rest (a call: may be preempted)
    ctx.afterBif(acc);
    yield* ctx.call();
  }
  ctx.afterBif(acc);
  heap.popFrame(ra);
  return acc;
}

/** lists_reverse_alloc: the cells the reductions left allow, in one `HAlloc`. */
function reverseAlloc(ctx: ProcessContext, list: Cons, tail: Term): { acc: Term; rest: Term } {
  const heap = ctx.heap;
  const budget = REVERSE_ALLOC_CELLS_PER_RED * Math.max(0, ctx.reductionsLeft);
  const cells: Term[] = [];
  let rest: Term = list;
  while (rest instanceof Cons && cells.length < budget) {
    cells.push(rest.head);
    rest = rest.tail;
  }
  bump(ctx, Math.floor(cells.length / REVERSE_ALLOC_CELLS_PER_RED));
  let acc = tail;
  for (const h of cells) acc = new Cons(h, acc);
  // one HAlloc for all of them: built first, placed as one term (on the heap or a fragment)
  acc = heap.allocBif(acc, { check: false });
  return { acc, rest };
}

/**
 * `lists:flatten(L)`: flatten/1 tail-calls do_flatten(L, []), which walks the list from the
 * front and recurses on the tail first: a list element costs `allocate 1` (y0 = its head,
 * 2 stack words) and two calls; any other element `allocate 1`, the call, then `test_heap 2`
 * and its cell on the way back.
 */
export function* flatten(ctx: ProcessContext, list: Term): Generator<Op, Term, unknown> {
  yield* ctx.call(); // call_ext lists:flatten/1
  yield* ctx.call(); // call_only do_flatten/2
  const frame = ctx.heap.pushFrame(0);
  const x0 = new XRegister(list);
  ctx.heap.addRootSource(x0);
  const out = yield* doFlatten(ctx, list, nil, frame, 0, x0);
  ctx.heap.removeRootSource(x0);
  ctx.heap.popFrame(frame);
  return out;
}

/** x0 of a walk: the list the current call was given (live at its `allocate`), then the tail it passes on. */
class XRegister implements RootSource {
  constructor(public term: Term) {}
  forEachRoot(visit: (t: Term) => void): void {
    visit(this.term);
  }
}

/**
 * One do_flatten/2 call at recursion `depth`: its y0 and the tail it was given live in the
 * frame's slots 2·depth, 2·depth + 1; the tail it walks on is live in `x0` (`get_list` has
 * split the cell before `allocate`; measured: kit_elixir_blocks.json's pipeline, whose
 * duplicated list is referenced by nothing else — its unwalked cells survive a collection in
 * the descent on the BEAM).
 */
function* doFlatten(ctx: ProcessContext, list: Term, tail: Term, frame: Frame, depth: number, x0: XRegister): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  if (!(list instanceof Cons)) {
    yield* ret(ctx); // do_flatten([], Tail) -> Tail
    return tail;
  }
  const h = list.head;
  const y0 = 2 * depth;
  // get_list splits the cell first: at `allocate 1` x0 = T, x1 = Tail, x2 = H are live
  x0.term = list.tail;
  frame.set(y0, h);
  frame.set(y0 + 1, tail); // x1 while the tail is flattened (the callee's argument)
  allocateFrame(heap, frame, 1); // allocate 1
  yield* ctx.call(); // call do_flatten(T, Tail)
  const flatTail = yield* doFlatten(ctx, list.tail, tail, frame, depth + 1, x0);
  frame.set(y0 + 1, flatTail);
  let out: Term;
  if (h instanceof Cons || h === nil) {
    frame.stackWords -= 2; // call_last deallocates the frame
    frame.set(y0, undefined);
    x0.term = h; // x0 = H, x1 = Flat at the call
    yield* ctx.call(); // call_last do_flatten(H, Flat)
    out = yield* doFlatten(ctx, h, flatTail, frame, depth, x0);
  } else {
    out = heap.allocCons(h, flatTail, 2);
    frame.stackWords -= 2; // deallocate 1
    frame.set(y0, undefined);
    frame.set(y0 + 1, out); // x0 = the cell while the return may switch the process out
    yield* ret(ctx);
  }
  frame.set(y0 + 1, undefined);
  return out;
}

/**
 * {@link length} of a proper list known to have `cells` cells, without walking it (for a twin
 * that keeps its list as blobs): the same reductions and preemptions.
 */
export function* lengthOfCells(ctx: ProcessContext, cells: number): Generator<Op, number, unknown> {
  let left = cells;
  for (;;) {
    const max = Math.max(1, ctx.reductionsLeft) * LENGTH_CELLS_PER_RED;
    if (left <= max) {
      bump(ctx, Math.floor(left / LENGTH_CELLS_PER_RED));
      return cells;
    }
    left -= max;
    bump(ctx, Number.MAX_SAFE_INTEGER);
    yield* ctx.call(0);
  }
}

/** ERTS_BIF_REDS_LEFT × 16 elements per call of erts_trapping_length_1 (erl_bif_lists.c). */
const LENGTH_CELLS_PER_RED = 16;

/**
 * `length(L)` (a gc_bif): walks 16 cells per reduction left, charging cells / 16; when the
 * list is longer than the slice allows it bumps all reductions and continues after the
 * preemption. No heap.
 */
export function* length(ctx: ProcessContext, list: Term): Generator<Op, number, unknown> {
  let n = 0;
  let rest = list;
  for (;;) {
    const max = Math.max(1, ctx.reductionsLeft) * LENGTH_CELLS_PER_RED;
    let walked = 0;
    while (rest instanceof Cons && walked < max) {
      rest = rest.tail;
      walked++;
    }
    n += walked;
    if (!(rest instanceof Cons)) {
      bump(ctx, Math.floor(walked / LENGTH_CELLS_PER_RED));
      return n;
    }
    bump(ctx, Number.MAX_SAFE_INTEGER);
    yield* ctx.call(0);
  }
}
