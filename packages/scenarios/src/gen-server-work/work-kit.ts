/**
 * gen-server-work's work(N) on the workload kit's runs (issue 12): the same heap tests, stack
 * words, BIF allocations, safe points and reductions as `work.ts` (the compiled code, one JS
 * object per cell), with each list, string run and comprehension level kept as one blob per GC
 * epoch, and the cells between two collections (or two preemptions) placed in one step.
 *
 * Batching rule (per phase, exact): a batch of k elements is taken only when every element of
 * it passes its heap test, keeps its BIF result on the heap and ends its call with reductions
 * left — computed in closed form from the free words, the reductions left and the element's
 * words (constant within a decade
 * of I: `integer_to_list` makes 2 words per digit). The element where any of these changes runs
 * alone, step by step, through the same heap calls as `work.ts`. The GC events are therefore the
 * per-cell model's, event for event (test/gen-server-work.kit.test.ts runs both).
 *
 * Liveness by phase, as `work.ts` keeps it: lists:seq's cells from the walked position on; the
 * first comprehension's strings from their BIF to L's death (the frames, then L, hold them);
 * L from its first cell to `length/1`; the second comprehension's strings and iolist until
 * `list_to_binary`.
 */
import { allocateNeed, allocateTest } from "../kit/allocate.js";
import { BIF_CALL_STACK_WORDS } from "../kit/bifs.js";
import { INTEGER_TO_LIST_RESERVE } from "../kit/integer-to-list.js";
import { listToBinaryShaped } from "../kit/list-to-binary.js";
import { binary, binaryPart, LazyBytes, Binary, Tuple, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { BlobRoots } from "../kit/blob-roots.js";
import { BlobRun, PositionedListRun } from "../kit/blob-run.js";
import { digits, digitsOfRange, digitsText, nextPowerOfTen } from "../kit/decimal.js";
import { lengthOfCells } from "../kit/lists.js";

const LC0_FRAME = 4;
const LC1_FRAME = 2;
const WORK_FRAME = 3;
/** `htop + need + S_RESERVED − 1 ≤ stop`: a heap test for `need` passes when free ≥ need + 3. */
const TEST_SLACK = 3;

/** Elements a batch may take before the call that would leave no reductions (2 per element: call + BIF). */
function byReductions(left: number, perElement: number): number {
  return left >= perElement ? Math.floor((left - perElement) / perElement) + 1 : 0;
}

/** Calls a batch may make without the last one preempting (each leaves ≥ 1 reduction). */
function callsBeforePreemption(left: number): number {
  return Math.max(0, left - 1);
}

/**
 * lists:seq(1, N) into `seq` (positions n-1 … 0), as seq_loop/3 builds it, with work.ts's
 * reductions: seq/2's call_only, one call_only after each group of four or two, the return.
 */
function* listsSeq(ctx: ProcessContext, seq: PositionedListRun, n: number): Generator<Op, void, unknown> {
  const heap = ctx.heap;
  let left = n;
  const place = (words: number, need: number | undefined) => {
    const cells = words / 2;
    const b = need === undefined ? heap.growBlob(seq.head, words) : heap.allocBlob(seq.head, words, need);
    seq.took(b, left - cells, left);
    left -= cells;
  };
  yield* ctx.call(); // seq/2: call_only seq_loop/3
  while (left >= 4) {
    const free = heap.freeWords;
    const byHeap = free >= 8 + TEST_SLACK ? Math.floor((free - 8 - TEST_SLACK) / 8) + 1 : 0;
    const groups = Math.min(Math.floor(left / 4), byHeap, callsBeforePreemption(ctx.reductionsLeft));
    if (groups > 0) {
      place(8 * groups, undefined);
      ctx.chargeCalls(groups);
      continue;
    }
    if (byHeap > 0) place(8, undefined);
    else {
      place(2, 8);
      place(2, 6);
      place(2, 4);
      place(2, 2);
    }
    yield* ctx.call(); // call_only seq_loop/3
  }
  if (left >= 2) {
    place(2, 4);
    place(2, 2);
    yield* ctx.call(); // call_only seq_loop/3
  }
  if (left === 1) place(2, 2);
  yield* ctx.call(); // the last clause's return
}

/**
 * A comprehension's descent: per element a call, `allocate frame` and `integer_to_list(I)` (a BIF
 * of 2 words per digit, placed as kit/integer-to-list.ts measured). `before(k)` runs before
 * element k's heap test (what dies as the walk moves on).
 */
function* descend(
  ctx: ProcessContext,
  frame: { stackWords: number },
  strings: BlobRun,
  n: number,
  frameWords: number,
  before: (k: number) => void,
): Generator<Op, void, unknown> {
  const heap = ctx.heap;
  let k = 0;
  while (k < n) {
    const w = 2 * digits(k + 1);
    const segmentEnd = Math.min(n, nextPowerOfTen(k + 1) - 1);
    if (!heap.safePointDueBesidesFragments) {
      const free = heap.freeWords;
      // each element of a batch passes its `allocate` test and keeps its string on the heap
      // (HAlloc's limit INTEGER_TO_LIST_RESERVE words below the frame); fragments do not
      // collect on the BIF's return (kit/integer-to-list.ts), so they do not stop a batch
      const c = Math.max(allocateNeed(frameWords) + TEST_SLACK, frameWords + w + INTEGER_TO_LIST_RESERVE);
      const byHeap = free >= c ? Math.floor((free - c) / (frameWords + w)) + 1 : 0;
      const batch = Math.min(segmentEnd - k, byHeap, byReductions(ctx.reductionsLeft, 2));
      if (batch > 0) {
        ctx.chargeCalls(2 * batch);
        frame.stackWords += frameWords * batch;
        strings.grow(heap, w * batch);
        k += batch;
        before(k);
        continue;
      }
    }
    yield* ctx.call();
    before(k + 1);
    allocateTest(heap, frameWords);
    frame.stackWords += frameWords;
    ctx.bif();
    strings.bif(heap, w, INTEGER_TO_LIST_RESERVE);
    k++;
  }
}

/**
 * A comprehension's way back up: per level the deeper level's return (a reduction; the process
 * may be preempted there), a heap test for `need`, the level's cells (`words`, the first
 * `pendingWords` of them placed by that test), then its frame popped; the first level's return
 * at the end.
 */
function* ascend(ctx: ProcessContext, frame: { stackWords: number }, run: BlobRun, n: number, frameWords: number, cellWords: number[]): Generator<Op, void, unknown> {
  const heap = ctx.heap;
  const words = cellWords.reduce((a, b) => a + b, 0);
  const need = words;
  let k = n;
  while (k > 0) {
    const free = heap.freeWords;
    const net = words - frameWords;
    const c = need + TEST_SLACK;
    let batch = 0;
    if (free >= c) batch = net > 0 ? Math.floor((free - c) / net) + 1 : k;
    batch = Math.min(batch, k, callsBeforePreemption(ctx.reductionsLeft));
    if (batch > 0) {
      ctx.chargeCalls(batch);
      run.grow(heap, words * batch);
      frame.stackWords -= frameWords * batch;
      k -= batch;
      continue;
    }
    yield* ctx.call(); // the deeper level's return
    // the level's objects one by one, as alloc places them: the first behind the test for
    // all of the level's words, each next one behind its own test
    let left = need;
    for (const w of cellWords) {
      run.alloc(heap, w, left);
      left -= w;
    }
    frame.stackWords -= frameWords;
    k--;
  }
  yield* ctx.call(); // the first level's return
}

/** work(N) on the calling process's heap; returns `{length(L), byte_size(B), binary:part(B, 0, 10)}`. */
export function* workKit(ctx: ProcessContext, n: number): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  allocateTest(heap, WORK_FRAME);
  const frame = heap.pushFrame(WORK_FRAME);
  const roots = new BlobRoots(heap);
  try {
    yield* ctx.call(); // call_ext lists:seq/2
    const seq = new PositionedListRun(roots);
    yield* listsSeq(ctx, seq, n);
    // -lc$^0/1-0-: down the list (the walked cells die), one frame and one string per element
    const down = heap.pushFrame(0);
    const strings = new BlobRun(roots);
    yield* descend(ctx, down, strings, n, LC0_FRAME, (k) => { seq.liveFrom(k); });
    seq.liveFrom(n);
    yield* ctx.call(); // the call that meets []
    // ... and back up: a tuple {I, I*2, S} (4 words, test_heap 6) and its cons per level
    const l = new BlobRun(roots);
    yield* ascend(ctx, down, l, n, LC0_FRAME, [4, 2]);
    heap.popFrame(down);
    // -lc$^1/1-1-: down L (kept whole: y1 holds it), a new string per element, a cons per level back up
    const down1 = heap.pushFrame(0);
    const digitStrings = new BlobRun(roots);
    yield* descend(ctx, down1, digitStrings, n, LC1_FRAME, () => {
      /* L stays whole: y1 holds it */
    });
    yield* ctx.call(); // the call that meets []
    const io = new BlobRun(roots);
    yield* ascend(ctx, down1, io, n, LC1_FRAME, [2]);
    heap.popFrame(down1);
    io.drop();
    digitStrings.drop();
    // list_to_binary(IoList): a refc binary of the digits, its ProcBin via HAlloc; N + bytes + 1
    // items counted and copied in passes that trap (kit/list-to-binary.ts), as work.ts
    const bytes = digitsOfRange(n);
    const text = (): Binary => (bytes > 64 ? new Binary(new LazyBytes(bytes, new Uint8Array(0), (from, to) => digitsText(n, from, to))) : binary(digitsText(n, 0, bytes)));
    const b = yield* listToBinaryShaped(ctx, { items: n + bytes + 1, bytes }, text, BIF_CALL_STACK_WORDS);
    frame.set(0, b);
    // length(L) (i_length: 16 cells a reduction), byte_size(B); then L (and its strings) is dead
    yield* lengthOfCells(ctx, n);
    l.drop();
    strings.drop();
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
  } finally {
    roots.close();
  }
}
