/**
 * Twins of `hibernator/2` (hibernate_list_N) and `bd_then_hibernate/4`
 * (hibernate_after_build_and_drop):
 *
 *     L = build(N, []),                                  % or Acc = bd_loop(…)
 *     Rec ! parked,
 *     erlang:hibernate(?MODULE, hib_wake, [L, Rec]).     % checkpoint "hibernated"
 *     hib_wake(L, Rec) ->                                % wakes with an empty stack
 *         receive continue -> ok end,
 *         T = build(10, []),                             % 20 words, live
 *         park(Rec),                                     % checkpoint "woken"
 *         {L, T}.
 *
 * The argument list `[L, Rec]` (2 conses, 4 words) is built before the call and is what
 * hibernate keeps. Stacks inferred from the recording: build(N) S = 5, after waking build(10)
 * runs with S = 2 and park shows 4; hibernated processes show 1.
 */
import { list, nil, type Term } from "../../../src/index.js";
import { BD_IN_HIBERNATE_STACKS, bdLoop } from "./build-and-drop.twin.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

function hibernateAndWake(t: TwinRun, live: Term, stackAtCall: number): void {
  const h = t.heap;
  h.setStack(stackAtCall);
  const args = h.alloc(list([live, 0]), { need: 4 });
  h.hibernate([args]);
  t.park("hibernated", 1);
  // hib_wake(L, Rec): the arguments are in registers, then in its frame.
  const f = h.pushFrame();
  f.hold(live);
  f.hold(t.build(10, nil, 2));
  t.park("woken", 4);
  h.popFrame(f);
}

export function hibernatorTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const n = w.params[0] ?? 0;
  t.park("spawned", 4);
  const l = t.build(n, nil, 5);
  hibernateAndWake(t, l, 5);
  return t;
}

export function bdThenHibernateTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const [k = 0, m = 0, batch = 1] = w.params;
  t.park("spawned", BD_IN_HIBERNATE_STACKS.firstPark);
  const acc = bdLoop(t, k, m, batch, BD_IN_HIBERNATE_STACKS);
  hibernateAndWake(t, acc, 6);
  return t;
}
