/**
 * Twins of `explicit_gc_self/1` and `explicit_gc_external/1`:
 *
 *     L = build(2000, []),  Tail = lists:nthtail(1500, L),   % Tail: 1000 live words
 *     park(Rec),                                             % "dropped"
 *     erlang:garbage_collect(),                              % self: a major, need 0
 *     park(Rec),                                             % "after_major"
 *     _ = build(1000, []),                                   % 2000 words of garbage
 *     park(Rec),                                             % "garbage"
 *     erlang:garbage_collect(self(), [{type, minor}]),       % self: a minor, need 0
 *     park(Rec).                                             % "after_minor"
 *
 * The external variant parks instead and the recorder calls erlang:garbage_collect(Pid[, Opts]).
 * Stacks inferred from the recording: builds S = 5; `erlang:garbage_collect()` runs with S = 5,
 * `garbage_collect(self(), [{type, minor}])` with S = 10 (it goes through erts_internal code,
 * which allocates 4 words before the GC: the minor_start's heap_size is 4 above the checkpoint's);
 * an external GC runs with the parked stack (4 before the garbage build, 3 after it).
 */
import { Tag, nil, type Term } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

/** `lists:nthtail(N, L)`: no allocation. */
function nthtail(n: number, l: Term): Term {
  let c = l;
  for (let i = 0; i < n; i++) {
    if (typeof c !== "object" || c.tag !== Tag.Cons) throw new Error("nthtail: list too short");
    c = (c).tail;
  }
  return c;
}

export function explicitGcSelfTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const h = t.heap;
  const f = h.pushFrame();
  t.park("spawned", 4);
  f.hold(nthtail(1500, t.build(2000, nil, 5)));
  t.park("dropped", 4);
  h.setStack(5);
  h.garbageCollect();
  t.park("after_major", 4);
  t.build(1000, nil, 5);
  t.park("garbage", 4);
  h.setStack(10);
  h.allocGarbage(4); // the call path allocates 4 words before collecting (recorded: heap_size + 4)
  h.garbageCollect({ type: "minor" });
  t.park("after_minor", 3);
  h.popFrame(f);
  return t;
}

export function explicitGcExternalTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const h = t.heap;
  const f = h.pushFrame();
  t.park("spawned", 4);
  f.hold(nthtail(1500, t.build(2000, nil, 5)));
  t.park("dropped", 4);
  h.garbageCollect(); // from outside, parked with S = 4
  t.park("after_major", 4);
  t.build(1000, nil, 5);
  t.park("garbage", 3);
  h.garbageCollect({ type: "minor" });
  t.park("after_minor", 3);
  h.garbageCollect({ type: "minor" });
  t.park("after_second_minor", 3);
  h.popFrame(f);
  return t;
}
