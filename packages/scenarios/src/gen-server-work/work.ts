/**
 * gen-server-work's work(N), as OTP 25 compiles it (issue 11, story 1):
 *
 *   work(N) ->
 *       L = [{I, I*2, integer_to_list(I)} || I <- lists:seq(1, N)],
 *       B = list_to_binary([integer_to_list(X) || {X, _, _} <- L]),
 *       {length(L), byte_size(B), binary:part(B, 0, 10)}.
 *
 * Followed from `erlc -S` of exactly this function (OTP 25):
 * - work/1: `allocate 2` (2 y-registers + CP = 3 stack words), `lists:seq(1, N)` (tail-recursive
 *   seq_loop: four cells behind one `test_heap 8`, built from the end), then the two comprehensions, each a
 *   body-recursive local function.
 * - `-lc$^0/1-0-`: per element `allocate 3` (y0 = I, y1 = the string, y2 = I*2; 4 stack words with
 *   the CP), `integer_to_list(I)` (a BIF building its 2 words per digit with HAlloc: on the heap
 *   when it fits 2 words short of the stack, else a heap fragment collected at the next heap test:
 *   kit/integer-to-list.ts), the recursive call, and on
 *   the way back `test_heap 6`: the tuple (4 words) and its cons cell (2).
 * - `-lc$^1/1-1-`: per element `allocate 1` (y0 = the string; 2 stack words), `integer_to_list(X)`
 *   again, the call, and on the way back `test_heap 2`: one cons cell.
 * - `list_to_binary/1`: the digits (> 64 bytes) in a refc binary; its ProcBin on the heap (HAlloc);
 *   its two passes over the N + bytes + 1 items of the iolist trap when the slice runs out
 *   (kit/list-to-binary.ts: a magic ref and its state in the vheap, no GC until it is done).
 * - `length/1`, `byte_size/1` (gc_bifs, no heap), `binary:part/3` (a sub-binary), `test_heap 4`
 *   for the result tuple.
 * - `allocate N` (each comprehension level): the heap test for the frame words before the stack
 *   grows (`allocate` below), as the JIT emits it.
 * Liveness as the compiled code keeps it: while `-lc$^0` recurses, each level holds only its
 * string and I (the rest of lists:seq's list is passed down, the part already walked is dead);
 * L is live from its construction to `length/1`; the iolist dies inside list_to_binary.
 * Checked by a gc trace of one server on `erl +S 1` (see test/gen-server-work.twin.test.ts).
 * Reductions, measured on `erl +S 1` with a heap large enough for no collection (work(N)'s
 * parts timed with process_info(self(), reductions)): each call and BIF costs one, and so does
 * each *return* of a body-recursive call (a recursion of 1,000 levels costs 1,000 down and 1,000
 * back up: the comprehensions cost 3 per element, not 2); lists:seq/2 one per seq_loop call
 * (N / 4 + 3); length/1 N / 16 (i_length); list_to_binary its passes (kit/list-to-binary.ts).
 * They decide where list_to_binary traps: with them leak server 1 of 300 × 60 has the BEAM's
 * 202 gc events (twins/gen_server_work_gctrace.escript), 160 equal in every field, 28 in all but
 * stack_size (±1 to ±5 words), 14 a few heap words apart; without them its trace left the BEAM's
 * at event 53 (a trap the BEAM did not make) and had 184 events.
 */
import { allocateTest } from "../kit/allocate.js";
import { BIF_CALL_STACK_WORDS } from "../kit/bifs.js";
import { INTEGER_TO_LIST_RESERVE } from "../kit/integer-to-list.js";
import { listToBinaryShaped } from "../kit/list-to-binary.js";
import { lengthOfCells } from "../kit/lists.js";
import { binary, binaryPart, charlist, Cons, nil, Tuple, type ProcessHeap, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";

/** Stack words of one `-lc$^0/1-0-` level (allocate 3 + CP) and one `-lc$^1/1-1-` level (allocate 1 + CP). */
const LC0_FRAME = 4;
const LC1_FRAME = 2;
/** work/1's own frame: allocate 2 + CP. */
const WORK_FRAME = 3;

/**
 * `integer_to_list(I)`: a BIF result built with HAlloc (2 words per digit), placed as
 * kit/integer-to-list.ts measured (HAlloc's limit 2 words lower; no collection on return).
 */
function integerToList(ctx: ProcessContext, i: number): Term {
  ctx.bif();
  return ctx.heap.allocBif(charlist(String(i)), { reserve: INTEGER_TO_LIST_RESERVE, check: false });
}

/**
 * `allocate N`: the JIT tests heap + stack for the new frame's words (as `test_heap` does for heap
 * words) before it moves the stack pointer, collecting with that need when they do not fit.
 */
function allocate(heap: ProcessHeap, frameWords: number): void {
  allocateTest(heap, frameWords);
}

/**
 * `lists:seq(1, N)` as OTP 25's lists.erl compiles it: `seq_loop/3` builds four cells per call
 * behind one `test_heap 8`, then two (`test_heap 4`), then one (`test_heap 2`), from the end.
 * Reductions: seq/2's call_only into seq_loop, one per recursive call_only after a group of four
 * or two, and the last clause's return (measured: lists:seq(1, 1000) costs 253 with the call).
 */
function* listsSeq(ctx: ProcessContext, n: number): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  const x0 = heap.pushFrame(0); // the list built so far (x2 across the calls)
  let seq: Term = nil;
  let x = n;
  let left = n;
  yield* ctx.call(); // seq/2: call_only seq_loop/3
  while (left >= 4) {
    seq = heap.allocCons(x, seq, 8);
    seq = heap.allocCons(x - 1, seq, 6);
    seq = heap.allocCons(x - 2, seq, 4);
    seq = heap.allocCons(x - 3, seq, 2);
    x -= 4;
    left -= 4;
    x0.set(0, seq);
    yield* ctx.call(); // call_only seq_loop/3
  }
  if (left >= 2) {
    seq = heap.allocCons(x, seq, 4);
    seq = heap.allocCons(x - 1, seq, 2);
    x -= 2;
    left -= 2;
    x0.set(0, seq);
    yield* ctx.call(); // call_only seq_loop/3
  }
  if (left === 1) seq = heap.allocCons(x, seq, 2);
  x0.set(0, seq);
  yield* ctx.call(); // the last clause's return
  heap.popFrame(x0);
  return seq;
}

/** work(N) on the calling process's heap; returns `{length(L), byte_size(B), binary:part(B, 0, 10)}`. */
export function* work(ctx: ProcessContext, n: number): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  allocate(heap, WORK_FRAME);
  const frame = heap.pushFrame(WORK_FRAME);
  // lists:seq(1, N): built from N down to 1 (seq_loop), one cons per element
  yield* ctx.call(); // call_ext lists:seq/2
  const seq = yield* listsSeq(ctx, n);
  // -lc$^0/1-0-: down the list, one frame and one string per element
  const down = heap.pushFrame(0);
  const strings: Term[] = new Array<Term>(n);
  let rest: Term = seq;
  for (let k = 0; k < n; k++) {
    yield* ctx.call();
    const cell = rest as Cons;
    rest = cell.tail;
    down.set(0, rest); // x0 carries the tail down; the cell itself is dead from here
    allocate(heap, LC0_FRAME);
    down.stackWords += LC0_FRAME;
    const s = integerToList(ctx, cell.head as number);
    strings[k] = s;
    down.hold(s);
  }
  down.set(0, undefined);
  yield* ctx.call(); // the call that meets [] (the lc's last clause)
  // ... and back up: a tuple and a cons per level, each level's frame popped as it returns; every
  // return costs a reduction (measured: a body recursion of 1,000 levels costs 1,000 on the way
  // down and 1,000 on the way back) and may be where the process is preempted
  let l: Term = nil;
  down.set(0, l);
  for (let k = n - 1; k >= 0; k--) {
    yield* ctx.call(); // the deeper level's return
    const i = k + 1;
    l = heap.allocCons(heap.alloc(new Tuple([i, i * 2, strings[k] as Term]), { need: 6 }), l);
    down.set(0, l);
    down.stackWords -= LC0_FRAME;
  }
  yield* ctx.call(); // the first level's return to work/1
  heap.popFrame(down);
  frame.set(1, l); // y1 = L
  // -lc$^1/1-1-: down L, one frame and one new string per element, then a cons per level back up
  const down1 = heap.pushFrame(0);
  const digits: Term[] = new Array<Term>(n);
  let cur: Term = l;
  let bytes = 0;
  for (let k = 0; k < n; k++) {
    yield* ctx.call();
    const cell = cur as Cons;
    cur = cell.tail;
    allocate(heap, LC1_FRAME);
    down1.stackWords += LC1_FRAME;
    const x = ((cell.head as Tuple).elements[0] as number);
    const s = integerToList(ctx, x);
    bytes += String(x).length;
    digits[k] = s;
    down1.hold(s);
  }
  yield* ctx.call(); // the call that meets []
  let io: Term = nil;
  down1.set(0, io);
  for (let k = n - 1; k >= 0; k--) {
    yield* ctx.call(); // the deeper level's return
    io = heap.allocCons(digits[k] as Term, io);
    down1.set(0, io);
    down1.stackWords -= LC1_FRAME;
  }
  yield* ctx.call(); // the first level's return
  heap.popFrame(down1);
  // list_to_binary(IoList): the bytes in a refc binary (> 64 bytes), its ProcBin via HAlloc;
  // the iolist's N + bytes + 1 items counted and copied in passes that trap once the slice's
  // reductions are used (kit/list-to-binary.ts)
  const text = new Uint8Array(bytes);
  let at = 0;
  for (let i = 1; i <= n; i++) for (const ch of String(i)) text[at++] = ch.charCodeAt(0);
  const b = yield* listToBinaryShaped(ctx, { items: n + bytes + 1, bytes }, () => binary(text), BIF_CALL_STACK_WORDS);
  frame.set(0, b);
  // length(L) (the JIT's i_length: erts_trapping_length_1, 16 cells a reduction, trapping past
  // the slice), byte_size(B) (no reductions); then L is dead
  yield* lengthOfCells(ctx, n);
  frame.set(1, undefined);
  // binary:part(B, 0, 10), then the result tuple (test_heap 4)
  yield* ctx.call();
  const part = binaryPart(heap, b, 0, Math.min(10, bytes));
  frame.set(0, part);
  const result = heap.alloc(new Tuple([n, bytes, part]));
  heap.popFrame(frame);
  const x0 = heap.pushFrame(0);
  x0.set(0, result);
  yield* ctx.call(); // work/1's return
  heap.popFrame(x0);
  return result;
}

