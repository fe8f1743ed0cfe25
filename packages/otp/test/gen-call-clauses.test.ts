/**
 * gen:do_call's two clauses in OTP 25 (stdlib-4.2's gen.beam, read with beam_disasm): a local
 * call with timeout `infinity` monitors plainly and sends `{self(), Mref}` as From (6 heap
 * words); a call with a timeout monitors with `[{alias, demonitor}]` and sends
 * `{self(), [alias | Mref]}` (9 words). Measured on `erl +S 1`: a gen_server whose handle_call
 * runs `erlang:garbage_collect()` keeps 21 live words after `gen_server:call(S, gc, infinity)`
 * (its three dictionary entries, 15, and From), 24 after a call with a timeout; the model gives
 * the same counts (the recorded evidence is gen-server-work's twin, scenarios.json, whose servers
 * land on the BEAM's total heap once From is 6 words).
 */
import { atom, Cons, printTerm, Ref, Tuple, type GcTraceEntry, type Pid, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { GenServer, type GenServerModule } from "../src/index.js";

function fromOf(timeout: number | "infinity"): { from: string; tag: Term; liveAfterGc: number } {
  let from: Term | undefined;
  const live: number[] = [];
  const s = new Scheduler({ onGcTrace: (_p: Pid, e: GcTraceEntry) => { if (e.tag === "gc_major_end") live.push(e.info.heap_size); } });
  const mod: GenServerModule = {
    name: "probe",
    init: (ctx, st) => {
      ctx.put(atom("$beamlab_role"), atom("server"));
      return GenServer.ok(st);
    },
    handleCall: (ctx, _req, f, st) => {
      from = f;
      const fr = ctx.heap.pushFrame(2);
      ctx.heap.garbageCollect();
      ctx.heap.popFrame(fr);
      return GenServer.reply(atom("ok"), st);
    },
  };
  s.spawn(function* (ctx) {
    const srv = ((yield* GenServer.start(ctx, mod, atom("x"), { callbackPathStack: true })) as Tuple).elements[1] as Pid;
    s.traceGc(srv);
    yield* GenServer.call(ctx, srv, atom("gc"), timeout);
  });
  s.run();
  const f = from as Tuple;
  return { from: printTerm(f), tag: f.elements[1] as Term, liveAfterGc: live[0] ?? -1 };
}

describe("gen:call's local infinity clause", () => {
  it("infinity: From is {Pid, Mref} (a plain monitor ref)", () => {
    const r = fromOf("infinity");
    expect(r.tag).toBeInstanceOf(Ref);
    expect(r.from).not.toMatch(/alias/);
  });
  it("a timeout: From is {Pid, [alias | Mref]}, 3 words more", () => {
    const r = fromOf(5000);
    expect(r.tag).toBeInstanceOf(Cons);
    expect(r.from).toMatch(/\[alias\|#Ref</);
    expect(r.liveAfterGc).toBe(fromOf("infinity").liveAfterGc + 3);
  });
});
