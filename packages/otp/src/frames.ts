/**
 * Stack frames of compiled Erlang code as OTP 25's x86-64 JIT runs it, for the paths the otp
 * models transliterate instruction by instruction (beam_disasm).
 *
 * Owns: the stack words and the heap test of a `call` + `allocate Y` (`callAllocate`), of an
 * `allocate Y` in a function reached by a tail call (`allocateIn`), and of `allocate_heap 0, H`
 * (`allocateHeapTest`).
 * Rules, measured on `erl +S 1` (dynsup_memory's supervisor; stack words at each function's
 * entry taken from `{message, {process_dump}}` trace match specs, collections from gc traces):
 *  - a `call` pushes the return address: a function's entry stack counts it (1 word);
 *  - `allocate Y` tests the heap for Y words (plus S_RESERVED, as every heap test) before the
 *    y registers are pushed, and a collection there reports the entry stack plus one word
 *    (e.g. Keyword.fetch/2's `allocate 1` entered at 38 collects at stack_size 39,
 *    gen_server:try_handle_call/4's `allocate 3` entered at 16 at 17);
 *  - a `test_heap` inside the function reports the frame as it is (entry + Y).
 * Invariant: each helper leaves `frame.stackWords` at the words the frame holds after the
 * instruction (return address included where the helper pushed it).
 */
import type { Frame, ProcessHeap } from "@beamlab/heap";

/** The word a collection at `allocate` reports beyond the entry stack (see the header). */
const ALLOCATE_TEST_EXTRA = 1;

/**
 * `allocate Y` in `frame` (whose words so far are the function's entry stack above the frame's
 * base): the heap test, then the y registers.
 */
export function allocateIn(heap: ProcessHeap, frame: Frame, yRegs: number): void {
  frame.stackWords += ALLOCATE_TEST_EXTRA;
  heap.heapTest(yRegs);
  frame.stackWords += yRegs - ALLOCATE_TEST_EXTRA;
}

/** A `call` to a function that starts with `allocate Y`: its frame (return address + Y). */
export function callAllocate(heap: ProcessHeap, yRegs: number): Frame {
  const f = heap.pushFrame(1);
  allocateIn(heap, f, yRegs);
  return f;
}

/** `allocate_heap 0, H` (e.g. gen:reply/2's `{Tag, Reply}`): the heap test for H words, reported
 * like `allocate`'s; the words are then placed by the caller's alloc (its own test passes). */
export function allocateHeapTest(heap: ProcessHeap, frame: Frame, words: number): void {
  frame.stackWords += ALLOCATE_TEST_EXTRA;
  heap.heapTest(words);
  frame.stackWords -= ALLOCATE_TEST_EXTRA;
}
