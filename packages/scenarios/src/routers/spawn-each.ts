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
 * The driver is switched out at any of three calls: the level's, spawn/1's (spawn_monitor/1's)
 * and the spawn BIF's export — there the call is charged again when it is scheduled back in
 * (ProcessContext.callBif, fixtures/bif_preempt.json).
 * Why it matters: the driver is preempted every 4,000 reductions, so the processes it has
 * spawned so far run between its slices — which producers run before which routers time out.
 * Invariant: the returned list is on the driver's heap; every level's frame is popped.
 */
import { Cons, markLiteral, nil, Tuple, type Frame, type LocalFun, type Term } from "@beamlab/heap";
import { BIF_CALL_STACK_WORDS, type Op, type ProcessContext } from "@beamlab/scheduler";
import { RETURN_ADDRESS_WORDS } from "../kit/lists.js";
import { ret } from "../kit/return.js";

/** Words of a local fun without free variables (ERL_FUN_SIZE, OTP 25). */
const FUN_WORDS = 5;
/**
 * erlang:spawn/1 and spawn_monitor/1 are Erlang code in OTP 25's erlang.erl
 * (`erlang:spawn(erlang, apply, [F, []])`, `erlang:spawn_opt(erlang, apply, [F, []], [monitor])`):
 * `[F, []]` is one new cell in front of the literal `[[]]` — 2 words on the caller's heap per
 * spawn (measured: a gc trace of each comprehension grows the heap by the fun + 2 words per level,
 * + 6 for spawn_monitor's {Pid, Ref}; fixtures/spawn_heap.json `caller_words_per_element`).
 */
const SPAWN_ARGS_TAIL = markLiteral(new Cons(nil, nil));

/**
 * Stack words the spawn BIF's HAlloc sees below the level's frame: those of any BIF call
 * (BIF_CALL_STACK_WORDS) and the return address of the `call_ext erlang:spawn_monitor/1` whose
 * tail call reached the BIF. Measured: the driver's gc trace (fixtures/routers_driver_gc.json)
 * has both words of the result in a fragment with 6 words free (model frames), and the ref on
 * the heap and the tuple in a fragment with 9: 4 ≤ this ≤ 6.
 */
const SPAWN_BIF_STACK_WORDS = BIF_CALL_STACK_WORDS + RETURN_ADDRESS_WORDS;

/** The frame a level keeps across its recursive call after `trim`: one y-register + the CP. */
const LEVEL_FRAME = 2;

export interface SpawnLevel {
  /** y-registers of the level's `allocate_heap` (before its `trim` to 1). */
  readonly yRegs: number;
  /** The fun `make_fun3` builds for element `x` (its free variables: immediates here). */
  readonly fun: (x: Term) => LocalFun;
  /** The spawn BIF on element `x` with that fun (it charges its own reduction); the term the level keeps. */
  readonly spawn: (ctx: ProcessContext, x: Term, fun: LocalFun) => Term;
  /** "halloc": that term is the BIF's result, not yet placed (spawn_monitor's {Pid, Ref}). */
  readonly result?: "immediate" | "halloc";
}

/** `[spawn…(fun() -> … end) || X <- List]`: the list of what each spawn returned. */
export function* spawnEach(ctx: ProcessContext, list: Term, level: SpawnLevel): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  yield* ctx.call(); // call '-main/1-lc$^N/1-M-'
  const frames: Frame[] = [];
  const x = heap.pushFrame(0); // x0: the rest of the list
  let rest = list;
  while (rest instanceof Cons) {
    const cell: Cons = rest;
    const elem = cell.head;
    x.set(0, cell); // the level's argument: its own cell is live until get_list
    const f = heap.pushFrame(RETURN_ADDRESS_WORDS); // the return address its call pushed
    const funWords = FUN_WORDS + level.fun(elem).free.length;
    heap.heapTest(level.yRegs + funWords); // allocate_heap Y, {words, funs 1}
    f.stackWords += level.yRegs;
    rest = cell.tail;
    x.set(0, rest);
    f.set(0, rest);
    // make_fun3: the fun (its words reserved by allocate_heap), live in x0 until the spawn
    const fun = x.hold(heap.alloc(level.fun(elem), { need: 0 }));
    yield* ctx.call(); // call_ext erlang:spawn/1 (or spawn_monitor/1)
    const inSpawn = heap.pushFrame(RETURN_ADDRESS_WORDS);
    heap.alloc(new Cons(fun, SPAWN_ARGS_TAIL)); // their [F, []]: test_heap 2, put_list onto the literal [[]]
    heap.popFrame(inSpawn);
    yield* ctx.callBif(); // its call_ext_only of the spawn BIF (spawn/3, spawn_opt/4): switched out there when it took the last reduction, and charged again
    const kept = level.spawn(ctx, elem, fun);
    x.release(fun);
    if (level.result === "halloc" && kept instanceof Tuple) {
      // spawn_monitor's {Pid, Ref}: erl_create_process makes the ref (HAlloc, 3 words), then
      // the BIF the tuple (HAlloc, 3 words) — each on the heap when it fits below the stack
      // the BIF call holds, else in a heap fragment — then the check of a BIF called through
      // its export (a collection only when the fragments do not fit the free words).
      for (const t of [kept.elements[1] as Term, kept]) heap.allocBif(t, { check: false, reserve: SPAWN_BIF_STACK_WORDS });
      ctx.afterCallBif(kept);
    }
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
