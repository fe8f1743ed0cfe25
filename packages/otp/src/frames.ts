/**
 * Stack frames of compiled Erlang code as OTP 25's x86-64 JIT runs it, for the paths the otp
 * models transliterate instruction by instruction (beam_disasm).
 *
 * Owns: the stack words and the heap test of a `call` + `allocate Y` (`callAllocate`), of an
 * `allocate Y` in a function reached by a tail call (`allocateIn`), and of `allocate_heap 0, H`
 * (`allocateHeapTest`), and a function entry's reduction (`callAt`).
 * Rules, measured on `erl +S 1` (dynsup_memory's supervisor; stack words at each function's
 * entry taken from `{message, {process_dump}}` trace match specs, collections from gc traces):
 *  - a `call` pushes the return address: a function's entry stack counts it (1 word);
 *  - `allocate Y` tests the heap for Y words before the y registers are pushed; `test_heap`
 *    tests with the frame as it is;
 *  - a collection a heap test triggers reports one word more than the stack the code had: the
 *    JIT enters it through a native call (fragment_call(garbage_collect), x86-64 with the
 *    native Erlang stack) whose return address is on the stack. The heap package's heap test
 *    counts that word (S_RESERVED − 1 against the stack it is given), so while compiled code
 *    runs, a model's stack is the BEAM's stack + 1 (e.g. Keyword.fetch/2 entered at 38 collects
 *    in its `allocate 1` at stack_size 39, try_handle_call/4 entered at 16 at 17, gen_server's
 *    handle_msg/6 entered at 5 at 6). A process waiting in `receive` has no such word (its
 *    process_info stack_size is the stack itself: gen_server's loop waits at 11).
 * Invariant: each helper leaves `frame.stackWords` at the words the frame holds after the
 * instruction (return address included where the helper pushed it).
 */
import type { Frame, ProcessHeap } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import type { Gen } from "./common.js";

/** The words erlang:process_info/2 reserves for a single item's `{Item, Value}` (HAlloc). */
const PROCESS_INFO_RESERVE = 3;
/** HAlloc places a BIF's words on the heap only with this many more free (the kit's BIFs: the
 * same 3 words short of the free space a heap test sees). */
const HALLOC_MARGIN = 3;

/**
 * A `call` of proc_lib:get_my_name/0 from `frame`: its `allocate 0` (a heap test for 0 words),
 * then the `call` of proc_info/2 (its return address), whose tail call of the
 * erlang:process_info(self(), registered_name) BIF tests the heap for 0 words at that depth; the
 * BIF answers `[]` for an unregistered caller (nothing left on the heap) and builds
 * `{registered_name, Name}` (3 words, HAlloc: on the heap or in a fragment; garbage once
 * get_my_name took the name) for a registered one. Recorded: get_my_name_gc.json (a sweep of
 * the free space before proc_lib:spawn_opt/4: with 2 words free at get_my_name's depth its
 * allocate 0 collects, with 2 free one word deeper the BIF call does, and a registered caller's
 * tuple goes to a fragment below 6 free words without a collection after the BIF); it is where
 * agent-vs-task's leak supervisor collects once (stack 39, 2 words free). The name itself is
 * read from the scheduler by the callers.
 */
export function callGetMyName(heap: ProcessHeap, frame: Frame, registered: boolean): void {
  frame.stackWords += 1;
  allocateIn(heap, frame, 0);
  frame.stackWords += 1; // proc_info/2's return address
  heap.heapTest(0);
  if (registered) {
    heap.allocBifGarbage(PROCESS_INFO_RESERVE, { reserve: HALLOC_MARGIN });
    heap.safePoint();
  }
  frame.stackWords -= 2;
}

/**
 * `allocate Y` in `frame` (whose words so far are the function's entry stack above the frame's
 * base): the heap test, then the y registers.
 */
export function allocateIn(heap: ProcessHeap, frame: Frame, yRegs: number): void {
  heap.heapTest(yRegs);
  frame.stackWords += yRegs;
}

/** A `call` to a function that starts with `allocate Y`: its frame (return address + Y). */
export function callAllocate(heap: ProcessHeap, yRegs: number): Frame {
  const f = heap.pushFrame(1);
  allocateIn(heap, f, yRegs);
  return f;
}

/** `allocate_heap 0, H` (e.g. gen:reply/2's `{Tag, Reply}`): the heap test for H words; the
 * words are then placed by the caller's alloc (its own test passes). */
export function allocateHeapTest(heap: ProcessHeap, words: number): void {
  heap.heapTest(words);
}

/**
 * A function's entry in compiled code: one reduction, and the process is scheduled out there
 * when none is left (e.g. the 5 that remove_message leaves when a received message's fragment
 * makes a collection desirable: the collection then runs as it is switched out, at the entry's
 * stack — without the word a heap test's collection adds, see the header). `frame` is the frame the
 * entry stack is counted in.
 */
export function* callAt(ctx: ProcessContext, frame: Frame): Gen<void> {
  frame.stackWords -= 1;
  yield* ctx.call();
  frame.stackWords += 1;
}
