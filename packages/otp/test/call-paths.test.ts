/**
 * The heap words of OTP 25's gen:call (infinity clause) and of Elixir 1.14's
 * `DynamicSupervisor.start_child(Sup, {Module, Arg})` on the caller, as their compiled code
 * allocates them (beam_disasm of gen.beam and the Elixir modules; the BEAM's own figures for the
 * whole path are in fixtures/scenarios.json through the agent-vs-task twin test).
 */
import { atom, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { Agent, DynamicSupervisor, fun, GenServer, Task } from "../src/index.js";
import { runMain } from "./helpers.js";

/** Words the caller's heap grows by while `body` runs (no collection may happen in between). */
function* wordsOf(ctx: ProcessContext, body: () => Generator<unknown, unknown, unknown>): Generator<unknown, number, unknown> {
  const before = ctx.heap.state.htop;
  const gcs = ctx.heap.state.minorCount + ctx.heap.state.majorCount;
  yield* body();
  expect(ctx.heap.state.minorCount + ctx.heap.state.majorCount).toBe(gcs);
  return ctx.heap.state.htop - before;
}

describe("gen:call with timeout infinity (OTP 25 gen:do_call/4's first clause)", () => {
  const echo: GenServer.GenServerModule = { name: "echo", init: () => GenServer.ok(0), handleCall: (_c, req, from, st) => { seen.push(printTerm(from)); return GenServer.reply(req, st); } };
  const seen: string[] = [];

  it("tags the call with a plain monitor ref: the server gets {Pid, Ref}; the caller builds ref, message and {ok, Reply}", () => {
    const words: number[] = [];
    runMain(function* (ctx) {
      const srv = ((yield* GenServer.startLink(ctx, echo, 0)) as Tuple).elements[1] as Pid;
      ctx.garbageCollect();
      words.push(yield* wordsOf(ctx, () => GenServer.call(ctx, srv, atom("ping"), "infinity")));
      words.push(yield* wordsOf(ctx, () => GenServer.call(ctx, srv, atom("ping"), 5000)));
    });
    expect(seen[0]).toMatch(/^\{<0\.1\.0>,#Ref<[\d.]+>\}$/);
    expect(seen[1]).toMatch(/^\{<0\.1\.0>,\[alias\|#Ref<[\d.]+:pid>\]\}$/);
    // monitor ref 3, {self(), Mref} 3 + {'$gen_call', From, ping} 4, the reply {Mref, ping} 3 + its ref 3, {ok, ping} 3
    expect(words[0]).toBe(3 + 7 + 6 + 3);
  });
});

describe("DynamicSupervisor.start_child(Sup, {Module, Arg}) (Elixir 1.14)", () => {
  it("builds Elixir's child spec and validate_child's tuples on the caller's heap: 65 words for an Agent of a 2-variable fun, 67 for a Task", () => {
    const words: number[] = [];
    runMain(function* (ctx) {
      const sup = ((yield* DynamicSupervisor.startLink(ctx, {})) as Tuple).elements[1] as Pid;
      ctx.garbageCollect();
      for (const m of ["Elixir.Agent", "Elixir.Task"] as const) {
        const f = fun((c: ProcessContext): Term => c.self, [1, 48]);
        words.push(
          yield* wordsOf(ctx, () =>
            DynamicSupervisor.startChildModuleArg(ctx, sup, m === "Elixir.Agent" ? { module: m, arg: f, start: (c, g) => Agent.startLink(c, g) } : { module: m, arg: f, start: (c, g) => Task.startLink(c, g), restart: "temporary" }),
          ),
        );
      }
    });
    // {Agent, Fun} 3 + Fun 7; child_spec: [Fun] 2, {M, start_link, [Fun]} 4, the map 8 (10 with restart), the reduce fun 5;
    // validate_child: {MFA, R, S, T, [M]} 6 + [M] 2, {ok, Child} 3; {start_child, Child} 3; gen:call 3 + 7 + 6 + 3
    expect(words).toEqual([10 + 19 + 11 + 3 + 22, 10 + 21 + 11 + 3 + 22]);
  });
});

describe("Task.start_link(fun) (Elixir 1.14)", () => {
  it("builds {erlang, apply, [Fun | [[]]]}, the owner, the callers and Task.Supervised's argument list on the caller's heap", () => {
    let words = 0;
    runMain(function* (ctx) {
      ctx.garbageCollect();
      const f = fun((): Term => atom("ok"));
      ctx.alloc(f);
      words = yield* wordsOf(ctx, function* () {
        Task.startLink(ctx, f);
        yield* ctx.call();
      });
    });
    // MFA 4 + [Fun | [[]]] 2 (its tail a literal), {node(), Pid, Pid} 4, [Owner] 2, [Owner, Callers, MFA] 6,
    // proc_lib's [Parent, Ancestors, M, F, A] 10, {ok, Pid} 3
    expect(words).toBe(4 + 2 + 4 + 2 + 6 + 10 + 3);
  });
});
