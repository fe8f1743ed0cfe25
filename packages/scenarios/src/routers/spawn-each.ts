/**
 * main/1's spawning comprehensions, `[spawn(fun() -> … end) || X <- L]` and
 * `[spawn_monitor(fun() -> … end) || X <- L]`, as erlc -S compiles them for the routers twin.
 *
 * Owns: {@link spawnEach}. Per element (erlc -S of twins/routers.escript): `allocate_heap`
 * (the level's frame, and a heap test for the fun: `{funs, 1}` plus its free variables),
 * `make_fun3` (the fun on the driver's heap: garbage once spawned), `call_ext erlang:spawn/1`
 * (or spawn_monitor/1, whose `{Pid, Ref}` lands on the heap), `trim` to one y-register (the
 * result), the recursive `call`; on the way back `test_heap 2` + `put_list` and `deallocate` +
 * `return`. The driver's stack grows by a 2-word frame per element while it spawns.
 * Reductions: 5 per element, measured (fixtures/spawn_heap.json `reductions_per_element`, the
 * same three shapes at 10 and 20 elements): the recursive call, the call to spawn/1 (or
 * spawn_monitor/1), the BIF it calls, the spawn itself and the level's return.
 * Why it matters: the driver is preempted every 4,000 reductions, so the processes it has
 * spawned so far run between its slices — which producers run before which routers time out.
 * Invariant: the returned list is on the driver's heap; every level's frame is popped.
 */
import { Cons, nil, type Frame, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { ret } from "../kit/return.js";

/** Words of a local fun without free variables (ERL_FUN_SIZE, OTP 25). */
const FUN_WORDS = 5;
/** The frame a level keeps across its recursive call after `trim`: one y-register + the CP. */
const LEVEL_FRAME = 2;

export interface SpawnLevel {
  /** y-registers of the level's `allocate_heap` (before its `trim` to 1). */
  readonly yRegs: number;
  /** Free variables of the fun `make_fun3` builds. */
  readonly freeVariables: number;
  /** The spawn BIF on element `x` (it charges its own reduction); the term the level keeps. */
  readonly spawn: (ctx: ProcessContext, x: Term) => Term;
}

/** `[spawn…(fun() -> … end) || X <- List]`: the list of what each spawn returned. */
export function* spawnEach(ctx: ProcessContext, list: Term, level: SpawnLevel): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  const funWords = FUN_WORDS + level.freeVariables;
  yield* ctx.call(); // call '-main/1-lc$^N/1-M-'
  const frames: Frame[] = [];
  const x = heap.pushFrame(0); // x0: the rest of the list
  let rest = list;
  while (rest instanceof Cons) {
    const elem = rest.head;
    rest = rest.tail;
    x.set(0, rest);
    heap.heapTest(level.yRegs + funWords); // allocate_heap Y, {words, funs 1}
    const f = heap.pushFrame(level.yRegs + 1);
    f.set(0, rest);
    heap.allocGarbage(funWords); // make_fun3: the fun, copied to the child by spawn
    yield* ctx.call(); // call_ext erlang:spawn/1 (or spawn_monitor/1)
    ctx.chargeCalls(1); // its call of the spawn BIF
    const kept = level.spawn(ctx, elem);
    f.stackWords = LEVEL_FRAME; // trim
    f.set(0, kept);
    frames.push(f);
    yield* ctx.call(); // the recursive call
  }
  x.set(0, undefined);
  yield* ret(ctx); // the [] clause's return
  let result: Term = nil;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i] as Frame;
    result = heap.allocCons(f.get(0) as Term, result, 2); // test_heap 2, put_list
    heap.popFrame(f);
    yield* ret(ctx); // deallocate, return
  }
  heap.popFrame(x);
  return result;
}
