/**
 * Ports of OTP 25 lib/stdlib/test/gen_server_SUITE.erl: format_status (the deprecated /2 and
 * OTP 25's /1) and sys (get_state, replace_state, suspend/resume, debug options: trace, log,
 * statistics). Expected shapes were checked on OTP 25's BEAM; differences on purpose are
 * stated per case (no stacktraces: a report's reason from an exception is `{Reason, []}`).
 */
import { atom, charlist, Cons, nil, Tuple, type Pid, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { A, reports } from "../src/common.js";
import { genCall } from "../src/gen.js";
import * as GS from "../src/gen-server.js";
import * as Sys from "../src/sys.js";
import { globalName } from "../src/via.js";
import { catching, p, runMain } from "./helpers.js";

const a = atom;
const t = (...e: Term[]): Tuple => new Tuple(e);
const pidOf = (r: Term): Pid => (r as Tuple).elements[1] as Pid;
/** `"abc"` as printTerm prints a string (a list of codes). */
const cl = (x: string): string => `[${Array.from(x, (c) => c.charCodeAt(0)).join(",")}]`;

/** gen_server_SUITE's module without format_status (plus an echo call and a continue). */
const base: GS.GenServerModule = {
  name: "gen_server_SUITE",
  init: (_c, arg) => (arg instanceof Tuple && arg.elements[0] === a("state") ? GS.ok(arg.elements[1] as Term) : GS.ok(nil)),
  handleCall(ctx, req, _from, state) {
    if (req === a("crash")) return ctx.exit(a("crashed"));
    if (req === a("stop")) return GS.stopReply(a("stopped"), A.ok, state);
    if (req === a("cont")) return GS.reply(A.ok, state, GS.cont(a("c1")));
    return GS.reply(t(a("echo"), req), state);
  },
  handleCast(ctx, msg, state) {
    if (msg instanceof Tuple && msg.elements[1] === a("ping")) ctx.send(msg.elements[0] as Pid, t(a("pong"), msg.elements[0] as Term));
    return GS.noreply(state);
  },
  handleInfo: (_c, _m, state) => GS.noreply(state),
  handleContinue: (_c, _cont, state) => GS.noreply(state),
  terminate(ctx, _reason, state) {
    if (state === a("crash_terminate")) ctx.exit(t(a("crash"), a("terminate")));
    return A.ok;
  },
};
/** … with format_status/2, as the SUITE's. */
const suite: GS.GenServerModule = {
  ...base,
  formatStatus2: (_c, opt, [, state]) => (opt === "terminate" ? t(a("formatted"), state) : a("format_status_called")),
};

/** OTP 25's format_status/1 variant of the same module. */
const suite1: GS.GenServerModule = {
  ...base,
  name: "format_status_server",
  formatStatus: (_c, st) => ({
    ...st,
    ...(st.state !== undefined ? { state: st.reason === undefined ? a("format_status_called") : t(a("formatted"), st.state) } : {}),
    ...(st.reason !== undefined ? { reason: t(a("freason"), st.reason) } : {}),
    ...(st.message !== undefined ? { message: t(a("fmsg"), st.message) } : {}),
  }),
};

/** The elements of an Erlang list. */
const items = (l: Term): Term[] => {
  const out: Term[] = [];
  for (let c = l; c instanceof Cons; c = c.tail) out.push(c.head);
  return out;
};
/** `{status, Pid, Mod, [PDict, SysState, Parent, Debug, Misc]}` → element `i` of the list. */
const statusItem = (status: Term, i: number): Term => items((status as Tuple).elements[3] as Term)[i] ?? nil;
/** The last element of sys:get_status's Misc (`lists:reverse(Data)`'s head in the SUITE). */
const lastOfStatus = (status: Term): string => p(items(statusItem(status, 4)).at(-1) ?? nil);

describe("gen_server_SUITE: format_status", () => {
  it("ports gen_server_SUITE:call_format_status (format_status/2 normal; names: atom, pid, global string, global term)", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      const pid = pidOf(yield* GS.startLink(ctx, suite, nil, { name: "call_format_status" }));
      const s1 = yield* Sys.getStatus(ctx, "call_format_status");
      const s2 = yield* Sys.getStatus(ctx, "call_format_status", 5000);
      out.push(lastOfStatus(s1), lastOfStatus(s2), p((s1 as Tuple).elements[1] as Term) === p(pid) ? "pid" : "?");
      out.push(p(s1).includes(`{header,${cl("Status for generic server call_format_status")}}`) ? "atom header" : p(s1));
      const pid3 = pidOf(yield* GS.startLink(ctx, suite, nil));
      const s3 = yield* Sys.getStatus(ctx, pid3);
      out.push(lastOfStatus(s3), p(s3).includes(`{header,${cl(`Status for generic server ${p(pid3)}`)}}`) ? "pid header" : p(s3));
      yield* GS.startLink(ctx, suite, nil, { name: globalName(charlist("CallFormatStatus")) });
      const s4 = yield* Sys.getStatus(ctx, globalName(charlist("CallFormatStatus")));
      out.push(lastOfStatus(s4), p(s4).includes(`{header,{${cl("Status for generic server")},${cl("CallFormatStatus")}}}`) ? "string header" : p(s4));
      const g2 = globalName(t(a("name"), charlist("term")));
      const pid5 = pidOf(yield* GS.startLink(ctx, suite, nil, { name: g2 }));
      const s5 = yield* Sys.getStatus(ctx, g2);
      out.push(lastOfStatus(s5), p((s5 as Tuple).elements[1] as Term) === p(pid5) ? "pid5" : "?");
    });
    expect(out).toEqual(["format_status_called", "format_status_called", "pid", "atom header", "format_status_called", "pid header", "format_status_called", "string header", "format_status_called", "pid5"]);
  });

  it("ports gen_server_SUITE:call_format_status's OTP 25 format_status/1 variant (format_status_server: {data, [{\"State\", format_status_called}]})", () => {
    let last = "";
    runMain(function* (ctx) {
      const pid = pidOf(yield* GS.startLink(ctx, suite1, nil));
      last = lastOfStatus(yield* Sys.getStatus(ctx, pid));
    });
    expect(last).toBe(`{data,[{${cl("State")},format_status_called}]}`);
  });

  it("ports gen_server_SUITE:error_format_status (format_status/2 terminate gives the report's state)", () => {
    let exit = "";
    const { s } = runMain(function* (ctx) {
      ctx.trapExit(true);
      const pid = pidOf(yield* GS.startLink(ctx, suite, t(a("state"), charlist("called format_status"))));
      exit = yield* catching(GS.call(ctx, pid, a("crash")));
    });
    expect(exit).toMatch(/^\{'EXIT',\{crashed,\{gen_server,call,/);
    const r = reports(s).find((x) => x.label === "gen_server terminate");
    expect(p(r?.report.state as Term)).toBe(`{formatted,${cl("called format_status")}}`);
    // beamlab: no stacktrace, so OTP's {crashed, [{gen_server_SUITE, handle_call, 3, _} | _]} is {crashed, []}
    expect(p(r?.report.reason as Term)).toBe("{crashed,[]}");
    expect(p(r?.report.log as Term)).toBe("[]");
  });

  it("ports gen_server_SUITE:error_format_status with OTP 25's format_status/1 (state, reason and message formatted; the stack kept outside)", () => {
    const { s } = runMain(function* (ctx) {
      ctx.trapExit(true);
      const pid = pidOf(yield* GS.startLink(ctx, suite1, t(a("state"), a("st"))));
      yield* catching(GS.call(ctx, pid, a("crash")));
    });
    const r = reports(s).find((x) => x.label === "gen_server terminate");
    expect(p(r?.report.state as Term)).toBe("{formatted,st}");
    expect(p(r?.report.reason as Term)).toBe("{{freason,crashed},[]}");
    // beamlab's last_message for a call is the whole {'$gen_call', From, Req} (OTP 25: the request)
    expect(p(r?.report.last_message as Term)).toMatch(/^\{fmsg,\{'\$gen_call',/);
  });

  it("ports gen_server_SUITE:terminate_crash_format (terminate/2 crashes: the report still goes through format_status)", () => {
    let exit = "";
    const { s } = runMain(function* (ctx) {
      ctx.trapExit(true);
      const pid = pidOf(yield* GS.startLink(ctx, suite, t(a("state"), a("crash_terminate"))));
      yield* catching(GS.call(ctx, pid, a("stop")));
      const m = (yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === A.EXIT)) as Tuple;
      exit = p(m.elements[2] as Term);
    });
    expect(exit).toBe("{crash,terminate}");
    const r = reports(s).find((x) => x.label === "gen_server terminate");
    expect(p(r?.report.state as Term)).toBe("{formatted,crash_terminate}");
    expect(p(r?.report.reason as Term)).toBe("{{crash,terminate},[]}");
  });

  it("gen:format_status/4's fallbacks (OTP 25): a format_status/1 that crashes, returns no map, or drops a key", () => {
    const out: string[] = [];
    const mk = (name: string, f: NonNullable<GS.GenServerModule["formatStatus"]>): GS.GenServerModule => ({ ...base, name, formatStatus: f });
    runMain(function* (ctx) {
      for (const m of [
        mk("crashing", (c) => c.exit(a("boom"))),
        mk("not_map", () => a("x") as never),
        mk("dropping", (_c, st) => ({ state: st.state ?? nil })),
      ]) {
        const pid = pidOf(yield* GS.startLink(ctx, m, nil));
        out.push(lastOfStatus(yield* Sys.getStatus(ctx, pid)));
      }
    });
    expect(out).toEqual([
      `{data,[{${cl("State")},${cl("crashing:format_status/1 crashed")}}]}`,
      `{data,[{${cl("State")},${cl("not_map:format_status/1 did not return a map")}}]}`,
      `{data,[{${cl("State")},${cl("dropping:format_status/1 returned a map with unknown keys")}}]}`,
    ]);
  });
});

describe("gen_server_SUITE: sys", () => {
  it("ports gen_server_SUITE:get_state and replace_state (suspended too; a crashing replace fun raises callback_failed in the caller)", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      const pid = pidOf(yield* GS.startLink(ctx, suite, t(a("state"), charlist("replaced"))));
      out.push(p(yield* Sys.getState(ctx, pid)), p(yield* Sys.getState(ctx, pid, 5000)));
      out.push(p(yield* Sys.suspend(ctx, pid)), p(yield* Sys.getState(ctx, pid)), p(yield* Sys.resume(ctx, pid)));
      out.push(
        yield* catching(
          Sys.replaceState(ctx, pid, () => {
            throw new Error("fail");
          }),
        ),
      );
      out.push(p(yield* Sys.suspend(ctx, pid)));
      out.push(p(yield* Sys.replaceState(ctx, pid, () => a("again"))));
      out.push(p(yield* Sys.resume(ctx, pid)), p(yield* Sys.getState(ctx, pid, 5000)));
    });
    expect(out.slice(0, 5)).toEqual([cl("replaced"), cl("replaced"), "ok", cl("replaced"), "ok"]);
    // OTP: {'EXIT', {{callback_failed, {gen_server, system_replace_state}, {throw, fail}}, _}}; a JS Error is class error here
    expect(out[5]).toMatch(/^\{'EXIT',\{callback_failed,\{gen_server,system_replace_state\},\{error,\{js_exception,/);
    expect(out.slice(6)).toEqual(["ok", "again", "ok", "again"]);
  });

  it("ports gen_server_SUITE:hibernate's sys:suspend/resume part (a suspended server answers only system messages; queued work runs on resume)", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      const pid = pidOf(yield* GS.startLink(ctx, suite, nil));
      yield* Sys.suspend(ctx, pid);
      GS.cast(ctx, pid, t(ctx.self, a("ping")));
      const early = yield* ctx.receive(undefined, { after: 100 });
      out.push(early === undefined ? "nothing while suspended" : p(early));
      const st = (yield* Sys.getStatus(ctx, pid)) as Tuple;
      out.push(p(statusItem(st, 1)));
      yield* Sys.resume(ctx, pid);
      out.push(p(yield* ctx.receive()));
    });
    expect(out).toEqual(["nothing while suspended", "suspended", "{pong,<0.1.0>}"]);
  });

  it("sys:log: the events of gen_server (OTP 25 shapes: {in, Msg}, {out, Reply, From, State}, {noreply, State}, {continue, C})", () => {
    let got = "";
    runMain(function* (ctx) {
      const pid = pidOf(yield* GS.startLink(ctx, suite, t(a("state"), a("st0")), { debug: ["log"] }));
      yield* GS.call(ctx, pid, a("a"));
      GS.cast(ctx, pid, a("c"));
      ctx.send(pid, a("i"));
      yield* GS.call(ctx, pid, a("cont"));
      got = p(yield* Sys.log(ctx, pid, "get"));
    });
    // the same events, in the same order, as OTP 25 logs for this sequence (checked on the BEAM)
    const from = String.raw`\{<0\.1\.0>,\[alias\|#Ref<[\d.]+(?::pid)?>\]\}`;
    expect(got).toMatch(
      new RegExp(
        String.raw`^\{ok,\[\{in,\{'\$gen_call',${from},a\}\},\{out,\{echo,a\},${from},st0\},\{in,\{'\$gen_cast',c\}\},\{noreply,st0\},\{in,i\},\{noreply,st0\},` +
          String.raw`\{in,\{'\$gen_call',${from},cont\}\},\{out,ok,${from},st0\},\{continue,c1\},\{noreply,st0\}\]\}$`,
      ),
    );
  });

  it("sys:log flags (sys:debug_cmd): {true, N} keeps an existing log, false drops it, {true, N} then keeps the last N; unknown requests", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      const pid = pidOf(yield* GS.startLink(ctx, suite, nil, { debug: ["log"] }));
      yield* GS.call(ctx, pid, a("a"));
      out.push(p(yield* Sys.log(ctx, pid, 3)));
      out.push(String(((yield* Sys.log(ctx, pid, "get")) as Tuple).elements[1] === nil));
      out.push(p(yield* Sys.log(ctx, pid, false)), p(yield* Sys.log(ctx, pid, "get")));
      out.push(p(yield* Sys.log(ctx, pid, 2)));
      for (const x of ["x1", "x2", "x3"]) yield* GS.call(ctx, pid, a(x));
      const l = p(yield* Sys.log(ctx, pid, "get"));
      out.push(l.includes("x3") && !l.includes("x2") ? "last 2" : l);
      out.push(p(yield* genCall(ctx, pid, A.system, t(a("debug"), a("bla")), 5000)));
      out.push(p(yield* genCall(ctx, pid, A.system, a("bla"), 5000)));
    });
    expect(out).toEqual(["ok", "false", "ok", "{ok,[]}", "ok", "last 2", "unknown_debug", "{error,{unknown_system_msg,bla}}"]);
  });

  it("sys:trace: *DBG* lines as gen_server:print_event/3 formats them, to the trace sink", () => {
    const lines: string[] = [];
    let pidText = "";
    runMain(function* (ctx, s) {
      Sys.setTraceSink(s, (line) => lines.push(line));
      const pid = pidOf(yield* GS.startLink(ctx, suite, t(a("state"), a("st0"))));
      pidText = p(pid);
      lines.push(`reply ${p(yield* Sys.trace(ctx, pid, true))}`);
      yield* GS.call(ctx, pid, a("b"));
      GS.cast(ctx, pid, a("c"));
      ctx.send(pid, a("i"));
      yield* Sys.trace(ctx, pid, false);
      yield* GS.call(ctx, pid, a("not_traced"));
    });
    expect(lines).toEqual([
      "reply ok",
      `*DBG* ${pidText} got call b from <0.1.0>`,
      `*DBG* ${pidText} sent {echo,b} to <0.1.0>, new state st0`,
      `*DBG* ${pidText} got cast c`,
      `*DBG* ${pidText} new state st0`,
      `*DBG* ${pidText} got i`,
      `*DBG* ${pidText} new state st0`,
    ]);
  });

  it("ports gen_server_SUITE's statistics use (sys:statistics get without statistics is {ok, no_statistics}; debug [statistics] counts in/out)", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      const plain = pidOf(yield* GS.startLink(ctx, suite, nil));
      out.push(p(yield* Sys.statistics(ctx, plain, "get")));
      const pid = pidOf(yield* GS.startLink(ctx, suite, nil, { debug: ["statistics"] }));
      yield* GS.call(ctx, pid, a("a"));
      GS.cast(ctx, pid, a("c"));
      ctx.send(pid, a("i"));
      out.push(p(yield* Sys.statistics(ctx, pid, "get")));
      out.push(p(yield* Sys.statistics(ctx, pid, false)), p(yield* Sys.statistics(ctx, pid, "get")));
    });
    expect(out[0]).toBe("{ok,no_statistics}");
    // beamlab: start_time/current_time are virtual ms (OTP: erlang:localtime())
    expect(out[1]).toMatch(/^\{ok,\[\{start_time,\d+\},\{current_time,\d+\},\{reductions,\d+\},\{messages_in,3\},\{messages_out,1\}\]\}$/);
    expect(out.slice(2)).toEqual(["ok", "{ok,no_statistics}"]);
  });

  it("sys:get_status with debug options and the terminate report's log (OTP 25: Debug list most recent first, Logged events oldest first)", () => {
    let status = "";
    const { s } = runMain(function* (ctx) {
      ctx.trapExit(true);
      const pid = pidOf(yield* GS.startLink(ctx, suite, t(a("state"), a("st0")), { debug: [{ log: 2 }, "statistics"] }));
      yield* GS.call(ctx, pid, a("a"));
      status = p(yield* Sys.getStatus(ctx, pid));
      yield* catching(GS.call(ctx, pid, a("crash")));
    });
    // beamlab shows the log as {log, {N, Events}} (OTP: nlog's ring) and virtual ms for times
    expect(status).toMatch(/,running,<0\.1\.0>,\[\{statistics,\{\d+,\{reductions,\d+\},1,1\}\},\{log,\{2,\[\{in,\{'\$gen_call',.*a\}\},\{out,\{echo,a\},.*st0\}\]\}\}\],\[\{header,/);
    expect(status).toMatch(new RegExp(String.raw`\{${cl("Logged events")},\[\{in,\{'\$gen_call',.*a\}\},\{out,\{echo,a\},.*,st0\}\]\}`));
    const r = reports(s).find((x) => x.label === "gen_server terminate");
    // the log of the last 2 events: the previous reply and the crashing call
    expect(p(r?.report.log as Term)).toMatch(/^\[\{out,\{echo,a\},.*,st0\},\{in,\{'\$gen_call',.*,crash\}\}\]$/);
  });

  it("sys functions on an unregistered global name exit {noproc, {sys, Func, Args}} (sys's mfa/2,3, as on OTP 25)", () => {
    const out: string[] = [];
    runMain(function* (ctx) {
      const g = globalName(a("nope"));
      out.push(yield* catching(Sys.getState(ctx, g)));
      out.push(yield* catching(Sys.log(ctx, g, "get")));
      out.push(yield* catching(Sys.statistics(ctx, g, "get", 10)));
      out.push(yield* catching(Sys.suspend(ctx, g)));
    });
    expect(out).toEqual([
      "{'EXIT',{noproc,{sys,get_state,[{global,nope}]}}}",
      "{'EXIT',{noproc,{sys,log,[{global,nope},get]}}}",
      "{'EXIT',{noproc,{sys,statistics,[{global,nope},get,10]}}}",
      "{'EXIT',{noproc,{sys,suspend,[{global,nope}]}}}",
    ]);
  });
});
