/**
 * OTP emits telemetry: `[beamlab, supervisor, restart]` for every restart a supervisor makes and
 * `[beamlab, proc_lib, crash_report]` when a proc_lib process crashes (the events issue #7 asks
 * every layer to emit).
 */
import { atom, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { EVENTS, TelemetryBus, type Metadata } from "@beamlab/telemetry";
import { describe, expect, it } from "vitest";
import { GenServer, Supervisor, type Gen } from "../src/index.js";

const a = atom;
const worker: GenServer.GenServerModule = {
  name: "worker",
  init: (_ctx, arg) => GenServer.ok(arg),
  handleCall: (_c, req, _f, s) => {
    if (req === a("crash")) throw new Error("boom");
    return GenServer.reply(a("ok"), s);
  },
};
const startWorker = (ctx: ProcessContext, arg: Term): Gen<Term> => GenServer.startLink(ctx, worker, arg);

describe("OTP telemetry events", () => {
  it("a supervisor restarting a crashed child emits supervisor.restart, and the crash a crash report", () => {
    const bus = new TelemetryBus();
    const seen: { event: string; meta: Metadata }[] = [];
    bus.attachMany("t", [EVENTS.supervisor.restart, EVENTS.procLib.crashReport], (e, _m, meta) => seen.push({ event: e.join("."), meta }));
    const s = new Scheduler({ seed: 1, telemetry: bus });
    let sup: Pid | undefined;
    s.spawn(function* main(ctx: ProcessContext) {
      ctx.trapExit(true);
      const r = (yield* Supervisor.startLink(ctx, { name: "sup", init: () => ({ flags: { strategy: "one_for_one", intensity: 5, period: 10 }, children: [{ id: a("w1"), start: { fn: startWorker, args: [a("state")], module: "worker" } }] }) })) as Tuple;
      sup = r.elements[1] as Pid;
      const child = (yield* Supervisor.whichChildren(ctx, sup)) as { head: Tuple };
      const w = child.head.elements[1] as Pid;
      try {
        yield* GenServer.call(ctx, w, a("crash"));
      } catch {
        // the call fails with the server's exit
      }
      yield* ctx.receive(() => false, { after: 100 });
    });
    s.run();
    expect(sup).toBeDefined();
    const restarts = seen.filter((x) => x.event === "beamlab.supervisor.restart");
    expect(restarts).toHaveLength(1);
    expect(restarts[0]!.meta).toMatchObject({ supervisor: printTerm(sup!), child_id: "w1", strategy: "one_for_one", failed: false });
    expect(seen.filter((x) => x.event === "beamlab.proc_lib.crash_report").length).toBeGreaterThanOrEqual(1);
  });

  it("emits nothing and costs nothing without a bus", () => {
    const s = new Scheduler({ seed: 1 });
    expect(s.telemetry).toBeUndefined();
  });
});
