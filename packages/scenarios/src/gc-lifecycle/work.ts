/**
 * gc-lifecycle's process body, as OTP 25 compiles its twin (tooling/beam-oracle/twins/gc_lifecycle.escript):
 *
 *   lifecycle(Role, K, M, Keep) ->
 *       twin_report:role(Role),               % put('$beamlab_role', Role): a 3-word tuple
 *       receive go -> ok end,                 % an atom: 0 heap words
 *       _ = loop(K, M, Keep, []),
 *       ok.
 *   loop(0, _M, _Keep, Acc) -> Acc;
 *   loop(K, M, Keep, Acc) ->
 *       _ = build(M, []),                     % 2M words, garbage once build returns
 *       loop(K - 1, M, Keep, build(Keep, Acc)).
 *   build(0, Acc) -> Acc;
 *   build(N, Acc) -> build(N - 1, [N | Acc]).
 *
 * Followed from `erlc -S` of exactly these functions (OTP 25):
 * - lifecycle/4: `allocate 3` (Role's siblings K, M, Keep in y0..y2), the call to role/1, the
 *   receive, then `trim 3`: only its CP (1 word) stays on the stack while loop/4 runs.
 * - loop/4: `allocate 4` (y0 = Acc, y1 = Keep, y2 = M, y3 = K: 5 words with the CP), `call build/2`
 *   with x1 = []; `trim 1` (Acc leaves the frame: 4 words), `call build/2` with x1 = Acc, then
 *   `call_last` (the frame is popped before loop/4 recurses).
 * - build/2: tail-recursive (no frame), `test_heap 2` then one cons per step.
 * So build/2 runs with S = INITIAL_STACK + 1 + 5 = 8 (the garbage) and INITIAL_STACK + 1 + 4 = 7
 * (the kept conses), exactly the stack_size of the recorded events (fixtures/gc_lifecycle.json).
 * Roots, as the code keeps them: during the garbage build, Acc (y0) and the list being built (x1);
 * during the kept build, the list being built (x1, whose tail is Acc). Everything else is immediate.
 * FREE CHOICES: none in heap words. Reductions: one per function call (build/2 and loop/4 steps),
 * which only decides where the process may be preempted, not what it allocates.
 */
import { nil, type Term } from "@beamlab/heap";
import { ROLE_KEY, type Op, type ProcessContext } from "@beamlab/scheduler";

/**
 * Stack words of a fresh process before its first frame, measured: the recorded events show
 * build/2 in loop/4 with 8 = 2 + 1 (lifecycle's trimmed frame) + 5 (loop's frame), and the heap
 * package's gc_traces twins show the same 2 under heap_growth/2's frame (S = 4).
 */
export const INITIAL_STACK = 2;
/** lifecycle/4's frame while loop/4 runs (after `trim 3`): its CP. */
const LIFECYCLE_FRAME = 1;
/** loop/4's frame: `allocate 4` + CP; after `trim 1`, 3 y-registers + CP. */
const LOOP_FRAME = 5;
const LOOP_FRAME_TRIMMED = 4;

/** The work of one gc-lifecycle process: K iterations of M conses dropped and Keep conses kept. */
export interface LifecycleWork {
  readonly iterations: number;
  readonly garbage: number;
  readonly keep: number;
}

/** `build(N, Acc)` on the running process's heap, with `stack` GC-visible stack words. */
function* build(ctx: ProcessContext, n: number, acc: Term, stack: number): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  heap.setStack(stack);
  const x = heap.pushFrame(0);
  let list = acc;
  x.set(0, list);
  for (let i = n; i >= 1; i--) {
    yield* ctx.call();
    list = heap.allocCons(i, list, 2);
    x.set(0, list);
  }
  yield* ctx.call(); // build(0, Acc)
  heap.popFrame(x);
  return list;
}

/**
 * The body: spawned with the arguments `[Role, K, M, Keep]` (an atom and three small integers:
 * 8 words on the new heap, as spawn_opt/4 copies them). Tags itself, waits for `go`, runs the
 * loop and exits normally.
 */
export function* lifecycle(ctx: ProcessContext, role: Term, k: Term, m: Term, keep: Term): Generator<Op, void, unknown> {
  ctx.put(ROLE_KEY, role);
  yield* ctx.receive();
  const heap = ctx.heap;
  const y = heap.pushFrame(0); // y0 = Acc while the garbage is built
  let acc: Term = nil;
  for (let i = k as number; i > 0; i--) {
    yield* ctx.call();
    y.set(0, acc);
    yield* build(ctx, m as number, nil, INITIAL_STACK + LIFECYCLE_FRAME + LOOP_FRAME);
    y.set(0, undefined); // trim 1: Acc leaves the frame (it is in x1, the tail of the kept build)
    acc = yield* build(ctx, keep as number, acc, INITIAL_STACK + LIFECYCLE_FRAME + LOOP_FRAME_TRIMMED);
  }
  heap.popFrame(y);
}
