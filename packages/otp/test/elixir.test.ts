/**
 * Ports of Elixir's lib/elixir/test/elixir/task_test.exs, agent_test.exs and
 * dynamic_supervisor_test.exs (Elixir 1.14). Funs are `fun(jsFunction)` (Erlang funs whose code
 * is a JS function); `nil` is `undefined` in the TS API. Differences are stated per case.
 */
import { atom, nil, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, Agent, DynamicSupervisor, fun, GenServer, Task, type Gen } from "../src/index.js";
import { catching, p, runMain } from "./helpers.js";

const a = atom;
const show = (x: Term | undefined): string => (x === undefined ? "undefined" : p(x));
const t = (...e: Term[]): Tuple => new Tuple(e);

describe("task_test.exs", () => {
  it('ports task_test.exs "async/1" and "await/2 returns the reply" (the task exits after replying)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const task = Task.async(ctx, fun(() => a("done")));
      log.push(p(yield* Task.await_(ctx, task)));
      yield* ctx.sleep(1);
      log.push(String(ctx.isAlive(task.pid)));
      log.push(p((ctx.processInfo(ctx.self, ["links"])?.links ?? []).length));
    });
    expect(log).toEqual(["done", "false", "0"]);
  });

  it('ports task_test.exs "await/2 exits on timeout" and "await/2 exits on task exit"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const slow = Task.async(ctx, fun(function* (c: ProcessContext) {
        yield* c.sleep(1000);
        return A.ok;
      }));
      log.push(yield* catching(Task.await_(ctx, slow, 10)));
      ctx.trapExit(true);
      const bad = Task.async(ctx, fun((c: ProcessContext) => c.exit(a("unknown"))));
      log.push(yield* catching(Task.await_(ctx, bad)));
    });
    expect(log[0]).toMatch(/^\{'EXIT',\{timeout,\{'Elixir.Task',await,\[\{'Elixir.Task',<0\.\d+\.0>,#Ref<[\d.]+>,<0\.1\.0>\},10\]\}\}\}$/);
    expect(log[1]).toMatch(/^\{'EXIT',\{unknown,\{'Elixir.Task',await,/);
  });

  it('ports task_test.exs "await/2 raises when invoked from a non-owner process"', () => {
    let r = "";
    runMain(function* (ctx) {
      const task = Task.async(ctx, fun(() => A.ok));
      const me = ctx.self;
      ctx.spawn(function* other(c: ProcessContext) {
        try {
          yield* Task.await_(c, task);
        } catch (e) {
          c.send(me, a(e instanceof TypeError ? "argument_error" : "other"));
        }
      });
      r = p(yield* ctx.receive((m) => m === a("argument_error") || m === a("other")));
      yield* Task.await_(ctx, task);
    });
    expect(r).toBe("argument_error");
  });

  it('ports task_test.exs "await_many/2 returns list of replies" and "await_many/2 exits on timeout"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const tasks = [3, 1, 2].map((n) =>
        Task.async(ctx, fun(function* (c: ProcessContext) {
          yield* c.sleep(n * 10);
          return n;
        })),
      );
      log.push(`[${(yield* Task.awaitMany(ctx, tasks)).map((x) => p(x)).join(",")}]`);
      const slow = [Task.async(ctx, fun(function* (c: ProcessContext) {
        yield* c.sleep(1000);
        return A.ok;
      }))];
      try {
        yield* Task.awaitMany(ctx, slow, 10);
      } catch (e) {
        log.push(p((e as { reason: Term }).reason).replace(/\[\{.*\}\]/, "[TASKS]"));
      }
    });
    expect(log).toEqual(["[3,1,2]", "{timeout,{'Elixir.Task',await_many,[[TASKS],10]}}"]);
  });

  it('ports task_test.exs "yield/2 returns {:ok, result} when reply and :DOWN in message queue" and "yield/2 returns nil on timeout"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const slow = Task.async(ctx, fun(function* (c: ProcessContext) {
        yield* c.sleep(100);
        return a("late");
      }));
      log.push(show(yield* Task.yield_(ctx, slow, 10)));
      log.push(p((yield* Task.yield_(ctx, slow, 1000)) as Term));
      ctx.trapExit(true);
      const crash = Task.async(ctx, fun((c: ProcessContext) => c.exit(a("boom"))));
      log.push(p((yield* Task.yield_(ctx, crash)) as Term));
    });
    expect(log).toEqual(["undefined", "{ok,late}", "{exit,boom}"]);
  });

  it('ports task_test.exs "shutdown/2 returns nil on shutting down task", "returns {:ok, result} when reply in queue" and ":brutal_kill"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const slow = Task.async(ctx, fun(function* (c: ProcessContext) {
        yield* c.sleep(1000);
        return A.ok;
      }));
      log.push(show(yield* Task.shutdown(ctx, slow)), String(ctx.isAlive(slow.pid)));
      const quick = Task.async(ctx, fun(() => a("result")));
      yield* ctx.sleep(1);
      log.push(p((yield* Task.shutdown(ctx, quick)) as Term));
      const trap = Task.async(ctx, fun(function* (c: ProcessContext) {
        c.trapExit(true);
        yield* c.sleep(100000);
        return A.ok;
      }));
      yield* ctx.sleep(1);
      log.push(show(yield* Task.shutdown(ctx, trap, "brutal_kill")), String(ctx.isAlive(trap.pid)));
    });
    expect(log).toEqual(["undefined", "false", "{ok,result}", "undefined", "false"]);
  });

  it('ports task_test.exs "start/1" and "start_link/1" (no reply; start_link links)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const me = ctx.self;
      const r1 = Task.start(ctx, fun((c: ProcessContext) => c.send(me, a("from_start"))));
      const r2 = Task.startLink(ctx, fun(function* (c: ProcessContext) {
        yield* c.receive();
        return c.send(me, a("from_start_link"));
      }));
      const pid2 = (r2 as Tuple).elements[1] as Pid;
      log.push(p((r1 as Tuple).elements[0] as Term), String((ctx.processInfo(ctx.self, ["links"])?.links ?? []).some((l) => p(l) === p(pid2))));
      log.push(p(yield* ctx.receive()));
      ctx.send(pid2, A.ok);
      log.push(p(yield* ctx.receive()));
    });
    expect(log).toEqual(["ok", "true", "from_start", "from_start_link"]);
  });

  it('ports task_test.exs Task.Supervisor "start_child/2" and "async_nolink/2" (crash does not take the caller down)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = ((yield* Task.supervisorStartLink(ctx)) as Tuple).elements[1] as Pid;
      const me = ctx.self;
      const r = (yield* Task.supervisorStartChild(ctx, sup, fun((c: ProcessContext) => c.send(me, a("hello"))))) as Tuple;
      log.push(p(r.elements[0] as Term), p(yield* ctx.receive()));
      const ok = yield* Task.asyncNolink(ctx, sup, fun(() => 42));
      log.push(p(yield* Task.await_(ctx, ok)));
      const crash = yield* Task.asyncNolink(ctx, sup, fun((c: ProcessContext) => c.exit(a("oops"))));
      log.push(p((yield* Task.yield_(ctx, crash)) as Term), String(ctx.isAlive(sup)));
      log.push(p(yield* DynamicSupervisor.countChildren(ctx, sup)));
    });
    expect(log).toEqual(["ok", "hello", "42", "{exit,oops}", "true", "#{active => 0,specs => 0,supervisors => 0,workers => 0}"]);
  });
});

describe("agent_test.exs", () => {
  it('ports agent_test.exs "start_link/2 workflow with unregistered name and anonymous functions" (get, update, cast, stop)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const pid = ((yield* Agent.startLink(ctx, fun(() => nil))) as Tuple).elements[1] as Pid;
      log.push(p(yield* Agent.get(ctx, pid, fun((_c: ProcessContext, s: Term) => s))));
      log.push(p(yield* Agent.update(ctx, pid, fun((c: ProcessContext, s: Term) => c.alloc(t(a("foo"), s))))));
      log.push(p(yield* Agent.get(ctx, pid, fun((_c: ProcessContext, s: Term) => s))));
      log.push(p(Agent.cast(ctx, pid, fun(() => a("bar")))));
      log.push(p(yield* Agent.get(ctx, pid, fun((_c: ProcessContext, s: Term) => s))));
      log.push(p(yield* Agent.stop(ctx, pid)), String(ctx.isAlive(pid)));
    });
    expect(log).toEqual(["[]", "ok", "{foo,[]}", "ok", "bar", "ok", "false"]);
  });

  it('ports agent_test.exs "get_and_update/3" and a bad return (stops with {bad_return_value, V})', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const pid = ((yield* Agent.startLink(ctx, fun(() => 1), { name: "counter" })) as Tuple).elements[1] as Pid;
      log.push(p(yield* Agent.getAndUpdate(ctx, "counter", fun((_c: ProcessContext, s: Term) => t(s, (s as number) + 1)))));
      log.push(p(yield* Agent.get(ctx, "counter", fun((_c: ProcessContext, s: Term) => s))));
      log.push(yield* catching(Agent.getAndUpdate(ctx, pid, fun(() => a("not_a_tuple")))));
    });
    expect(log[0]).toBe("1");
    expect(log[1]).toBe("2");
    expect(log[2]).toMatch(/^\{'EXIT',\{\{bad_return_value,not_a_tuple\},\{gen_server,call,/);
  });

  it('ports agent_test.exs "start/2 with spawn_opt / name already taken" ({error, {already_started, Pid}})', () => {
    let r = "";
    let pidS = "";
    runMain(function* (ctx) {
      const first = ((yield* Agent.start(ctx, fun(() => 0), { name: "agent" })) as Tuple).elements[1] as Pid;
      pidS = p(first);
      r = p(yield* Agent.start(ctx, fun(() => 0), { name: "agent" }));
    });
    expect(r).toBe(`{error,{already_started,${pidS}}}`);
  });
});

describe("Agent.Server.init/1 as compiled (Elixir 1.14)", () => {
  it("puts the fun's {Module, Name, 0} as '$initial_call' before running it: 13 heap words more than a plain gen_server's init", () => {
    const seen: Record<string, { htop: number; ic: string }> = {};
    const probe = (label: string) => (c: ProcessContext): Term => {
      seen[label] = { htop: c.heap.state.htop, ic: p(c.get(a("$initial_call"))) };
      return A.ok;
    };
    const plain: GenServer.GenServerModule = { name: "probe", init: (c) => GenServer.ok(probe("gen_server")(c)) };
    runMain(function* (ctx) {
      yield* Agent.startLink(ctx, fun(probe("agent")));
      yield* GenServer.startLink(ctx, plain, fun(() => A.ok));
    });
    expect(seen.gen_server?.ic).toBe("{probe,init,1}");
    expect(seen.agent?.ic).toMatch(/^\{beamlab_fun,'-fun-\d+-',0\}$/);
    // fun_info(F, module) and fun_info(F, name) results (3 + 3), {M, N, 0} (4), the dictionary tuple (3)
    expect((seen.agent?.htop ?? 0) - (seen.gen_server?.htop ?? 0)).toBe(13);
  });
});

describe("dynamic_supervisor_test.exs", () => {
  const child = (ctx: ProcessContext, ...args: Term[]): Gen<Term> =>
    GenServer.startLink(ctx, { name: "Elixir.Child", init: (_c, x) => GenServer.ok(x), handleCall: (_c, _r, _f, s) => GenServer.reply(s, s) }, t(...args));

  it('ports dynamic_supervisor_test.exs "start_child/2 with max_children"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = ((yield* DynamicSupervisor.startLink(ctx, { maxChildren: 1 })) as Tuple).elements[1] as Pid;
      log.push(p(((yield* DynamicSupervisor.startChild(ctx, sup, { id: a("c"), start: { fn: child } })) as Tuple).elements[0] as Term));
      log.push(p(yield* DynamicSupervisor.startChild(ctx, sup, { id: a("c"), start: { fn: child } })));
    });
    expect(log).toEqual(["ok", "{error,max_children}"]);
  });

  it('ports dynamic_supervisor_test.exs "start_child/2 with extra_arguments"', () => {
    let r = "";
    runMain(function* (ctx) {
      const sup = ((yield* DynamicSupervisor.startLink(ctx, { extraArguments: [a("extra")] })) as Tuple).elements[1] as Pid;
      const c = ((yield* DynamicSupervisor.startChild(ctx, sup, { id: a("c"), start: { fn: child, args: [a("arg")] } })) as Tuple).elements[1] as Pid;
      r = p(yield* GenServer.call(ctx, c, a("state")));
    });
    expect(r).toBe("{extra,arg}");
  });

  it('ports dynamic_supervisor_test.exs "terminate_child/2" and "restarting children" (permanent restarted, max_restarts → shutdown)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const sup = ((yield* DynamicSupervisor.startLink(ctx, { maxRestarts: 1 })) as Tuple).elements[1] as Pid;
      const c1 = ((yield* DynamicSupervisor.startChild(ctx, sup, { id: a("c"), start: { fn: child } })) as Tuple).elements[1] as Pid;
      log.push(p(yield* DynamicSupervisor.terminateChild(ctx, sup, c1)), String(ctx.isAlive(c1)));
      log.push(p(yield* DynamicSupervisor.terminateChild(ctx, sup, c1)));
      const c2 = ((yield* DynamicSupervisor.startChild(ctx, sup, { id: a("c"), start: { fn: child } })) as Tuple).elements[1] as Pid;
      ctx.exitSignal(c2, a("boom"));
      yield* ctx.sleep(1);
      log.push(p(yield* DynamicSupervisor.countChildren(ctx, sup)));
      const w = (yield* DynamicSupervisor.whichChildren(ctx, sup)) as { head: Tuple };
      ctx.exitSignal(w.head.elements[1] as Pid, a("boom"));
      const e = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT)) as Tuple;
      log.push(p(e.elements[2] as Term));
    });
    expect(log).toEqual(["ok", "false", "{error,not_found}", "#{active => 1,specs => 1,supervisors => 0,workers => 1}", "shutdown"]);
  });
});

