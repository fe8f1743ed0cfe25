/**
 * Ports of OTP's lib/stdlib/test/gen_server_SUITE.erl (OTP 25). The test module below is the
 * suite's own gen_server (init/1, handle_call/3 … of gen_server_SUITE), reduced to the requests
 * the ported cases use. Differences on purpose are stated per case.
 */
import { atom, nil, Tuple, type Pid, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { A, GenServer, reports, type GenServerModule } from "../src/index.js";
import { catching, p, runMain } from "./helpers.js";

const a = atom;
const t = (...e: Term[]): Tuple => new Tuple(e);
const GS = GenServer;

/** gen_server_SUITE's callback module (the parts the ported cases need). */
const suite: GenServerModule = {
  name: "gen_server_SUITE",
  *init(ctx, arg) {
    if (arg === a("ignore")) return A.ignore;
    if (arg === a("stop")) return t(A.stop, a("stopped"));
    if (arg === a("sleep")) {
      yield* ctx.sleep(1000);
      return GS.ok(nil);
    }
    if (arg === a("badreturn")) return a("badreturn");
    if (arg instanceof Tuple && arg.elements[0] === a("state")) return GS.ok(arg.elements[1] as Term);
    if (arg instanceof Tuple && arg.elements[0] === A.continue) return GS.ok(nil, arg);
    return GS.ok(nil);
  },
  handleCall(ctx, req, from, state) {
    const r = req instanceof Tuple ? req.elements : [req];
    switch (r[0]) {
      case a("started_p"):
        return GS.reply(A.ok, state);
      case a("stop"):
        return GS.stopReply(a("stopped"), A.ok, state);
      case a("delayed_answer"):
        return GS.noreply(t(a("reply_to"), from), r[1]);
      case a("badreturn"):
        return a("badreturn");
      case a("crash"):
        return ctx.exit(a("crashed"));
      case a("shutdown_reason"):
        return ctx.exit(t(A.shutdown, a("reason")));
      case a("stop_shutdown_reason"):
        return GS.stop(t(A.shutdown, a("stop_reason")), state);
      case a("exit_shutdown"):
        return ctx.exit(A.shutdown);
      case a("hibernate"):
        return GS.reply(A.ok, state, A.hibernate);
      case a("get_continue"):
        return GS.reply(state, state);
      default:
        return GS.reply(t(A.error, a("unknown")), state);
      case undefined:
        return GS.reply(t(A.error, a("unknown")), state);
    }
  },
  handleCast(ctx, msg, state) {
    const m = msg instanceof Tuple ? msg.elements : [msg];
    if (m[0] === a("self")) ctx.send(m[1] as Pid, t(a("cast_reply"), ctx.self));
    if (msg === a("hibernate")) return GS.noreply(state, A.hibernate);
    return GS.noreply(state);
  },
  handleInfo(ctx, msg, state) {
    if (msg === A.timeout && state instanceof Tuple && state.elements[0] === a("reply_to")) {
      GS.replyTo(ctx, state.elements[1] as Term, a("delayed"));
      return GS.noreply(nil);
    }
    const m = msg instanceof Tuple ? msg.elements : [msg];
    if (m[0] === a("self")) ctx.send(m[1] as Pid, t(a("info_reply"), ctx.self));
    if (msg === a("continue_me")) return GS.noreply(state, GS.cont(a("step1")));
    return GS.noreply(state);
  },
  handleContinue(_ctx, c, state) {
    const trail = state === nil ? [] : [state];
    if (c === a("step1")) return GS.noreply(t(...trail, c), GS.cont(a("step2")));
    return GS.noreply(t(...trail, c));
  },
};

describe("gen_server_SUITE", () => {
  it("ports gen_server_SUITE:start (anonymous, timeout, ignore, stop, linked, local name, already_started)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const r0 = (yield* GS.start(ctx, suite, nil)) as Tuple;
      const pid0 = r0.elements[1] as Pid;
      log.push(p(yield* GS.call(ctx, pid0, a("started_p"))));
      log.push(p(yield* GS.call(ctx, pid0, a("stop"))));
      yield* ctx.sleep(1);
      log.push(yield* catching(GS.call(ctx, pid0, a("started_p"), 1)));
      log.push(p(yield* GS.start(ctx, suite, a("sleep"), { timeout: 100 })));
      log.push(p(yield* GS.start(ctx, suite, a("ignore"))));
      log.push(p(yield* GS.start(ctx, suite, a("stop"))));
      const r1 = (yield* GS.startLink(ctx, suite, nil)) as Tuple;
      log.push(p(yield* GS.call(ctx, r1.elements[1] as Pid, a("stop"))));
      log.push(p(yield* ctx.receive()));
      const r2 = (yield* GS.start(ctx, suite, nil, { name: "my_test_name" })) as Tuple;
      log.push(p(yield* GS.call(ctx, "my_test_name", a("started_p"))));
      const again = (yield* GS.start(ctx, suite, nil, { name: "my_test_name" })) as Tuple;
      log.push(p(again), p(r2.elements[1] as Pid));
      log.push(p(yield* GS.call(ctx, "my_test_name", a("stop"))));
      yield* ctx.sleep(1);
      log.push(yield* catching(GS.call(ctx, "my_test_name", a("started_p"), 10)));
    });
    expect(log[0]).toBe("ok");
    expect(log[1]).toBe("ok");
    expect(log[2]).toMatch(/^\{'EXIT',\{noproc,\{gen_server,call,\[<0\.\d+\.0>,started_p,1\]\}\}\}$/);
    expect(log[3]).toBe("{error,timeout}");
    expect(log[4]).toBe("ignore");
    expect(log[5]).toBe("{error,stopped}");
    expect(log[6]).toBe("ok");
    expect(log[7]).toMatch(/^\{'EXIT',<0\.\d+\.0>,stopped\}$/);
    expect(log[8]).toBe("ok");
    expect(log[9]).toBe(`{error,{already_started,${log[10]}}}`);
    expect(log[11]).toBe("ok");
    // beamlab: a name that is not registered is `noproc` from whereis (as gen:call does for atoms)
    expect(log[12]).toBe("{'EXIT',{noproc,{gen_server,call,[my_test_name,started_p,10]}}}");
  });

  it("ports gen_server_SUITE:stop1 / stop2 / stop4 (stop with normal, other reason, registered name; noproc after)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const pid = ((yield* GS.start(ctx, suite, nil)) as Tuple).elements[1] as Pid;
      log.push(p(yield* GS.stopServer(ctx, pid)), String(ctx.isAlive(pid)));
      log.push(yield* catching(GS.stopServer(ctx, pid)));
      const pid2 = ((yield* GS.start(ctx, suite, nil)) as Tuple).elements[1] as Pid;
      log.push(p(yield* GS.stopServer(ctx, pid2, a("other_reason"), "infinity")), String(ctx.isAlive(pid2)));
      yield* GS.start(ctx, suite, nil, { name: "to_stop" });
      log.push(p(yield* GS.stopServer(ctx, "to_stop")));
      log.push(yield* catching(GS.stopServer(ctx, "to_stop")));
    });
    expect(log).toEqual(["ok", "false", "{'EXIT',noproc}", "ok", "false", "ok", "{'EXIT',noproc}"]);
  });

  it("ports gen_server_SUITE:crash (shutdown reasons give no crash report; a crash gives the gen_server report and proc_lib's crash report)", () => {
    const log: string[] = [];
    const { s } = runMain(function* (ctx, sched) {
      ctx.trapExit(true);
      const p0 = ((yield* GS.startLink(ctx, suite, nil)) as Tuple).elements[1] as Pid;
      log.push(yield* catching(GS.call(ctx, p0, a("shutdown_reason"))));
      log.push(p(yield* ctx.receive()));
      const p1 = ((yield* GS.startLink(ctx, suite, t(a("state"), a("state1")))) as Tuple).elements[1] as Pid;
      log.push(yield* catching(GS.call(ctx, p1, a("stop_shutdown_reason"))));
      log.push(p(yield* ctx.receive()));
      const p2 = ((yield* GS.startLink(ctx, suite, nil)) as Tuple).elements[1] as Pid;
      log.push(yield* catching(GS.call(ctx, p2, a("exit_shutdown"))));
      log.push(p(yield* ctx.receive()));
      ctx.trapExit(false);
      log.push(String(reports(sched).length));
      const p4 = ((yield* GS.start(ctx, suite, t(a("state"), a("state4")))) as Tuple).elements[1] as Pid;
      log.push(yield* catching(GS.call(ctx, p4, a("crash"))));
    });
    expect(log[0]).toMatch(/^\{'EXIT',\{\{shutdown,reason\},\{gen_server,call,/);
    expect(log[1]).toMatch(/^\{'EXIT',<0\.\d+\.0>,\{shutdown,reason\}\}$/);
    expect(log[2]).toMatch(/^\{'EXIT',\{\{shutdown,stop_reason\},/);
    expect(log[4]).toMatch(/^\{'EXIT',\{shutdown,/);
    expect(log[6]).toBe("0");
    expect(log[7]).toMatch(/^\{'EXIT',\{crashed,\{gen_server,call,/);
    const rs = reports(s);
    expect(rs.map((r) => r.label)).toEqual(["gen_server terminate", "proc_lib crash"]);
    expect(p(rs[0]?.report.state as Term)).toBe("state4");
    expect(p(rs[0]?.report.last_message as Term)).toMatch(/^\{'\$gen_call',\{<0\.1\.0>,\[alias\|#Ref<.*>\]\},crash\}$/);
    expect(p(rs[1]?.report.report as Term)).toMatch(/\{error_info,\{exit,crashed,\[\]\}\}/);
    expect(p(rs[1]?.report.report as Term)).toMatch(/\{initial_call,\{gen_server_SUITE,init,1\}\}/);
  });

  it("ports gen_server_SUITE:call (delayed answers, call timeout, late reply discarded, bad_return_value)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      yield* GS.startLink(ctx, suite, nil, { name: "my_test_name" });
      log.push(p(yield* GS.call(ctx, "my_test_name", a("started_p"))));
      log.push(p(yield* GS.call(ctx, "my_test_name", t(a("delayed_answer"), 1))));
      log.push(p(yield* GS.call(ctx, "my_test_name", t(a("delayed_answer"), 1), 30)));
      log.push(yield* catching(GS.call(ctx, "my_test_name", t(a("delayed_answer"), 30), 1)));
      yield* ctx.sleep(100); // the late reply arrives after the caller gave up: dropped (alias)
      log.push(String(ctx.processInfo(ctx.self, ["message_queue_len"])?.message_queue_len));
      log.push(yield* catching(GS.call(ctx, "my_test_name", a("badreturn"))));
      log.push(p(yield* ctx.receive()));
    });
    expect(log.slice(0, 3)).toEqual(["ok", "delayed", "delayed"]);
    expect(log[3]).toBe("{'EXIT',{timeout,{gen_server,call,[my_test_name,{delayed_answer,30},1]}}}");
    expect(log[4]).toBe("0");
    expect(log[5]).toBe("{'EXIT',{{bad_return_value,badreturn},{gen_server,call,[my_test_name,badreturn]}}}");
    expect(log[6]).toMatch(/^\{'EXIT',<0\.\d+\.0>,\{bad_return_value,badreturn\}\}$/);
  });

  it("ports gen_server_SUITE:cast and info (cast/2 and handle_info reach the server; cast to an unknown name is ok)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const pid = ((yield* GS.startLink(ctx, suite, nil, { name: "my_test_name" })) as Tuple).elements[1] as Pid;
      log.push(p(GS.cast(ctx, "my_test_name", t(a("self"), ctx.self))));
      log.push(p(yield* ctx.receive()));
      log.push(p(GS.cast(ctx, "not_registered", a("x"))));
      ctx.send(pid, t(a("self"), ctx.self));
      log.push(p(yield* ctx.receive()));
      yield* GS.stopServer(ctx, pid);
    });
    expect(log[0]).toBe("ok");
    expect(log[1]).toMatch(/^\{cast_reply,<0\.\d+\.0>\}$/);
    expect(log[2]).toBe("ok");
    expect(log[3]).toMatch(/^\{info_reply,<0\.\d+\.0>\}$/);
  });

  it("ports gen_server_SUITE:hibernate (a hibernate return shrinks the heap; the server still answers)", () => {
    const log: number[] = [];
    let answer = "";
    runMain(function* (ctx) {
      const pid = ((yield* GS.startLink(ctx, suite, nil)) as Tuple).elements[1] as Pid;
      log.push(ctx.processInfo(pid, ["total_heap_size"])?.total_heap_size ?? -1);
      yield* GS.call(ctx, pid, a("hibernate"));
      yield* ctx.sleep(1);
      log.push(ctx.processInfo(pid, ["total_heap_size"])?.total_heap_size ?? -1);
      answer = p(yield* GS.call(ctx, pid, a("started_p")));
      yield* GS.stopServer(ctx, pid);
    });
    expect(log[0]).toBe(233);
    expect(log[1]).toBeLessThan(60);
    expect(answer).toBe("ok");
  });

  it("ports gen_server_SUITE:auto_hibernate (hibernate_after: an idle server hibernates)", () => {
    const sizes: number[] = [];
    runMain(function* (ctx) {
      const pid = ((yield* GS.startLink(ctx, suite, nil, { hibernateAfter: 100 })) as Tuple).elements[1] as Pid;
      yield* ctx.sleep(50);
      sizes.push(ctx.processInfo(pid, ["total_heap_size"])?.total_heap_size ?? -1);
      yield* ctx.sleep(100);
      sizes.push(ctx.processInfo(pid, ["total_heap_size"])?.total_heap_size ?? -1);
      yield* GS.call(ctx, pid, a("started_p"));
      yield* GS.stopServer(ctx, pid);
    });
    expect(sizes[0]).toBe(233);
    expect(sizes[1]).toBeLessThan(60);
  });

  it("ports gen_server_SUITE:continue (handle_continue from init and from handle_info, chained)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const pid = ((yield* GS.startLink(ctx, suite, t(A.continue, a("step2")))) as Tuple).elements[1] as Pid;
      log.push(p(yield* GS.call(ctx, pid, a("get_continue"))));
      ctx.send(pid, a("continue_me"));
      log.push(p(yield* GS.call(ctx, pid, a("get_continue"))));
      yield* GS.stopServer(ctx, pid);
    });
    expect(log).toEqual(["{step2}", "{{{step2},step1},step2}"]);
  });

  it("ports gen_server_SUITE:get_state and replace_state (sys)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const pid = ((yield* GS.startLink(ctx, suite, t(a("state"), a("state1")))) as Tuple).elements[1] as Pid;
      log.push(p(yield* GS.getState(ctx, pid)));
      log.push(p(yield* GS.replaceState(ctx, pid, () => a("state2"))));
      log.push(p(yield* GS.getState(ctx, pid)));
      yield* GS.stopServer(ctx, pid);
    });
    expect(log).toEqual(["state1", "state2", "state2"]);
  });

  it("ports gen_server_SUITE:call_format_status (sys:get_status shape, default format_status)", () => {
    let status = "";
    runMain(function* (ctx) {
      yield* GS.startLink(ctx, suite, t(a("state"), a("my_state")), { name: "call_format_status" });
      status = p(yield* GS.getStatus(ctx, "call_format_status"));
    });
    // printed like ~w: strings are lists of character codes
    const cl = (x: string): string => `[${Array.from(x, (c) => c.charCodeAt(0)).join(",")}]`;
    expect(status).toBe(
      `{status,<0.2.0>,{module,gen_server},[[{'$ancestors',[<0.1.0>]},{'$initial_call',{gen_server_SUITE,init,1}}],running,<0.1.0>,[],` +
        `[{header,${cl("Status for generic server call_format_status")}},{data,[{${cl("Status")},running},{${cl("Parent")},<0.1.0>},{${cl("Logged events")},[]}]},{data,[{${cl("State")},my_state}]}]]}`,
    );
  });

  it("ports gen_server_SUITE:spec_init (init returning a bad value: {error, {bad_return_value, V}})", () => {
    let r = "";
    runMain(function* (ctx) {
      r = p(yield* GS.start(ctx, suite, a("badreturn")));
    });
    expect(r).toBe("{error,{bad_return_value,badreturn}}");
  });

  it("statistics (sys:statistics true/get/false: messages in and out)", () => {
    let r = "";
    runMain(function* (ctx) {
      const pid = ((yield* GS.startLink(ctx, suite, nil)) as Tuple).elements[1] as Pid;
      yield* GS.statistics(ctx, pid, "true");
      yield* GS.call(ctx, pid, a("started_p"));
      GS.cast(ctx, pid, a("x"));
      r = p(yield* GS.statistics(ctx, pid, "get"));
    });
    // beamlab: start_time/current_time are virtual ms (OTP: erlang:localtime()); system messages not counted
    expect(r).toMatch(/^\{ok,\[\{start_time,\d+\},\{current_time,\d+\},\{reductions,\d+\},\{messages_in,2\},\{messages_out,1\}\]\}$/);
  });
});

