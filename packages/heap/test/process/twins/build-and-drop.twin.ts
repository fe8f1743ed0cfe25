/**
 * Twin of `build_and_drop/4` (workloads build_and_drop_m100, build_and_drop_m1000,
 * fullsweep_after_0, fullsweep_after_10, fullsweep_after_default) and of `bd_then_hibernate/4`
 * (hibernate_after_build_and_drop):
 *
 *     bd_loop(Rec, I, K, M, Batch, Acc) when I < K ->
 *         _ = build(M, []),                % 2M words, garbage when build returns
 *         Acc1 = [I | Acc],                % 2 live words per iteration
 *         case (I + 1) rem Batch of 0 -> park(Rec); _ -> ok end,
 *         bd_loop(Rec, I + 1, K, M, Batch, Acc1);
 *
 * Stack sizes inferred from the recorded events/checkpoints. Called from build_and_drop/4 (a
 * tail call: bd_loop's frame is the only one): build/2 runs with S = 9, the `[I | Acc]` cons
 * (need 2) is allocated with S = 8, and park/1 in the loop shows 8; the first park shows 6.
 * Called from bd_then_hibernate/4 (not a tail call: one more frame of 3 words): 12, 11, 11.
 */
import { Cons, nil, type Term } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

export interface BdStacks {
  readonly firstPark: number;
  readonly build: number;
  readonly cons: number;
  readonly park: number;
}
export const BD_STACKS: BdStacks = { firstPark: 6, build: 9, cons: 8, park: 8 };
export const BD_IN_HIBERNATE_STACKS: BdStacks = { firstPark: 6, build: 12, cons: 11, park: 11 };

/** The loop; returns Acc (held in the caller's frame by the caller). */
export function bdLoop(t: TwinRun, k: number, m: number, batch: number, s: BdStacks): Term {
  const h = t.heap;
  const f = h.pushFrame();
  let acc: Term = nil;
  f.set(0, acc);
  for (let i = 0; i < k; i++) {
    t.build(m, nil, s.build); // the result is dropped
    h.setStack(s.cons);
    acc = h.alloc(new Cons(i, acc), { need: 2 });
    f.set(0, acc);
    if ((i + 1) % batch === 0) t.park(`batch_${i + 1}`, s.park);
  }
  h.popFrame(f);
  return acc;
}

export function buildAndDropTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const [k = 0, m = 0, batch = 1] = w.params;
  t.park("spawned", BD_STACKS.firstPark);
  bdLoop(t, k, m, batch, BD_STACKS);
  return t;
}
