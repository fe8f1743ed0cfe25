/**
 * agent-vs-task's process(i) as the twin compiles it (Elixir 1.14 on OTP 25):
 *
 *   :binary.bin_to_list(:binary.copy(<<rem(i, 256)>>, 8))
 *   |> List.duplicate(div(kb * 1024, 128))   # :lists.duplicate/2
 *   |> List.flatten()                         # :lists.flatten/1
 *   |> Enum.take(div(kb * 1024, 16))          # Enum.take_list/2
 *
 * Followed from the compiled code:
 * - `<<rem(i, 256)>>`: a 1-byte heap binary (bs_create_bin, 3 words); `:binary.copy(B, 8)`: a BIF
 *   (1 reduction + bytes/100), an 8-byte heap binary; `:binary.bin_to_list/1`: a BIF building 8
 *   cells (16 words, HAlloc).
 * - `lists:duplicate/3`: tail-recursive, one cell per call behind `test_heap 2`.
 * - `lists:flatten/1` → `do_flatten/2`: `do_flatten([H|T], Tail) when is_list(H) ->
 *   do_flatten(H, do_flatten(T, Tail))` keeps H across the inner call (`allocate 1`: 2 stack
 *   words) and tail-calls after it; `[H|do_flatten(T, Tail)]` keeps H (2 words) and builds its
 *   cell on the way back (`test_heap 2`). The last sublist is flattened first.
 * - `Enum.take_list/2`: `[head | take_list(tail, counter - 1)]`, 2 stack words per level, a cell
 *   per level on the way back.
 * - `allocate N` runs the heap test for its frame words before the stack grows.
 * Liveness as the compiled code keeps it: a list being walked keeps only its unwalked tail (the
 * frames hold heads, small integers here); the duplicated 8-element list stays live while any
 * frame or cell points to it.
 * FREE CHOICES: one reduction per function call and per BIF, as in gen-server-work.
 */
import { allocateTest } from "../kit/allocate.js";
import { binary, Cons, nil, type Frame, type ProcessHeap, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";

type Gen<T> = Generator<Op, T, unknown>;

/** `allocate N`: the heap test for the frame's words, then the stack grows by them. */
function allocate(heap: ProcessHeap, frame: Frame, words: number): void {
  allocateTest(heap, words);
  frame.stackWords += words;
}

/** :lists.duplicate(N, X). */
function* duplicate(ctx: ProcessContext, n: number, x: Term): Gen<Term> {
  const heap = ctx.heap;
  let l: Term = nil;
  for (let k = 0; k < n; k++) {
    yield* ctx.call();
    l = heap.allocCons(x, l);
  }
  yield* ctx.call();
  return l;
}

/** :lists.flatten(L) for a list of flat lists of small integers. */
function* flatten(ctx: ProcessContext, outer: Term): Gen<Term> {
  const heap = ctx.heap;
  const down = heap.pushFrame(0);
  // down the outer list: one frame (H) per element; x0 carries the unwalked tail
  const heads: Term[] = [];
  let rest: Term = outer;
  while (rest instanceof Cons) {
    yield* ctx.call();
    const h = rest.head;
    rest = rest.tail;
    down.set(0, rest);
    allocate(heap, down, 2);
    heads.push(h);
    down.hold(h);
  }
  down.set(0, undefined);
  yield* ctx.call(); // do_flatten([], Tail) -> Tail
  // back up: each level pops its frame and tail-calls do_flatten(H, Acc) on its sublist
  let acc: Term = nil;
  const inner = heap.pushFrame(0);
  for (let k = heads.length - 1; k >= 0; k--) {
    const h = heads[k] as Term;
    down.stackWords -= 2;
    yield* ctx.call();
    inner.set(0, acc);
    inner.set(1, h);
    // [x | do_flatten(t, Acc)] down the sublist, then its cells on the way back
    const xs: Term[] = [];
    for (let c: Term = h; c instanceof Cons; c = c.tail) {
      allocate(heap, inner, 2);
      xs.push(c.head);
      yield* ctx.call();
    }
    for (let j = xs.length - 1; j >= 0; j--) {
      acc = heap.allocCons(xs[j] as Term, acc);
      inner.set(0, acc);
      inner.stackWords -= 2;
    }
    inner.set(1, undefined);
  }
  heap.popFrame(inner);
  heap.popFrame(down);
  return acc;
}

/** Enum.take(List, N) for a list of at least N small integers. */
function* take(ctx: ProcessContext, list: Term, n: number): Gen<Term> {
  const heap = ctx.heap;
  const down = heap.pushFrame(0);
  const xs: Term[] = [];
  let rest: Term = list;
  for (let k = 0; k < n && rest instanceof Cons; k++) {
    yield* ctx.call();
    xs.push(rest.head);
    rest = rest.tail;
    down.set(0, rest);
    allocate(heap, down, 2);
  }
  yield* ctx.call(); // take_list(_, 0) -> []
  down.set(0, undefined);
  let out: Term = nil;
  for (let k = xs.length - 1; k >= 0; k--) {
    out = heap.allocCons(xs[k] as Term, out);
    down.set(0, out);
    down.stackWords -= 2;
  }
  heap.popFrame(down);
  return out;
}

/** process(i) with result_kb = kb, on the calling process's heap. */
export function* processEvent(ctx: ProcessContext, i: number, kb: number): Gen<Term> {
  const heap = ctx.heap;
  // process/2 keeps kb across the pipeline's calls: allocate 1 (2 stack words)
  allocateTest(heap, 2);
  const frame = heap.pushFrame(2);
  const one = ctx.alloc(binary(Uint8Array.of(i % 256)));
  const eight = ctx.binaryCopy(one, 8);
  ctx.bif();
  const bytes = eight.bytes;
  let l8: Term = nil;
  for (let k = bytes.length - 1; k >= 0; k--) l8 = new Cons(bytes[k] as number, l8);
  l8 = heap.allocBif(l8);
  frame.set(0, l8);
  const dup = yield* duplicate(ctx, Math.floor((kb * 1024) / 128), l8);
  // each stage's input is passed in x0 and kept by the callee only as far as it has walked it
  frame.set(0, undefined);
  const flat = yield* flatten(ctx, dup);
  const taken = yield* take(ctx, flat, Math.floor((kb * 1024) / 16));
  heap.popFrame(frame);
  return taken;
}
