/**
 * Twins of the long-lived servers (long_lived_server: `server/1` with a cache rebuilt every
 * 10th request; long_lived_server_no_cache: `server_no_cache/1` with a 3-word state tuple):
 *
 *     server_loop(Rec, Count, Cache) ->
 *         receive request ->
 *             Tmp = build(250, []),                  % 500 words, dead after the reply
 *             Rec ! length(Tmp) + length(Cache),     % 0 words
 *             Cache1 = case Count rem 10 of 9 -> build(20, []); _ -> Cache end,
 *             server_loop(Rec, Count + 1, Cache1)
 *
 *     nc_loop(Rec, State) ->
 *         receive request ->
 *             Tmp = build(250, []),
 *             {Count, Total} = State, Total1 = Total + length(Tmp),
 *             Rec ! Total1,
 *             nc_loop(Rec, {Count + 1, Total1})      % a 3-word tuple (need 3)
 *
 * The request and the reply are atoms / small integers: nothing is copied. Tenured garbage comes
 * out of the model: whatever is live at a GC (a partially built Tmp, the cache, the state) is
 * promoted at its second GC and stays on the old heap until a major.
 * Stacks inferred from the recording: every build runs with S = 6; the state tuple is allocated
 * with S = 5 (never seen to collect); checkpoints are taken in the receive with S = 4. The
 * request count and checkpoint spacing are the recorder's protocol (its checkpoint labels).
 */
import { markLiteral, nil, Tuple, type Term } from "../../../src/index.js";
import { TwinRun, type FixtureWorkload } from "./runtime.js";

function checkpointsOf(w: FixtureWorkload): Map<number, string> {
  const m = new Map<number, string>();
  for (const c of w.checkpoints) {
    const n = c.params.requests;
    if (n !== undefined && n > 0) m.set(n, c.label);
  }
  return m;
}

export function serverTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const h = t.heap;
  const cps = checkpointsOf(w);
  const total = Math.max(...cps.keys());
  const f = h.pushFrame();
  let cache: Term = nil;
  t.park("spawned", 4);
  for (let count = 0; count < total; count++) {
    const tmp = f.hold(t.build(250, nil, 6));
    f.release(tmp); // dead after length(Tmp)
    if (count % 10 === 9) {
      f.release(cache);
      cache = f.hold(t.build(20, nil, 6));
    }
    const label = cps.get(count + 1);
    if (label !== undefined) t.park(label, 4);
  }
  h.popFrame(f);
  return t;
}

export function serverNoCacheTwin(w: FixtureWorkload, traced: boolean): TwinRun {
  const t = new TwinRun(w, traced);
  const h = t.heap;
  const cps = checkpointsOf(w);
  const total = Math.max(...cps.keys());
  const f = h.pushFrame();
  let state: Term = markLiteral(new Tuple([0, 0]));
  f.hold(state);
  t.park("spawned", 4);
  for (let count = 0; count < total; count++) {
    const tmp = f.hold(t.build(250, nil, 6));
    f.release(tmp);
    h.setStack(5);
    const next = h.alloc(new Tuple([count + 1, 250 * (count + 1)]), { need: 3 });
    f.release(state);
    state = f.hold(next);
    const label = cps.get(count + 1);
    if (label !== undefined) t.park(label, 4);
  }
  h.popFrame(f);
  return t;
}
