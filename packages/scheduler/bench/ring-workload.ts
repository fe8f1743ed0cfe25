/**
 * The ring workload every ring benchmark runs (ring.ts, telemetry-overhead.ts, rivals/beamlab.ts):
 * R processes in a ring pass a token H hops; each hop decrements it and the process that
 * receives 0 stops. `buildRing` spawns and links up the ring (run to quiescence); `startToken`
 * sends the token and returns when (real time) the last hop happened.
 */
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import { tagged, type ProcessContext, type Scheduler } from "@beamlab/scheduler";

export interface Ring {
  readonly last: Pid;
  /** performance.now() when the token reached 0 (0 until then). */
  doneAt(): number;
}

export function buildRing(s: Scheduler, r: number): Ring {
  let doneAt = 0;
  function* node(ctx: ProcessContext, next0: Term) {
    let next = next0 as Pid;
    if (next === ctx.self) next = ((yield* ctx.receive(tagged("next", 2))) as Tuple).elements[1] as Pid;
    for (;;) {
      const k = (yield* ctx.receive()) as number;
      if (k === 0) {
        doneAt = performance.now();
        return;
      }
      ctx.send(next, k - 1);
      yield* ctx.call();
    }
  }
  const first = s.spawn(function* (ctx: ProcessContext) {
    yield* node(ctx, ctx.self);
  });
  let last = first;
  for (let i = 2; i <= r; i++) last = s.spawn(node, [last]);
  s.send(first, new Tuple([atom("next"), last]));
  s.run();
  return { last, doneAt: () => doneAt };
}
