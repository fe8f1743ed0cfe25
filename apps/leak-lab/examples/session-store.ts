/**
 * An example user scenario: `leak-lab run apps/leak-lab/examples/session-store.ts`.
 *
 * A `store` process (role "store") receives `{put, Id, Token}` from `clients` client processes
 * (role "client"), one every `period_ms` each; a Token is a refc binary of `token_bytes`.
 * - leak: the store keeps every session it was ever given (nothing expires them);
 * - fix:  the store keeps the newest `max_sessions` and drops the rest.
 *
 * No detector names the leak mode's growth (it is live data, not garbage): compare the modes
 * (`leak-lab compare …`) to see it. The fix rebuilds its list on every put, and the detectors
 * rightly point at the tenured garbage that leaves on the store's old heap.
 *
 * Copy this file, change the workload, run it with `leak-lab run ./my-scenario.ts --set …`.
 * Imports of `@beamlab/*` are served by leak-lab itself: no install next to the file needed.
 */
import { atom, list, makeBinary, nil, Tuple, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { defineScenario, newNode, setRole } from "@beamlab/scenarios";

const PUT = atom("put");

function* client(ctx: ProcessContext, id: number, tokenBytes: number, period: number): Generator<Op, void, unknown> {
  setRole(ctx, "client");
  for (let n = 0; ; n++) {
    const token = makeBinary(ctx.heap, tokenBytes, { fill: n & 0xff });
    ctx.send("store", ctx.alloc(new Tuple([PUT, id * 1_000_000 + n, token])));
    yield* ctx.sleep(period);
  }
}

function* store(ctx: ProcessContext, max: number | null): Generator<Op, void, unknown> {
  setRole(ctx, "store");
  ctx.register("store");
  const f = ctx.heap.pushFrame();
  f.set(0, nil); // the sessions, newest first
  const kept: Term[] = [];
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    kept.unshift(ctx.alloc(new Tuple([m.elements[1] as Term, m.elements[2] as Term])));
    if (max !== null && kept.length > max) kept.length = max; // fix: the oldest expire
    f.set(0, ctx.alloc(list(kept)));
  }
}

export default defineScenario({
  id: "session-store",
  title: "Session store: sessions that never expire",
  description: "A store keeps every session token it receives (leak) or the newest max_sessions (fix).",
  params: [
    { name: "clients", type: "integer", default: 4, min: 1, max: 1000, description: "client processes putting sessions" },
    { name: "token_bytes", type: "bytes", default: 1024, min: 65, max: 1048576, description: "size of each session token (a refc binary when > 64 bytes)" },
    { name: "period_ms", type: "integer", default: 20, min: 1, max: 10000, description: "ms between two puts of one client" },
    { name: "max_sessions", type: "integer", default: 50, min: 1, max: 1000000, description: "sessions the fixed store keeps" },
  ],
  roles: ["store", "client"],
  expects: () => undefined,
  run(opts = {}) {
    const p = opts.params ?? {};
    const fix = opts.mode === "fix";
    const run = newNode(opts, { duration: 2000, interval: 100 });
    run.scheduler.spawn((ctx) => store(ctx, fix ? Number(p.max_sessions) : null), [], { initialCall: "session_store:init/1" });
    for (let i = 0; i < Number(p.clients); i++) {
      run.scheduler.spawn((ctx) => client(ctx, i, Number(p.token_bytes), Number(p.period_ms)), [], { initialCall: "session_client:loop/0" });
    }
    return run;
  },
});
