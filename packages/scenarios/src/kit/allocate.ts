/**
 * `allocate N` (a frame of N y-registers plus the continuation pointer: N + 1 stack words), as
 * OTP 25's x86-64 JIT runs it (erts/emulator/beam/jit/x86/instr_common.cpp, emit_allocate_heap:
 * with NATIVE_ERLANG_STACK the heap test asks for NeedStack words, the y-registers; the CP is
 * pushed by the call, within the S_RESERVED words every heap test keeps), collecting with that
 * need when it fails, before the stack grows. Checked: a gc trace of lists:flatten/1's do_flatten
 * levels (`allocate 1`, 2 stack words each) on `erl +S 1` collects exactly where a test for 1
 * word fails (a test for 2 would have collected one level earlier).
 */
import type { Frame, ProcessHeap } from "@beamlab/heap";

/** The heap test of `allocate` for a frame of `frameWords` stack words (y-registers + CP). */
export function allocateTest(heap: ProcessHeap, frameWords: number): void {
  heap.heapTest(frameWords - 1);
}

/** The need `allocate`'s heap test asks for, for a frame of `frameWords` stack words. */
export function allocateNeed(frameWords: number): number {
  return frameWords - 1;
}

/**
 * `allocate Y` in a function reached by a `call`, for a kit block that keeps its levels in one
 * growing frame: the return address the call pushed is on the stack before the heap test (a
 * collection there reports it in stack_size), then the test for the y-registers less the one
 * word the return address already took (the same collection point as {@link allocateTest}),
 * then the y-registers. Measured: kit_blocks.json's map and flatten workloads, whose level
 * collections report the BEAM's stack_size only with the return address counted.
 */
export function allocateFrame(heap: ProcessHeap, frame: Frame, yRegs: number): void {
  frame.stackWords += 1;
  if (yRegs > 0) heap.heapTest(yRegs);
  frame.stackWords += yRegs;
}
