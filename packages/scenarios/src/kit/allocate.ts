/**
 * `allocate N` (a frame of N y-registers plus the continuation pointer: N + 1 stack words), as
 * OTP 25's x86-64 JIT runs it (erts/emulator/beam/jit/x86/instr_common.cpp, emit_allocate_heap:
 * with NATIVE_ERLANG_STACK the heap test asks for NeedStack words, the y-registers; the CP is
 * pushed by the call, within the S_RESERVED words every heap test keeps), collecting with that
 * need when it fails, before the stack grows. Checked: a gc trace of lists:flatten/1's do_flatten
 * levels (`allocate 1`, 2 stack words each) on `erl +S 1` collects exactly where a test for 1
 * word fails (a test for 2 would have collected one level earlier).
 */
import type { ProcessHeap } from "@beamlab/heap";

/** The heap test of `allocate` for a frame of `frameWords` stack words (y-registers + CP). */
export function allocateTest(heap: ProcessHeap, frameWords: number): void {
  heap.heapTest(frameWords - 1);
}

/** The need `allocate`'s heap test asks for, for a frame of `frameWords` stack words. */
export function allocateNeed(frameWords: number): number {
  return frameWords - 1;
}
