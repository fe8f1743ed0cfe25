/**
 * simple_one_for_one and automatic shutdown (significant children), ported from OTP 25's
 * supervisor_SUITE.erl; each expectation was checked on the real BEAM (OTP 25.2.3) with the
 * same children.
 */
import { atom, Cons, Pid, Tuple, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, checkChildSpec, ChildSpecError, Supervisor, type ChildSpec, type Gen, type SupFlags } from "../src/index.js";
import { p, runMain } from "./helpers.js";

const a = atom;
/** A child that exits with `reason` when sent `stop`. */
const worker = (c: ProcessContext, ...args: Term[]): Term =>
  new Tuple([
    A.ok,
    c.spawnLink(function* w(x: ProcessContext) {
      yield* x.receive((m) => m === a("stop"));
      x.exit(args[args.length - 1] ?? A.normal);
    }),
  ]);
const mod = (flags: SupFlags, children: ChildSpec[]): Supervisor.SupervisorModule => ({ name: "supervisor_SUITE", init: () => ({ flags, children }) });
const elems = (l: Term): Term[] => {
  const out: Term[] = [];
  for (let x = l; x instanceof Cons; x = x.tail) out.push(x.head);
  return out;
};
function* start(ctx: ProcessContext, flags: SupFlags, children: ChildSpec[]): Gen<Pid> {
  return ((yield* Supervisor.startLink(ctx, mod(flags, children))) as Tuple).elements[1] as Pid;
}

describe("supervisor_SUITE: simple_one_for_one", () => {
  it("ports simple_one_for_one: start_child(Sup, ExtraArgs), count/which_children, id-based calls refused, a permanent child restarted with its arguments", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* start(ctx, { strategy: "simple_one_for_one" }, [{ id: a("c"), start: { fn: worker, args: [] }, restart: "permanent" }]);
      const r1 = (yield* Supervisor.startChild(ctx, s, [A.normal])) as Tuple;
      yield* Supervisor.startChild(ctx, s, [a("boom")]);
      log.push(p(yield* Supervisor.countChildren(ctx, s)));
      log.push(String(elems(yield* Supervisor.whichChildren(ctx, s)).length));
      log.push(p(yield* Supervisor.terminateChild(ctx, s, a("c"))), p(yield* Supervisor.restartChild(ctx, s, a("c"))), p(yield* Supervisor.deleteChild(ctx, s, a("c"))));
      const p1 = r1.elements[1] as Pid;
      ctx.send(p1, a("stop"));
      yield* ctx.sleep(10);
      const pids = elems(yield* Supervisor.whichChildren(ctx, s)).map((x) => (x as Tuple).elements[1] as Pid);
      log.push(`restarted ${String(pids.length === 2 && !pids.some((x) => x.id === p1.id))}`);
      const first = pids[0] as Pid;
      log.push(p(yield* Supervisor.terminateChild(ctx, s, first)), p(yield* Supervisor.terminateChild(ctx, s, first)));
      log.push(p(yield* Supervisor.countChildren(ctx, s)));
    });
    expect(log).toEqual([
      "[{specs,1},{active,2},{supervisors,0},{workers,2}]",
      "2",
      "{error,simple_one_for_one}",
      "{error,simple_one_for_one}",
      "{error,simple_one_for_one}",
      "restarted true",
      "ok",
      "ok", // OTP's find_child: a dead pid counts as the template child
      "[{specs,1},{active,1},{supervisors,0},{workers,1}]",
    ]);
  });

  it("ports sup_start_fail for simple_one_for_one: more than one spec is {bad_start_spec, _}", () => {
    let r = "";
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const spec = (id: string): ChildSpec => ({ id: a(id), start: { fn: worker } });
      r = p(yield* Supervisor.startLink(ctx, mod({ strategy: "simple_one_for_one" }, [spec("c"), spec("d")])));
    });
    expect(r).toMatch(/^\{error,\{bad_start_spec,/);
  });

  it("ports simple_one_for_one_shutdown: temporary children are all shut down together when the supervisor stops", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* start(ctx, { strategy: "simple_one_for_one" }, [{ id: a("c"), start: { fn: worker, args: [] }, restart: "temporary", shutdown: 1000 }]);
      const kids: Pid[] = [];
      for (let i = 0; i < 5; i++) kids.push(((yield* Supervisor.startChild(ctx, s, [A.normal])) as Tuple).elements[1] as Pid);
      const t0 = ctx.now();
      ctx.exitSignal(s, A.shutdown);
      yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT);
      out.push(`alive ${String(kids.filter((k) => ctx.isAlive(k)).length)}`, `waited ${String(ctx.now() - t0 < 1000)}`);
    });
    expect(out).toEqual(["alive 0", "waited true"]);
  });
});

describe("supervisor_SUITE: automatic shutdown (OTP 24+)", () => {
  const wi = (c: ProcessContext): Term => worker(c, A.normal);
  it("ports significant_temporary/any_significant: a significant transient child ending normally shuts the supervisor down", () => {
    let reason = "";
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* start(ctx, { autoShutdown: "any_significant" }, [
        { id: a("a"), start: { fn: wi }, restart: "transient", significant: true },
        { id: a("b"), start: { fn: wi } },
      ]);
      const pa = elems(yield* Supervisor.whichChildren(ctx, s)).map((x) => (x as Tuple).elements).find((e) => e[0] === a("a"))?.[1] as Pid;
      ctx.send(pa, a("stop"));
      const m = (yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === A.EXIT, { after: 100 })) as Tuple | undefined;
      reason = m === undefined ? "alive" : p(m.elements[2] as Term);
    });
    expect(reason).toBe("shutdown");
  });

  it("ports all_significant: the supervisor stays while one significant child is left, shuts down after the last", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* start(ctx, { autoShutdown: "all_significant" }, [
        { id: a("a"), start: { fn: wi }, restart: "temporary", significant: true },
        { id: a("b"), start: { fn: wi }, restart: "temporary", significant: true },
      ]);
      const [p1, p2] = elems(yield* Supervisor.whichChildren(ctx, s)).map((x) => (x as Tuple).elements[1] as Pid);
      ctx.send(p1 as Pid, a("stop"));
      yield* ctx.sleep(10);
      out.push(`after one ${String(ctx.isAlive(s))}`);
      ctx.send(p2 as Pid, a("stop"));
      const m = (yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === A.EXIT, { after: 100 })) as Tuple | undefined;
      out.push(m === undefined ? "alive" : p(m.elements[2] as Term));
    });
    expect(out).toEqual(["after one true", "shutdown"]);
  });

  it("ports auto_shutdown: terminate_child of a significant child does not shut the supervisor down", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const s = yield* start(ctx, { autoShutdown: "any_significant" }, [{ id: a("a"), start: { fn: wi }, restart: "transient", significant: true }]);
      out.push(p(yield* Supervisor.terminateChild(ctx, s, a("a"))));
      yield* ctx.sleep(10);
      out.push(String(ctx.isAlive(s)));
    });
    expect(out).toEqual(["ok", "true"]);
  });

  it("ports the significant child spec checks (check_childspecs/1,2 on OTP 25)", () => {
    const sp = (o: Partial<ChildSpec>): ChildSpec => ({ id: a("a"), start: { fn: wi }, ...o });
    const term = (r: ReturnType<typeof checkChildSpec>): string => (r instanceof ChildSpecError ? p(r.term) : "ok");
    expect(term(checkChildSpec(sp({ restart: "transient", significant: true })))).toBe("ok");
    expect(term(checkChildSpec(sp({ significant: true }), "any_significant"))).toBe("{bad_combination,[{restart,permanent},{significant,true}]}");
    expect(term(checkChildSpec(sp({ restart: "temporary", significant: true }), "never"))).toBe("{bad_combination,[{auto_shutdown,never},{significant,true}]}");
    const bad = checkChildSpec(sp({ restart: "temporary", significant: "yes" as unknown as boolean }), "any_significant");
    expect(term(bad)).toBe("{invalid_significant,yes}");
    expect(bad instanceof ChildSpecError ? bad.message : "").toMatch(/child spec a: field significant/);
  });
});
