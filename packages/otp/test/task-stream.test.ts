/**
 * Ports of Elixir 1.14's lib/elixir/test/elixir/task_test.exs `async_stream` cases (and the
 * async_stream / async_stream_nolink cases of task/supervisor_test.exs). `sleep/1` is a task fun
 * that sleeps N virtual ms and returns N (`infinity`: blocks forever); `Enum.to_list` is
 * `Task.asyncStream` (it returns the results as a JS array); `Enum.take(n)` is the *Reduce form
 * with a reducer that halts after n results; `refute_received _` is a `receive after 0` that
 * must find nothing. Differences from Elixir are stated per case.
 */
import { atom, binary, list, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, fun, type Gen } from "../src/index.js";
import * as Task from "../src/task.js";
import { p, runMain } from "./helpers.js";

const a = atom;
const show = (results: readonly Term[]): string => p(list(results));

/** TaskTest.sleep/1: Process.sleep(n); n. */
const sleep = fun(function* (c: ProcessContext, n: Term) {
  if (n === A.infinity) yield* c.receive(() => false);
  yield* c.sleep(n as number);
  return n;
});
/** `&exit/1`. */
const exitWith = fun((c: ProcessContext, r: Term) => c.exit(r));

/** Enum.take(n) as a reducer. */
const take =
  (n: number): Task.StreamReducer<Term[]> =>
  (r, acc) => {
    acc.push(r);
    return [acc.length >= n ? "halt" : "cont", acc];
  };

/** refute_received _: nothing left in the caller's mailbox. */
function* mailboxEmpty(ctx: ProcessContext): Gen<boolean> {
  return (yield* ctx.receive(undefined, { after: 0 })) === undefined;
}

const linksOf = (ctx: ProcessContext): string[] => (ctx.processInfo(ctx.self, ["links"])?.links ?? []).map((l) => p(l)).sort();

describe("task_test.exs describe \"async_stream/2\"", () => {
  it('ports task_test.exs "async_stream/2 timeout" (the caller exits {timeout, {Task.Supervised, stream, [0]}}; nothing left in its mailbox)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      try {
        yield* Task.asyncStream(ctx, [A.infinity], sleep, { timeout: 0 });
        log.push("no exit");
      } catch (e) {
        log.push(p((e as { reason: Term }).reason));
      }
      log.push(String(yield* mailboxEmpty(ctx)));
    });
    expect(log).toEqual(["{timeout,{'Elixir.Task.Supervised',stream,[0]}}", "true"]);
  });

  it('ports task_test.exs "async_stream/2 streams an enumerable with ordered: false" (completion order; virtual time shows the concurrency)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const t0 = ctx.now();
      log.push(show(yield* Task.asyncStream(ctx, [4, 3, 2, 1].map((n) => n * 100), sleep, { maxConcurrency: 1, ordered: false })));
      log.push(`took ${ctx.now() - t0}`);
      const t1 = ctx.now();
      log.push(show(yield* Task.asyncStream(ctx, [4, 3, 2, 1].map((n) => n * 100), sleep, { maxConcurrency: 4, ordered: false })));
      log.push(`took ${ctx.now() - t1}`);
    });
    expect(log).toEqual(["[{ok,400},{ok,300},{ok,200},{ok,100}]", "took 1000", "[{ok,100},{ok,200},{ok,300},{ok,400}]", "took 400"]);
  });

  it('ports task_test.exs "async_stream/2 streams an enumerable with ordered: false, on_timeout: :kill_task"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      log.push(show(yield* Task.asyncStream(ctx, [100, 1, 100, 1], sleep, { maxConcurrency: 4, ordered: false, onTimeout: "kill_task", timeout: 50 })));
      log.push(String(yield* mailboxEmpty(ctx)));
    });
    expect(log).toEqual(["[{ok,1},{ok,1},{exit,timeout},{exit,timeout}]", "true"]);
  });

  it('ports task_test.exs "async_stream/2 streams an enumerable with infinite timeout" (and an Erlang list as the enumerable)', () => {
    let r = "";
    runMain(function* (ctx) {
      r = show(yield* Task.asyncStream(ctx, list([1]), fun(() => A.ok), { timeout: "infinity" }));
    });
    expect(r).toBe("[{ok,ok}]");
  });

  it('ports task_test.exs "async_stream/2 with $callers" (nested streams: [grandparent], then [parent, grandparent])', () => {
    const seen: string[] = [];
    runMain(function* (ctx) {
      const grandparent = ctx.self;
      const inner = fun((c: ProcessContext) => {
        seen.push(p(c.get(a("$callers"))));
        c.send(grandparent, a("done"));
        return A.ok;
      });
      const outer = fun(function* (c: ProcessContext) {
        seen.push(p(c.get(a("$callers"))));
        seen.push(`parent=${p(c.self)}`);
        yield* Task.asyncStream(c, [1], inner);
        return A.ok;
      });
      yield* Task.asyncStream(ctx, [1], outer);
      seen.push(p(yield* ctx.receive((m) => m === a("done"))));
      seen.push(`grandparent=${p(grandparent)}`);
    });
    const gp = (seen.find((x) => x.startsWith("grandparent=")) ?? "").slice("grandparent=".length);
    const parent = (seen.find((x) => x.startsWith("parent=")) ?? "").slice("parent=".length);
    expect(seen[0]).toBe(`[${gp}]`);
    expect(seen[2]).toBe(`[${parent},${gp}]`);
    expect(seen).toContain("done");
  });
});

describe.each([
  ["==", 4],
  ["<", 2],
  [">", 8],
])('task_test.exs describe "async_stream with max_concurrency %s tasks"', (desc, concurrency) => {
  const opts: Task.AsyncStreamOptions = { maxConcurrency: concurrency };

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks streams an enumerable with fun" and "without leaking tasks"`, () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      log.push(show(yield* Task.asyncStream(ctx, [1, 2, 3, 4], sleep, opts)));
      log.push(String(yield* mailboxEmpty(ctx)), String(ctx.processes().length));
    });
    expect(log).toEqual(["[{ok,1},{ok,2},{ok,3},{ok,4}]", "true", "1"]);
  });

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks streams an enumerable with slowest first" (trap_exit; input order kept)`, () => {
    let r = "";
    runMain(function* (ctx) {
      ctx.trapExit(true);
      r = show(yield* Task.asyncStream(ctx, [4, 3, 2, 1], sleep, opts));
    });
    expect(r).toBe("[{ok,4},{ok,3},{ok,2},{ok,1}]");
  });

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks streams an enumerable with exits" (trap_exit: {exit, R}; no 'EXIT' left)`, () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      log.push(show(yield* Task.asyncStream(ctx, [1, 2, 3, 4], exitWith, opts)));
      log.push(String(yield* mailboxEmpty(ctx)));
    });
    expect(log).toEqual(["[{exit,1},{exit,2},{exit,3},{exit,4}]", "true"]);
  });

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks shuts down unused tasks" and "without leaking messages" (Enum.take(1) → a halting reducer)`, () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const r = yield* Task.asyncStreamReduce(ctx, [0, A.infinity, A.infinity, A.infinity], sleep, opts, [], take(1));
      log.push(show(r), `links=${linksOf(ctx).join(",")}`, String(yield* mailboxEmpty(ctx)), String(ctx.processes().length));
    });
    expect(log).toEqual(["[{ok,0}]", "links=", "true", "1"]);
  });

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks with inner halt on success" (Stream.take(4) → a JS generator) and "terminates outer effect"`, () => {
    const log: string[] = [];
    let finalized = false;
    function* inner(): Generator<Term, void, undefined> {
      try {
        for (let i = 1; i <= 8; i++) {
          if (i > 4) return;
          yield i;
        }
      } finally {
        finalized = true;
      }
    }
    runMain(function* (ctx) {
      log.push(show(yield* Task.asyncStream(ctx, inner(), sleep, opts)));
    });
    expect(log).toEqual(["[{ok,1},{ok,2},{ok,3},{ok,4}]"]);
    expect(finalized).toBe(true);
  });

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks with outer halt and slowest first" (the halted input generator is return()ed)`, () => {
    let r = "";
    let pulled = 0;
    let returned = false;
    function* input(): Generator<Term, void, undefined> {
      try {
        for (let i = 8; i >= 1; i--) {
          pulled++;
          yield i;
        }
      } finally {
        returned = true;
      }
    }
    runMain(function* (ctx) {
      r = show(yield* Task.asyncStreamReduce(ctx, input(), sleep, opts, [], take(4)));
    });
    expect(r).toBe("[{ok,8},{ok,7},{ok,6},{ok,5}]");
    expect(returned).toBe(true);
    // no more than max_concurrency elements ahead of the last one delivered were pulled
    expect(pulled).toBeLessThanOrEqual(4 + concurrency);
  });

  it(`ports task_test.exs "async_stream with max_concurrency ${desc} tasks with :on_timeout set to :kill_task"`, () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      log.push(show(yield* Task.asyncStream(ctx, [100, 1, 100, 1], sleep, { ...opts, onTimeout: "kill_task", timeout: 50 })));
      log.push(String(yield* mailboxEmpty(ctx)));
    });
    expect(log).toEqual(["[{exit,timeout},{ok,1},{exit,timeout},{ok,1}]", "true"]);
  });

  it(`beamlab: never more than max_concurrency (${concurrency}) tasks alive at once (Elixir's guarantee, measured with is_process_alive)`, () => {
    const pids: Pid[] = [];
    let most = 0;
    const probe = fun(function* (c: ProcessContext, n: Term) {
      pids.push(c.self);
      most = Math.max(most, pids.filter((x) => c.isAlive(x)).length);
      yield* c.sleep(((n as number) % 3) * 7 + 1);
      return n;
    });
    let r = "";
    runMain(function* (ctx) {
      r = show(yield* Task.asyncStream(ctx, Array.from({ length: 20 }, (_, i) => i), probe, { ...opts, ordered: false }));
    });
    expect(pids).toHaveLength(20);
    expect(most).toBe(Math.min(concurrency, 20));
    expect(r.match(/\{ok,\d+\}/g)).toHaveLength(20);
  });
});

describe("async_stream beyond task_test.exs", () => {
  it("beamlab: max_concurrency defaults to System.schedulers_online() = 1 in the simulator (tasks run one after another)", () => {
    let took = 0;
    let r = "";
    runMain(function* (ctx) {
      const t0 = ctx.now();
      r = show(yield* Task.asyncStream(ctx, [10, 10, 10], sleep));
      took = ctx.now() - t0;
    });
    expect(r).toBe("[{ok,10},{ok,10},{ok,10}]");
    expect(took).toBe(30);
  });

  it('ports Elixir 1.14\'s zip_input_on_exit (task_test.exs "streams an enumerable with exits" / ":kill_task" with zip_input_on_exit: true): {exit, {Input, Reason}}', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      ctx.trapExit(true);
      log.push(show(yield* Task.asyncStream(ctx, [1, 2], exitWith, { maxConcurrency: 2, zipInputOnExit: true })));
      log.push(show(yield* Task.asyncStream(ctx, [100, 1], sleep, { maxConcurrency: 2, onTimeout: "kill_task", timeout: 50, zipInputOnExit: true })));
    });
    expect(log).toEqual(["[{exit,{1,1}},{exit,{2,2}}]", "[{exit,{100,timeout}},{ok,1}]"]);
  });

  it("beamlab: a linked task exiting abnormally takes a non-trapping caller down with its reason (Elixir's async_stream link semantics); nothing survives", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const me = ctx.self;
      const [, ref] = ctx.spawnMonitor(function* caller(c: ProcessContext) {
        const bad = fun((cc: ProcessContext, n: Term) => (n === 2 ? cc.exit(a("boom")) : n));
        yield* Task.asyncStream(c, [1, 2, 3], bad, { maxConcurrency: 3 });
        c.send(me, a("not_reached"));
      });
      const down = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN && p(m.elements[1] as Term) === p(ref))) as Tuple;
      log.push(p(down.elements[4] as Term));
      yield* ctx.sleep(1);
      log.push(String(yield* mailboxEmpty(ctx)), String(ctx.processes().length));
    });
    expect(log).toEqual(["boom", "true", "1"]);
  });

  it("beamlab: an uncaught on_timeout exit kills the caller, its stream monitor and the remaining tasks", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const [, ref] = ctx.spawnMonitor(function* caller(c: ProcessContext) {
        yield* Task.asyncStream(c, [10, 1000, 2000], sleep, { maxConcurrency: 3, timeout: 100 });
      });
      const down = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.DOWN && p(m.elements[1] as Term) === p(ref))) as Tuple;
      log.push(p(down.elements[4] as Term), `at ${ctx.now()}`);
      yield* ctx.sleep(1);
      log.push(String(ctx.processes().length));
    });
    expect(log).toEqual(["{timeout,{'Elixir.Task.Supervised',stream,[100]}}", "at 100", "1"]);
  });

  it("beamlab: invalid options raise ArgumentError (TypeError here) as Elixir 1.14's stream does", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      for (const o of [{ maxConcurrency: 0 }, { onTimeout: "nope" as "exit" }, { timeout: -1 }]) {
        try {
          yield* Task.asyncStream(ctx, [1], sleep, o);
          log.push("accepted");
        } catch (e) {
          log.push(e instanceof TypeError ? (e.message.split(" ")[0] ?? "") : "other");
        }
      }
      log.push(String(ctx.processes().length));
    });
    expect(log).toEqual([":max_concurrency", ":on_timeout", ":timeout", "1"]);
  });

  it("beamlab: a reducer that throws closes the stream (no monitor or task left) and the exception reaches the caller", () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      try {
        yield* Task.asyncStreamReduce(ctx, [1, A.infinity, A.infinity], sleep, { maxConcurrency: 3 }, 0, () => {
          throw new Error("reducer failed");
        });
      } catch (e) {
        log.push((e as Error).message);
      }
      log.push(String(ctx.processes().length), String(yield* mailboxEmpty(ctx)), `links=${linksOf(ctx).join(",")}`);
    });
    expect(log).toEqual(["reducer failed", "1", "true", "links="]);
  });
});

describe('task/supervisor_test.exs describe "async_stream" and "async_stream_nolink"', () => {
  const startSup = function* (ctx: ProcessContext, maxChildren?: number): Gen<Pid> {
    const r = (yield* Task.supervisorStartLink(ctx, maxChildren === undefined ? {} : { maxChildren })) as Tuple;
    return r.elements[1] as Pid;
  };

  it('ports supervisor_test.exs "async_stream streams an enumerable with fun", "with slowest first" and "without leaking tasks"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      log.push(show(yield* Task.supervisorAsyncStream(ctx, sup, [1, 2, 3, 4], sleep)));
      ctx.trapExit(true);
      log.push(show(yield* Task.supervisorAsyncStream(ctx, sup, [4, 3, 2, 1], sleep, { maxConcurrency: 4 })));
      log.push(String(yield* mailboxEmpty(ctx)), String(ctx.processes().length));
    });
    expect(log).toEqual(["[{ok,1},{ok,2},{ok,3},{ok,4}]", "[{ok,4},{ok,3},{ok,2},{ok,1}]", "true", "2"]);
  });

  it('ports supervisor_test.exs "async_stream streams an enumerable with exits" (trap_exit) and "async_stream_nolink streams an enumerable with exits" (no trap needed)', () => {
    const log: string[] = [];
    const yieldAndExit = fun(function* (c: ProcessContext, v: Term) {
      yield* c.yield();
      return c.exit(v);
    });
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      const me = ctx.self;
      // nolink first, from a caller that does not trap exits
      log.push(show(yield* Task.supervisorAsyncStreamNolink(ctx, sup, [1, 2, 3, 4], yieldAndExit, { maxConcurrency: 4 })));
      log.push(String(ctx.isAlive(me)));
      ctx.trapExit(true);
      const strings = [1, 2, 3, 4].map((n) => binary(String(n)));
      log.push(show(yield* Task.supervisorAsyncStream(ctx, sup, strings, yieldAndExit)));
      log.push(String(yield* mailboxEmpty(ctx)));
    });
    expect(log).toEqual(["[{exit,1},{exit,2},{exit,3},{exit,4}]", "true", '[{exit,<<49>>},{exit,<<50>>},{exit,<<51>>},{exit,<<52>>}]' /* "1".."4" */, "true"]);
  });

  it('ports supervisor_test.exs "async_stream shuts down unused tasks" and "async_stream_nolink shuts down unused tasks" (links: [supervisor]; no messages)', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      const input = [0, A.infinity, A.infinity, A.infinity];
      log.push(show(yield* Task.supervisorAsyncStreamReduce(ctx, sup, "link", input, sleep, {}, [], take(1))));
      log.push(String(linksOf(ctx).join(",") === p(sup)), String(yield* mailboxEmpty(ctx)));
      log.push(show(yield* Task.supervisorAsyncStreamReduce(ctx, sup, "nolink", input, sleep, { maxConcurrency: 4 }, [], take(1))));
      log.push(String(linksOf(ctx).join(",") === p(sup)), String(yield* mailboxEmpty(ctx)));
      yield* ctx.sleep(1);
      log.push(String(ctx.processes().length));
    });
    expect(log).toEqual(["[{ok,0}]", "true", "true", "[{ok,0}]", "true", "true", "2"]);
  });

  it('ports supervisor_test.exs "async_stream / async_stream_nolink raises an error if :max_children is reached with clean stream shutdown"', () => {
    const log: string[] = [];
    runMain(function* (ctx) {
      const unused = yield* startSup(ctx);
      const sup = yield* startSup(ctx, 1);
      for (const link of ["link", "nolink"] as const) {
        try {
          yield* Task.supervisorAsyncStreamReduce(ctx, sup, link, [A.infinity, A.infinity, A.infinity], sleep, { maxConcurrency: 2 }, [] as Term[], (r, acc) => [("cont"), [...acc, r]]);
          log.push("no raise");
        } catch (e) {
          log.push(e instanceof Task.ElixirRuntimeError && e.message.includes("reached the maximum number of tasks") ? "RuntimeError" : String(e));
          log.push(p((e as Task.ElixirRuntimeError).reason).startsWith("#{'__exception__' => true,'__struct__' => 'Elixir.RuntimeError'") ? "struct" : p((e as Task.ElixirRuntimeError).reason));
        }
        log.push(String(linksOf(ctx).join(",") === [p(unused), p(sup)].sort().join(",")), String(yield* mailboxEmpty(ctx)));
      }
    });
    expect(log).toEqual(["RuntimeError", "struct", "true", "true", "RuntimeError", "struct", "true", "true"]);
  });

  it('ports supervisor_test.exs "async_stream with $callers" (callers [grandparent], ancestors [sup, grandparent])', () => {
    const seen: string[] = [];
    let ids = { sup: "", gp: "", parent: "" };
    runMain(function* (ctx) {
      const sup = yield* startSup(ctx);
      const grandparent = ctx.self;
      const inner = fun((c: ProcessContext) => {
        seen.push(p(c.get(a("$callers"))), p(c.get(a("$ancestors"))));
        c.send(grandparent, a("done"));
        return A.ok;
      });
      const outer = fun(function* (c: ProcessContext) {
        seen.push(p(c.get(a("$callers"))), p(c.get(a("$ancestors"))));
        ids = { ...ids, parent: p(c.self) };
        yield* Task.supervisorAsyncStream(c, sup, [1], inner);
        return A.ok;
      });
      ids = { ...ids, sup: p(sup), gp: p(grandparent) };
      yield* Task.supervisorAsyncStream(ctx, sup, [1], outer);
      seen.push(p(yield* ctx.receive((m) => m === a("done"))));
    });
    expect(seen).toEqual([`[${ids.gp}]`, `[${ids.sup},${ids.gp}]`, `[${ids.parent},${ids.gp}]`, `[${ids.sup},${ids.gp}]`, "done"]);
  });
});
