/**
 * Ports of Elixir 1.14's lib/elixir/test/elixir/task/supervisor_test.exs cases about
 * `Task.Supervisor.async/3` (here `Task.supervisorAsync`) and `async_nolink/3`: the task is a
 * temporary child of the Task.Supervisor, linked to the caller (async) or not (async_nolink), and
 * monitored by it. `wait_and_send` is a fun that sends `ready`, waits for `true`, then sends its
 * atom. Differences from Elixir are stated per case.
 */
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, DynamicSupervisor, fun, type Gen } from "../src/index.js";
import * as Task from "../src/task.js";
import { catching, p, runMain } from "./helpers.js";

const a = atom;

function* startSup(ctx: ProcessContext, maxChildren?: number): Gen<Pid> {
  const r = (yield* Task.supervisorStartLink(ctx, maxChildren === undefined ? {} : { maxChildren })) as Tuple;
  return r.elements[1] as Pid;
}

/** Task.Supervisor.children(sup): the pids of which_children. */
function* children(ctx: ProcessContext, sup: Pid): Gen<string[]> {
  const l = yield* DynamicSupervisor.whichChildren(ctx, sup);
  const out: string[] = [];
  for (let x = l; x instanceof Object && "head" in x; x = (x as { tail: Term }).tail) out.push(p(((x as { head: Term }).head as Tuple).elements[1] as Term));
  return out;
}

const waitAndSend = (parent: Pid, msg: Term): Term =>
  fun(function* (c: ProcessContext) {
    c.send(parent, a("ready"));
    yield* c.receive((m) => m === A.true);
    c.send(parent, msg);
    return msg;
  });

const linksOf = (ctx: ProcessContext): string[] => (ctx.processInfo(ctx.self, ["links"])?.links ?? []).map((l) => p(l));

describe('task/supervisor_test.exs describe "async/1"', () => {
  it('ports supervisor_test.exs "async/1 spawns tasks under the supervisor" (child of sup, linked to the caller, reply then DOWN normal)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      const task = yield* Task.supervisorAsync(ctx, sup, waitAndSend(ctx.self, a("done")));
      log.push(String((yield* children(ctx, sup)).join(",") === p(task.pid)));
      log.push(`linked=${String(linksOf(ctx).includes(p(task.pid)))}`);
      log.push(p(yield* ctx.receive((m) => m === a("ready"))));
      log.push(p(ctx.processInfo(task.pid, ["dictionary"])?.dictionary.find(([k]) => k === a("$initial_call"))?.[1] ?? A.undefined));
      ctx.send(task.pid, A.true);
      const reply = (yield* ctx.receive((m) => m instanceof Tuple && m.elements.length === 2 && p(m.elements[0] as Term) === p(task.ref))) as Tuple;
      log.push(p(reply.elements[1] as Term));
      const down = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN && p(m.elements[1] as Term) === p(task.ref))) as Tuple;
      log.push(p(down.elements[4] as Term));
      log.push(`links=${String(linksOf(ctx).join(",") === p(sup))}`);
    });
    expect(log).toEqual(["true", "linked=true", "ready", "{'Elixir.Task.Supervised',invoke_mfa,2}", "done", "normal", "links=true"]);
  });

  it('ports supervisor_test.exs "async/1 with custom shutdown" (brutal_kill: the supervisor\'s shutdown kills the task)', () => {
    let r = "";
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const sup = yield* startSup(ctx);
      const task = yield* Task.supervisorAsync(ctx, sup, waitAndSend(ctx.self, a("done")), { shutdown: "brutal_kill" });
      ctx.exitSignal(sup, A.shutdown);
      const down = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN && p(m.elements[3] as Term) === p(task.pid))) as Tuple;
      r = p(down.elements[4] as Term);
    });
    expect(r).toBe("killed");
  });

  it('ports supervisor_test.exs "async/1 raises when :max_children is reached" (and "async_nolink/1 raises when :max_children is reached")', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx, 1);
      yield* Task.supervisorAsync(ctx, sup, fun(function* (c: ProcessContext) {
        yield* c.receive(() => false);
        return A.ok;
      }));
      for (const start of [Task.supervisorAsync, Task.asyncNolink]) {
        try {
          yield* start(ctx, sup, fun(() => A.ok));
          log.push("started");
        } catch (e) {
          log.push(e instanceof Task.ElixirRuntimeError && e.message.startsWith("reached the maximum number of tasks for this task supervisor") ? "RuntimeError" : String(e));
        }
      }
    });
    expect(log).toEqual(["RuntimeError", "RuntimeError"]);
  });

  it('ports supervisor_test.exs "async/1 with $callers" ($callers from the caller, $ancestors from the supervisor)', () => {
    const seen: string[] = [];
    let ids = { sup: "", gp: "", parent: "" };
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      const grandparent = ctx.self;
      ids = { ...ids, sup: p(sup), gp: p(grandparent) };
      const task = yield* Task.supervisorAsync(ctx, sup, fun(function* (c: ProcessContext) {
        ids = { ...ids, parent: p(c.self) };
        seen.push(p(c.get(a("$callers"))), p(c.get(a("$ancestors"))));
        const inner = yield* Task.supervisorAsync(c, sup, fun((cc: ProcessContext) => {
          seen.push(p(cc.get(a("$callers"))), p(cc.get(a("$ancestors"))));
          return A.ok;
        }));
        return yield* Task.await_(c, inner);
      }));
      seen.push(p(yield* Task.await_(ctx, task)));
    });
    expect(seen).toEqual([`[${ids.gp}]`, `[${ids.sup},${ids.gp}]`, `[${ids.parent},${ids.gp}]`, `[${ids.sup},${ids.gp}]`, "ok"]);
  });
});

describe('task/supervisor_test.exs describe "await/1" and link semantics', () => {
  it('ports supervisor_test.exs "await/1 exits on task exit" and "exits on task throw/error" (trap_exit; the caller also gets the link\'s EXIT)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const sup = yield* startSup(ctx);
      const t1 = yield* Task.supervisorAsync(ctx, sup, fun((c: ProcessContext) => c.exit(a("unknown"))));
      log.push((yield* catching(Task.await_(ctx, t1))).replace(/\{'Elixir.Task',<[^}]*\}/, "TASK"));
      const t2 = yield* Task.supervisorAsync(ctx, sup, fun((c: ProcessContext) => c.error(a("oops"))));
      log.push((yield* catching(Task.await_(ctx, t2))).replace(/\{'Elixir.Task',<[^}]*\}/, "TASK"));
      const exit1 = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT && p(m.elements[1] as Term) === p(t1.pid))) as Tuple;
      log.push(p(exit1.elements[2] as Term), String(ctx.isAlive(sup)));
    });
    expect(log).toEqual(["{'EXIT',{unknown,{'Elixir.Task',await,[TASK,5000]}}}", "{'EXIT',{{oops,[]},{'Elixir.Task',await,[TASK,5000]}}}", "unknown", "true"]);
  });

  it("beamlab: Task.Supervisor.async links (a crash takes a non-trapping caller down) where async_nolink does not (Elixir's documented difference)", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      for (const start of [Task.asyncNolink, Task.supervisorAsync]) {
        const [, ref] = ctx.spawnMonitor(function* caller(c: ProcessContext) {
          const t = yield* start(c, sup, fun((cc: ProcessContext) => cc.exit(a("crash"))));
          const r = yield* Task.yield_(c, t);
          c.exit(a(`survived ${r === undefined ? "nil" : p(r)}`));
        });
        const down = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN && p(m.elements[1] as Term) === p(ref))) as Tuple;
        log.push(p(down.elements[4] as Term));
      }
      log.push(String(ctx.isAlive(sup)), p(yield* DynamicSupervisor.countChildren(ctx, sup)));
    });
    expect(log).toEqual(["'survived {exit,crash}'", "crash", "true", "#{active => 0,specs => 0,supervisors => 0,workers => 0}"]);
  });

  it('ports supervisor_test.exs "async_nolink/1 with custom shutdown" (the existing asyncNolink takes the shutdown option too)', () => {
    let r = "";
    runMain(function* (ctx) {
      ctx.trapExit(true);
      const sup = yield* startSup(ctx);
      const task = yield* Task.asyncNolink(ctx, sup, waitAndSend(ctx.self, a("done")), { shutdown: "brutal_kill" });
      ctx.exitSignal(sup, A.shutdown);
      const down = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN && p(m.elements[3] as Term) === p(task.pid))) as Tuple;
      r = p(down.elements[4] as Term);
    });
    expect(r).toBe("killed");
  });
});
