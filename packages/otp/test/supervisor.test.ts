/**
 * Ports of OTP's lib/stdlib/test/supervisor_SUITE.erl (OTP 25). The suite's child module
 * (supervisor_1) is `worker` below: a gen_server started by `startWorker(Mode)`; children are
 * crashed with exit(Pid, Reason) as the suite does (terminate_pid/2, exit(Pid, abnormal)).
 */
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, type Gen, checkChildSpec, ChildSpecError, GenServer, reports, Supervisor, type ChildSpec, type SupFlags } from "../src/index.js";
import { catching, p, runMain } from "./helpers.js";

const a = atom;
const t = (...e: Term[]): Tuple => new Tuple(e);

const worker: GenServer.GenServerModule = {
  name: "supervisor_1",
  init(ctx, mode) {
    if (mode === a("trap")) ctx.trapExit(true);
    if (mode === a("ignore")) return A.ignore;
    if (mode === a("error")) return t(A.stop, a("error"));
    return GenServer.ok(mode);
  },
  handleCall: (_c, _r, _f, s) => GenServer.reply(A.ok, s),
  handleInfo: (_c, _m, s) => GenServer.noreply(s), // a trapping worker ignores 'EXIT': it never stops by itself
};
const startWorker = (ctx: ProcessContext, mode: Term): Gen<Term> => GenServer.startLink(ctx, worker, mode);

/** supervisor_1's `hang` child: traps exits and never stops by itself (a gen_server would stop on its parent's 'EXIT'). */
const startHang = (ctx: ProcessContext): Term =>
  t(
    A.ok,
    ctx.spawnLink(function* hang(c: ProcessContext) {
      c.trapExit(true);
      for (;;) yield* c.receive();
    }),
  );

function spec(id: string, o: Partial<ChildSpec> & { mode?: string } = {}): ChildSpec {
  return { id: a(id), start: { fn: startWorker, args: [a(o.mode ?? "normal")], module: "supervisor_1" }, ...o };
}
function sup(flags: SupFlags, children: ChildSpec[]): Supervisor.SupervisorModule {
  return { name: "supervisor_SUITE", init: () => ({ flags, children }) };
}
function* startSup(ctx: ProcessContext, flags: SupFlags, children: ChildSpec[]): Gen<Pid> {
  const r = (yield* Supervisor.startLink(ctx, sup(flags, children))) as Tuple;
  return r.elements[1] as Pid;
}
function* kids(ctx: ProcessContext, s: Pid): Gen<Map<string, Term>> {
  const l = (yield* Supervisor.whichChildren(ctx, s));
  const m = new Map<string, Term>();
  let c = l as { head?: Term; tail?: Term };
  while (c.head !== undefined) {
    const e = (c.head as Tuple).elements;
    m.set(p(e[0] as Term), e[1] as Term);
    c = c.tail as { head?: Term; tail?: Term };
  }
  return m;
}

describe("supervisor_SUITE", () => {
  it("ports supervisor_SUITE:sup_start_normal / sup_start_ignore_init / sup_start_fail", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      log.push(p(yield* Supervisor.startLink(ctx, sup({ strategy: "one_for_one" }, []))));
      log.push(p(yield* Supervisor.startLink(ctx, { name: "s", init: () => "ignore" })));
      log.push(p(yield* Supervisor.startLink(ctx, sup({}, [spec("child1"), spec("child2", { mode: "error" })]))));
    });
    expect(log[0]).toMatch(/^\{ok,<0\.\d+\.0>\}$/);
    expect(log[1]).toBe("ignore");
    expect(log[2]).toBe("{error,{shutdown,{failed_to_start_child,child2,error}}}");
  });

  it("ports supervisor_SUITE:sup_stop_infinity / sup_stop_timeout / sup_stop_brutal_kill (shutdown of a child that traps exits)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      for (const sd of ["infinity", 1000, "brutal_kill"] as const) {
        const s = yield* startSup(ctx, {}, [spec("child1", { shutdown: sd, start: { fn: startHang } }), spec("child2", { shutdown: sd })]);
        const k = yield* kids(ctx, s);
        const c1 = k.get("child1") as Pid;
        const c2 = k.get("child2") as Pid;
        const m1 = ctx.monitor(c1);
        ctx.monitor(c2);
        const t0 = ctx.now();
        if (sd === "infinity") {
          ctx.exitSignal(s, A.shutdown);
          yield* ctx.sleep(5000);
          log.push(`infinity: child1 alive after 5 s: ${ctx.isAlive(c1)}`); // a trapping child that never stops keeps the supervisor waiting
          ctx.exitSignal(c1, A.kill);
        } else ctx.exitSignal(s, A.shutdown);
        const downs: string[] = [];
        for (let i = 0; i < 2; i++) {
          const d = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN)) as Tuple;
          downs.push(`${d.elements[1] === m1 || p(d.elements[1] as Term) === p(m1) ? "child1" : "child2"}:${p(d.elements[4] as Term)}`);
        }
        const e = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT)) as Tuple;
        log.push(`${sd}: ${downs.join(" ")} sup:${p(e.elements[2] as Term)} after ${ctx.now() - t0}ms`);
      }
    });
    expect(log).toEqual([
      "infinity: child1 alive after 5 s: true",
      "infinity: child2:shutdown child1:killed sup:shutdown after 5000ms",
      "1000: child2:shutdown child1:killed sup:shutdown after 1000ms",
      "brutal_kill: child2:killed child1:killed sup:shutdown after 0ms",
    ]);
  });

  it("ports supervisor_SUITE:child_adm (start_child, which_children, terminate/restart/delete_child and their errors)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* startSup(ctx, {}, [spec("child1")]);
      const c1 = (yield* kids(ctx, s)).get("child1") as Pid;
      log.push(p(yield* Supervisor.startChild(ctx, s, spec("child1"))) === `{error,{already_started,${p(c1)}}}` ? "already_started" : "?");
      log.push(p(yield* Supervisor.restartChild(ctx, s, a("child1"))));
      log.push(p(yield* Supervisor.deleteChild(ctx, s, a("child1"))));
      log.push(p(yield* Supervisor.terminateChild(ctx, s, a("child1"))), String(ctx.isAlive(c1)));
      log.push(p(yield* Supervisor.startChild(ctx, s, spec("child1"))));
      const r = (yield* Supervisor.restartChild(ctx, s, a("child1"))) as Tuple;
      log.push(p(r.elements[0] as Term));
      log.push(p(yield* Supervisor.terminateChild(ctx, s, a("child1"))));
      log.push(p(yield* Supervisor.deleteChild(ctx, s, a("child1"))));
      log.push(p(yield* Supervisor.restartChild(ctx, s, a("child1"))), p(yield* Supervisor.deleteChild(ctx, s, a("child1"))), p(yield* Supervisor.terminateChild(ctx, s, a("child1"))));
      log.push(p(yield* Supervisor.whichChildren(ctx, s)));
      const r2 = (yield* Supervisor.startChild(ctx, s, spec("child2"))) as Tuple;
      yield* Supervisor.startChild(ctx, s, spec("child3", { type: "supervisor", restart: "temporary" }));
      log.push(p(yield* Supervisor.countChildren(ctx, s)));
      const w = p(yield* Supervisor.whichChildren(ctx, s));
      log.push(w.replace(p(r2.elements[1] as Term), "C2").replace(/<0\.\d+\.0>/, "C3"));
    });
    expect(log).toEqual([
      "already_started",
      "{error,running}",
      "{error,running}",
      "ok",
      "false",
      "{error,already_present}",
      "ok",
      "ok",
      "ok",
      "{error,not_found}",
      "{error,not_found}",
      "{error,not_found}",
      "[]",
      "[{specs,2},{active,2},{supervisors,1},{workers,1}]",
      "[{child3,C3,supervisor,[supervisor_1]},{child2,C2,worker,[supervisor_1]}]",
    ]);
  });

  it("ports supervisor_SUITE:child_specs (bad specs: OTP's error term and a message naming child and field)", () => {
    const log: string[] = [];
    const { s } = runMain(function* (ctx) {
      ctx.trapExit(true);
      const sp = yield* startSup(ctx, {}, []);
      const bad: unknown[] = [
        { id: a("c"), start: { fn: startWorker }, restart: "prmanent" },
        { id: a("c"), start: { fn: startWorker }, shutdown: -10 },
        { id: a("c"), start: { fn: startWorker }, type: "wrker" },
        { id: a("c"), start: "not_mfa" },
        { id: a("c") },
        { start: { fn: startWorker } },
        { id: a("c"), start: { fn: startWorker }, modules: "dynamicc" },
      ];
      for (const b of bad) log.push(p(yield* Supervisor.startChild(ctx, sp, b as ChildSpec)));
      log.push(p(yield* Supervisor.startLink(ctx, sup({}, [bad[0] as ChildSpec]))));
    });
    expect(log).toEqual([
      "{error,{invalid_restart_type,prmanent}}",
      "{error,{invalid_shutdown,-10}}",
      "{error,{invalid_child_type,wrker}}",
      "{error,{invalid_mfa,not_mfa}}",
      "{error,missing_start}",
      "{error,missing_id}",
      "{error,{invalid_modules,dynamicc}}",
      "{error,{start_spec,{invalid_restart_type,prmanent}}}",
    ]);
    // beamlab adds a readable message naming the child and the field (OTP's reports do not)
    expect(reports(s)[0]?.report.message).toBe("child spec c: field restart must be permanent | transient | temporary, got prmanent");
    const e = checkChildSpec({ id: a("w1"), start: { fn: startWorker }, shutdown: "soon" });
    expect(e instanceof ChildSpecError && e.message).toBe("child spec w1: field shutdown must be brutal_kill | infinity | a timeout >= 0, got soon");
  });

  const exitCase = (restart: "permanent" | "transient" | "temporary", reason: Term): string[] => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* startSup(ctx, {}, [spec("child1", { restart })]);
      const c1 = (yield* kids(ctx, s)).get("child1") as Pid;
      ctx.exitSignal(c1, reason);
      yield* ctx.sleep(1);
      const after = (yield* kids(ctx, s)).get("child1");
      log.push(after === undefined ? "removed" : after === A.undefined ? "undefined" : p(after) === p(c1) ? "same" : "restarted");
      log.push(p(yield* Supervisor.countChildren(ctx, s)));
    });
    return log;
  };
  it("ports supervisor_SUITE:permanent_normal / transient_normal / temporary_normal", () => {
    expect(exitCase("permanent", A.normal)).toEqual(["same", "[{specs,1},{active,1},{supervisors,0},{workers,1}]"]);
    // (exit(Pid, normal) from another process is ignored by a non-trapping child; the suite makes the child exit itself)
    expect(exitCase("permanent", A.shutdown)).toEqual(["restarted", "[{specs,1},{active,1},{supervisors,0},{workers,1}]"]);
    expect(exitCase("transient", A.shutdown)).toEqual(["undefined", "[{specs,1},{active,0},{supervisors,0},{workers,1}]"]);
    expect(exitCase("temporary", A.shutdown)).toEqual(["removed", "[{specs,0},{active,0},{supervisors,0},{workers,0}]"]);
  });
  it("ports supervisor_SUITE:permanent_abnormal / transient_abnormal / temporary_abnormal", () => {
    expect(exitCase("permanent", a("abnormal"))[0]).toBe("restarted");
    expect(exitCase("transient", a("abnormal"))[0]).toBe("restarted");
    expect(exitCase("temporary", a("abnormal"))[0]).toBe("removed");
  });

  const strategyCase = (strategy: "one_for_one" | "one_for_all" | "rest_for_one"): string[] => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* startSup(ctx, { strategy, intensity: 3, period: 3600 }, [spec("child1"), spec("child2"), spec("child3")]);
      const before = yield* kids(ctx, s);
      ctx.exitSignal(before.get("child2") as Pid, a("abnormal"));
      yield* ctx.sleep(1);
      const after = yield* kids(ctx, s);
      log.push(["child1", "child2", "child3"].map((id) => `${id}:${p(after.get(id) as Term) === p(before.get(id) as Term) ? "same" : "new"}`).join(" "));
      // escalation: more than `intensity` restarts within `period` → the supervisor exits with shutdown
      for (let i = 0; i < 3; i++) {
        const k = yield* kids(ctx, s);
        ctx.exitSignal(k.get("child1") as Pid, a("abnormal"));
        yield* ctx.sleep(1);
      }
      const e = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT)) as Tuple;
      log.push(`sup exit ${p(e.elements[2] as Term)}, alive: ${[...after.values()].some((c) => ctx.isAlive(c as Pid))}`);
    });
    return log;
  };
  it("ports supervisor_SUITE:one_for_one and one_for_one_escalation", () => {
    expect(strategyCase("one_for_one")).toEqual(["child1:same child2:new child3:same", "sup exit shutdown, alive: false"]);
  });
  it("ports supervisor_SUITE:one_for_all and one_for_all_escalation", () => {
    expect(strategyCase("one_for_all")).toEqual(["child1:new child2:new child3:new", "sup exit shutdown, alive: false"]);
  });
  it("ports supervisor_SUITE:rest_for_one and rest_for_one_escalation", () => {
    expect(strategyCase("rest_for_one")).toEqual(["child1:same child2:new child3:new", "sup exit shutdown, alive: false"]);
  });

  it("ports supervisor_SUITE:restart intensity (intensity 0: the first restart escalates; period: old restarts expire)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s0 = yield* startSup(ctx, { intensity: 0 }, [spec("child1")]);
      ctx.exitSignal((yield* kids(ctx, s0)).get("child1") as Pid, a("abnormal"));
      log.push(p(((yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT)) as Tuple).elements[2] as Term));
      const s1 = yield* startSup(ctx, { intensity: 1, period: 5 }, [spec("child1")]);
      for (let i = 0; i < 4; i++) {
        ctx.exitSignal((yield* kids(ctx, s1)).get("child1") as Pid, a("abnormal"));
        yield* ctx.sleep(6000); // one restart every 6 s: never 2 within 5 s
      }
      log.push(String(ctx.isAlive(s1)));
    });
    expect(log).toEqual(["shutdown", "true"]);
  });

  it("ports supervisor_SUITE:count_children (workers and supervisors, active and not)", () => {
    let r = "";
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* startSup(ctx, {}, [spec("w1"), spec("w2", { mode: "ignore" }), spec("s1", { type: "supervisor" })]);
      r = yield* catching(Supervisor.countChildren(ctx, s));
    });
    expect(r).toBe("[{specs,3},{active,2},{supervisors,1},{workers,2}]");
  });
});
