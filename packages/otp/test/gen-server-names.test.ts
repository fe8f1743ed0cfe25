/**
 * Ports of OTP 25 lib/stdlib/test/gen_server_SUITE.erl: global and via names, enter_loop.
 * The callback module is the suite's own (init/1, handle_call/3 …), reduced to what these cases
 * use; `dummy` is beamlab's built-in via registry standing for the suite's `dummy_via`.
 * Differences on purpose are stated per case.
 */
import { atom, charlist, nil, Pid, Tuple, type Term } from "@beamlab/heap";
import type { Body, ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, caught, reports, type Gen } from "../src/common.js";
import * as GS from "../src/gen-server.js";
import * as global from "../src/global.js";
import { initAck, spawnProcLib } from "../src/proc-lib.js";
import { globalName, viaName, viaRegistry, type ServerName } from "../src/via.js";
import { catching, p, runMain } from "./helpers.js";

const a = atom;
const t = (...e: Term[]): Tuple => new Tuple(e);
const dummy = viaRegistry("dummy_via");
const pidOf = (r: Term): Pid => (r as Tuple).elements[1] as Pid;

/** gen_server_SUITE's callback module (the parts these cases need). */
const suite: GS.GenServerModule = {
  name: "gen_server_SUITE",
  init(_ctx, arg) {
    if (arg === a("ignore")) return A.ignore;
    if (arg === a("stop")) return t(A.stop, a("stopped"));
    if (arg instanceof Tuple && arg.elements[0] === a("state")) return GS.ok(arg.elements[1] as Term);
    return GS.ok(nil);
  },
  handleCall(_ctx, req, _from, state) {
    if (req === a("started_p")) return GS.reply(A.ok, state);
    if (req === a("stop")) return GS.stopReply(a("stopped"), A.ok, state);
    return GS.reply(t(A.error, a("unknown")), state);
  },
  handleCast(ctx, msg, state) {
    const m = msg instanceof Tuple ? msg.elements : [];
    if (m[1] === a("handle_cast")) ctx.send(m[0] as Pid, t(ctx.self, a("handled_cast")));
    if (m[1] === a("stop")) return GS.stop(t(m[0] as Term, a("stopped")), state);
    return GS.noreply(state);
  },
  handleInfo(ctx, msg, state) {
    const m = msg instanceof Tuple ? msg.elements : [];
    if (m[1] === a("handle_info")) ctx.send(m[0] as Pid, t(ctx.self, a("handled_info")));
    return GS.noreply(state);
  },
  terminate(ctx, reason) {
    const r = reason instanceof Tuple ? reason.elements : [];
    if (r[1] === a("stopped")) ctx.send(r[0] as Pid, t(ctx.self, a("stopped")));
    return A.ok;
  },
};

/** proc_lib:start_link(M, F, A): spawn with proc_lib, link, wait for init_ack. */
function* procLibStartLink(ctx: ProcessContext, body: Body, args: Term[]): Gen<Term> {
  const pid = spawnProcLib(ctx, body, [ctx.self, ...args], { initialCall: ["gen_server_SUITE", "spec_init", 2], link: true });
  const m = (yield* ctx.receive((x) => x instanceof Tuple && x.elements.length === 3 && (x.elements[0] === A.ack || x.elements[0] === A.EXIT) && p(x.elements[1] as Term) === p(pid))) as Tuple;
  return m.elements[0] === A.ack ? (m.elements[2] as Term) : t(A.error, m.elements[2] as Term);
}

type How = "local" | "global" | "via";
const nameFor = (how: How, n: string): ServerName => (how === "local" ? n : how === "global" ? globalName(a(n)) : viaName(dummy, a(n)));

/** spec_init_local / spec_init_global / spec_init_via ({ok, Name} registers first, {not_ok, Name} does not);
 * `defaultTimeout`: spec_init_default_timeout / spec_init_global_default_timeout (enter_loop/4 with a name). */
function specInit(how: How, defaultTimeout = false): Body {
  return function* specInitBody(ctx: ProcessContext, starter: Term, okp: Term, name: Term) {
    ctx.trapExit(true);
    const n = (name as { name: string }).name;
    if (okp === a("ok")) {
      if (how === "local") ctx.register(n);
      else if (how === "global") global.registerName(ctx, name, ctx.self);
      else dummy.registerName(ctx, name, ctx.self);
    }
    initAck(ctx, starter as Pid, t(A.ok, ctx.self));
    if (defaultTimeout) yield* GS.enterLoop(ctx, suite, {}, t(), nameFor(how, n));
    else yield* GS.enterLoop(ctx, suite, {}, t(), nameFor(how, n), "infinity");
  };
}
/** spec_init_anonymous / spec_init_anonymous_default_timeout. */
function* specInitAnonymous(ctx: ProcessContext, starter: Term, withTimeout: Term): Gen<void> {
  ctx.trapExit(true);
  initAck(ctx, starter as Pid, t(A.ok, ctx.self));
  if (withTimeout === A.true) yield* GS.enterLoop(ctx, suite, {}, t(), undefined, "infinity");
  else yield* GS.enterLoop(ctx, suite, {}, t());
}

function* exitOf(ctx: ProcessContext, pid: Pid): Gen<string> {
  const m = (yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === A.EXIT && p(x.elements[1] as Term) === p(pid))) as Tuple;
  return p(m.elements[2] as Term);
}

describe("gen_server_SUITE: global and via names", () => {
  it("ports gen_server_SUITE:start (global register, global linked, via register, via linked)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const g = globalName(a("my_test_name"));
      const pid4 = pidOf(yield* GS.start(ctx, suite, nil, { name: g }));
      log.push(p(yield* GS.call(ctx, g, a("started_p"))));
      log.push(p(yield* GS.start(ctx, suite, nil, { name: g })) === `{error,{already_started,${p(pid4)}}}` ? "already" : "no");
      log.push(p(yield* GS.call(ctx, g, a("stop"))));
      yield* ctx.sleep(1);
      log.push(yield* catching(GS.call(ctx, pid4, a("started_p"), 10)));
      const pid5 = pidOf(yield* GS.startLink(ctx, suite, nil, { name: g }));
      log.push(p(yield* GS.call(ctx, g, a("started_p"))));
      log.push(p(yield* GS.start(ctx, suite, nil, { name: g })) === `{error,{already_started,${p(pid5)}}}` ? "already" : "no");
      log.push(p(yield* GS.call(ctx, g, a("stop"))));
      log.push(yield* exitOf(ctx, pid5));

      dummy.reset(ctx);
      const v = viaName(dummy, a("my_test_name"));
      const pid6 = pidOf(yield* GS.start(ctx, suite, nil, { name: v }));
      log.push(p(yield* GS.call(ctx, v, a("started_p"))));
      log.push(p(yield* GS.start(ctx, suite, nil, { name: v })) === `{error,{already_started,${p(pid6)}}}` ? "already" : "no");
      log.push(p(yield* GS.call(ctx, v, a("stop"))));
      yield* ctx.sleep(1);
      log.push(yield* catching(GS.call(ctx, pid6, a("started_p"), 10)));
      dummy.reset(ctx);
      const pid7 = pidOf(yield* GS.startLink(ctx, suite, nil, { name: v }));
      log.push(p(yield* GS.call(ctx, v, a("started_p"))));
      log.push(p(yield* GS.start(ctx, suite, nil, { name: v })) === `{error,{already_started,${p(pid7)}}}` ? "already" : "no");
      log.push(p(yield* GS.call(ctx, v, a("stop"))));
      log.push(yield* exitOf(ctx, pid7));
      const left = yield* ctx.receive(undefined, { after: 1 });
      log.push(left === undefined ? "empty" : p(left));
    });
    expect(log.slice(0, 3)).toEqual(["ok", "already", "ok"]);
    expect(log[3]).toMatch(/^\{'EXIT',\{noproc,\{gen_server,call,\[<0\.\d+\.0>,started_p,10\]\}\}\}$/);
    expect(log.slice(4, 8)).toEqual(["ok", "already", "ok", "stopped"]);
    expect(log.slice(8, 11)).toEqual(["ok", "already", "ok"]);
    expect(log[11]).toMatch(/^\{'EXIT',\{noproc,/);
    expect(log.slice(12)).toEqual(["ok", "already", "ok", "stopped", "empty"]);
  });

  it("ports gen_server_SUITE:start's already_started check: a taken global name spawns no process (gen:start/6 `where(Name)` first)", () => {
    let before = 0;
    let after = -1;
    runMain(function* (ctx) {
      yield* GS.start(ctx, suite, nil, { name: globalName(a("taken")) });
      before = ctx.processes().length;
      yield* GS.start(ctx, suite, nil, { name: globalName(a("taken")) });
      after = ctx.processes().length;
    });
    expect(after).toBe(before);
  });

  it("ports gen_server_SUITE:stop6 and stop7 (stop by {global, Name} and {via, dummy_via, Name}; noproc afterwards)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const g = globalName(a("to_stop"));
      const pid = pidOf(yield* GS.start(ctx, suite, nil, { name: g }));
      log.push(p(yield* GS.stopServer(ctx, g)), String(ctx.isAlive(pid)));
      log.push(yield* catching(GS.stopServer(ctx, g)));
      dummy.reset(ctx);
      const v = viaName(dummy, a("to_stop"));
      const pid2 = pidOf(yield* GS.start(ctx, suite, nil, { name: v }));
      log.push(p(yield* GS.stopServer(ctx, v)), String(ctx.isAlive(pid2)));
      log.push(yield* catching(GS.stopServer(ctx, v)));
    });
    expect(log).toEqual(["ok", "false", "{'EXIT',noproc}", "ok", "false", "{'EXIT',noproc}"]);
  });

  it("ports gen_server_SUITE:otp_7669 (init ignore / {stop, R}: the global name is not registered when start returns)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const g = globalName(a("gen_server_SUITE"));
      for (let i = 0; i < 5; i++) {
        log.push(p(yield* GS.start(ctx, suite, a("ignore"), { name: g })), p(global.whereisName(ctx, a("gen_server_SUITE")) ?? A.undefined));
        log.push(p(yield* GS.startLink(ctx, suite, a("ignore"), { name: g })), p(global.whereisName(ctx, a("gen_server_SUITE")) ?? A.undefined));
        log.push(p(yield* GS.start(ctx, suite, a("stop"), { name: g })), p(global.whereisName(ctx, a("gen_server_SUITE")) ?? A.undefined));
      }
    });
    expect(log).toEqual(Array.from({ length: 5 }, () => ["ignore", "undefined", "ignore", "undefined", "{error,stopped}", "undefined"]).flat());
  });

  it("ports gen_server_SUITE:call_remote_n1 on one node (a call to an unregistered global/via name exits {noproc, {gen_server, call, …}}; cast is ok)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      log.push(yield* catching(GS.call(ctx, globalName(a("hubba")), a("started_p"), "infinity")));
      log.push(yield* catching(GS.call(ctx, viaName(dummy, a("hubba")), a("started_p"))));
      log.push(p(GS.cast(ctx, globalName(a("hubba")), a("x"))), p(GS.cast(ctx, viaName(dummy, a("hubba")), a("x"))));
    });
    // the exact shapes of OTP 25 (checked on the BEAM)
    expect(log).toEqual([
      "{'EXIT',{noproc,{gen_server,call,[{global,hubba},started_p,infinity]}}}",
      "{'EXIT',{noproc,{gen_server,call,[{via,dummy_via,hubba},started_p]}}}",
      "ok",
      "ok",
    ]);
  });

  it("ports gen_server_SUITE:cast and info through a global and a via name", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const g = globalName(t(a("name"), charlist("term")));
      const pid = pidOf(yield* GS.start(ctx, suite, nil, { name: g }));
      log.push(p(GS.cast(ctx, g, t(ctx.self, a("handle_cast")))));
      log.push(p(yield* ctx.receive()) === `{${p(pid)},handled_cast}` ? "cast" : "?");
      log.push(p(global.send(ctx, t(a("name"), charlist("term")), t(ctx.self, a("handle_info")))) === p(pid) ? "sent" : "?");
      log.push(p(yield* ctx.receive()) === `{${p(pid)},handled_info}` ? "info" : "?");
      const v = viaName(dummy, a("v1"));
      const pid2 = pidOf(yield* GS.start(ctx, suite, nil, { name: v }));
      GS.cast(ctx, v, t(ctx.self, a("handle_cast")));
      log.push(p(yield* ctx.receive()) === `{${p(pid2)},handled_cast}` ? "via cast" : "?");
      GS.cast(ctx, v, t(ctx.self, a("stop")));
      log.push(p(yield* ctx.receive()) === `{${p(pid2)},stopped}` ? "via stop" : "?");
    });
    expect(log).toEqual(["ok", "cast", "sent", "info", "via cast", "via stop"]);
  });

  it("global:register_name/whereis_name/unregister_name/send (kernel's global semantics: one name per pid, names of exited processes are gone)", () => {
    const log: string[] = [];
    const { s } = runMain(function* (ctx) {
      const other = ctx.spawn(function* idle(c: ProcessContext) {
        yield* c.receive();
      });
      log.push(global.registerName(ctx, a("n1"), ctx.self));
      log.push(global.registerName(ctx, a("n1"), other)); // taken
      log.push(global.registerName(ctx, a("n2"), ctx.self)); // self already has n1
      log.push(global.registerName(ctx, t(a("n"), 2), other));
      log.push(global.registeredNames(ctx).map(p).sort().join(" "));
      try {
        global.send(ctx, a("none"), a("hi"));
        log.push("sent");
      } catch (e) {
        log.push(`{'EXIT',${p(caught(e).reason)}}`);
      }
      ctx.send(other, a("stop"));
      yield* ctx.sleep(1);
      log.push(p(global.whereisName(ctx, t(a("n"), 2)) ?? A.undefined));
      log.push(global.registeredNames(ctx).map(p).join(" "));
      log.push(p(global.unregisterName(ctx, a("n1"))), p(global.whereisName(ctx, a("n1")) ?? A.undefined));
      log.push(global.registerName(ctx, a("n2"), ctx.self));
    });
    expect(log).toEqual(["yes", "no", "no", "yes", "n1 {n,2}", "{'EXIT',{badarg,{none,hi}}}", "undefined", "n1", "ok", "undefined", "yes"]);
    // the several-names refusal is logged as global's check_dupname does
    const dup = reports(s).find((r) => r.label === "global several_names");
    expect(dup?.report.text).toMatch(/^global: <0\.1\.0> registered under several names: \[n2,n1\]$/);
  });
});

describe("gen_server_SUITE: enter_loop", () => {
  it("ports gen_server_SUITE:spec_init (enter_loop/3,4,5 with local, global and no name; not registered; not proc_lib)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const pid0 = pidOf(yield* procLibStartLink(ctx, specInit("local"), [a("ok"), a("my_server")]));
      log.push(p(yield* GS.call(ctx, pid0, a("started_p"))), p(yield* GS.call(ctx, "my_server", a("stop"))), yield* exitOf(ctx, pid0));
      const pid01 = pidOf(yield* procLibStartLink(ctx, specInit("local"), [a("not_ok"), a("my_server")]));
      log.push(yield* exitOf(ctx, pid01));
      const pid1 = pidOf(yield* procLibStartLink(ctx, specInit("global"), [a("ok"), a("my_server")]));
      log.push(p(yield* GS.call(ctx, pid1, a("started_p"))), p(yield* GS.call(ctx, globalName(a("my_server")), a("stop"))), yield* exitOf(ctx, pid1));
      const pid11 = pidOf(yield* procLibStartLink(ctx, specInit("global"), [a("not_ok"), a("my_server")]));
      log.push(yield* exitOf(ctx, pid11));
      const pid2 = pidOf(yield* procLibStartLink(ctx, specInitAnonymous, [A.true]));
      log.push(p(yield* GS.call(ctx, pid2, a("started_p"))), p(yield* GS.call(ctx, pid2, a("stop"))), yield* exitOf(ctx, pid2));
      const pid3 = pidOf(yield* procLibStartLink(ctx, specInitAnonymous, [A.false]));
      log.push(p(yield* GS.call(ctx, pid3, a("started_p"))), p(yield* GS.call(ctx, pid3, a("stop"))), yield* exitOf(ctx, pid3));
      // spec_init_default_timeout and spec_init_global_default_timeout (OTP-10130): enter_loop/4 with a name
      const pid4 = pidOf(yield* procLibStartLink(ctx, specInit("local", true), [a("ok"), a("my_server")]));
      log.push(p(yield* GS.call(ctx, pid4, a("started_p"))), p(yield* GS.call(ctx, pid4, a("stop"))), yield* exitOf(ctx, pid4));
      const hurra = pidOf(yield* procLibStartLink(ctx, specInit("global", true), [a("ok"), a("hurra")]));
      yield* ctx.sleep(1000);
      log.push(p(yield* GS.call(ctx, hurra, a("started_p"))));
      // spec_init_not_proc_lib: a plain spawn_link
      const pid5 = ctx.spawnLink(function* notProcLib(c: ProcessContext) {
        yield* GS.enterLoop(c, suite, {}, t(), undefined, "infinity");
      });
      log.push(yield* exitOf(ctx, pid5));
    });
    expect(log).toEqual([
      ...["ok", "ok", "stopped"],
      "process_not_registered",
      ...["ok", "ok", "stopped"],
      "process_not_registered_globally",
      ...["ok", "ok", "stopped"],
      ...["ok", "ok", "stopped"],
      ...["ok", "ok", "stopped"],
      "ok",
      "process_was_not_started_by_proc_lib",
    ]);
  });

  it("ports gen_server_SUITE:otp_5854 (enter_loop refuses a name held by another process: local, global, via)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      dummy.reset(ctx);
      ctx.register("armitage");
      const p1 = pidOf(yield* procLibStartLink(ctx, specInit("local"), [a("not_ok"), a("armitage")]));
      log.push(yield* exitOf(ctx, p1));
      ctx.unregister("armitage");
      global.registerName(ctx, a("armitage"), ctx.self);
      const p2 = pidOf(yield* procLibStartLink(ctx, specInit("global"), [a("not_ok"), a("armitage")]));
      log.push(yield* exitOf(ctx, p2));
      global.unregisterName(ctx, a("armitage"));
      dummy.registerName(ctx, a("armitage"), ctx.self);
      const p3 = pidOf(yield* procLibStartLink(ctx, specInit("via"), [a("not_ok"), a("armitage")]));
      log.push(yield* exitOf(ctx, p3));
      dummy.unregisterName(ctx, a("armitage"));
    });
    expect(log).toEqual(["process_not_registered", "process_not_registered_globally", "{process_not_registered_via,dummy_via}"]);
  });

  it("ports gen_server_SUITE:spec_init_local_registered_parent and spec_init_global_registered_parent (terminate runs; the parent is found by its name)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.register("foobar");
      ctx.trapExit(true);
      const pid = pidOf(yield* procLibStartLink(ctx, specInit("local"), [a("ok"), a("my_server")]));
      GS.cast(ctx, "my_server", t(ctx.self, a("stop")));
      log.push(p(yield* ctx.receive()) === `{${p(pid)},stopped}` ? "local stopped" : "?");
      log.push(yield* exitOf(ctx, pid));
      ctx.unregister("foobar");
      global.registerName(ctx, a("foobar"), ctx.self);
      const pid2 = pidOf(yield* procLibStartLink(ctx, specInit("global"), [a("ok"), a("my_server")]));
      log.push(p(yield* GS.call(ctx, pid2, a("started_p"))));
      GS.cast(ctx, pid2, t(ctx.self, a("stop")));
      log.push(p(yield* ctx.receive()) === `{${p(pid2)},stopped}` ? "global stopped" : "?");
      global.unregisterName(ctx, a("foobar"));
    });
    expect(log.slice(0, 1)).toEqual(["local stopped"]);
    expect(log[1]).toMatch(/^\{<0\.\d+\.0>,stopped\}$/);
    expect(log.slice(2)).toEqual(["ok", "global stopped"]);
  });

  it("enter_loop with {continue, C} and a via name (gen_server:enter_loop/5's continue clause)", () => {
    const log: string[] = [];
    const contMod: GS.GenServerModule = {
      ...suite,
      handleContinue: (_c, c, state) => GS.noreply(t(state, c)),
      handleCall: (_c, _r, _f, state) => GS.reply(state, state),
    };
    runMain(function* (ctx) {
      dummy.reset(ctx);
      const body: Body = function* (c: ProcessContext, starter: Term) {
        dummy.registerName(c, a("cont"), c.self);
        initAck(c, starter as Pid, t(A.ok, c.self));
        yield* GS.enterLoop(c, contMod, {}, a("s0"), viaName(dummy, a("cont")), t(A.continue, a("c1")));
      };
      yield* procLibStartLink(ctx, body, []);
      log.push(p(yield* GS.call(ctx, viaName(dummy, a("cont")), a("get"))));
    });
    expect(log).toEqual(["{s0,c1}"]);
  });
});
