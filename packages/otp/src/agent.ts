/**
 * Elixir's `Agent` (Agent.Server): a gen_server whose state is changed by funs sent to it.
 *
 * Owns: start/startLink(fun) (init runs the fun: `{ok, fun()}`), get, update, getAndUpdate
 * (the fun returns `{Reply, NewState}`; anything else stops the agent with
 * `{bad_return_value, V}`, as Agent.Server does), cast and stop. The funs travel in the messages
 * as Erlang funs (common.ts `fun`): their free variables count in the message size.
 * An Agent is a long-running process: its state stays on its heap until it is stopped.
 * init is Elixir 1.14's Agent.Server.init/1 as compiled (`beam_disasm` of Elixir.Agent.Server.beam):
 * `initial_call(fun)` first — get_initial_call/1 calls `erlang:fun_info(Fun, module)` and
 * `erlang:fun_info(Fun, name)` (two BIF results, 3 words each, garbage once matched), builds
 * `{Module, Name, 0}` (test_heap 4) and Process.put's it as `'$initial_call'` (a new 3-word
 * dictionary tuple; proc_lib's `{Agent.Server, init, 1}` entry becomes garbage) — then
 * `run(fun, [])`. Measured: a child Agent's heap at its fun's first instruction holds 13 words more
 * than a plain gen_server's (gc trace of `:erlang.garbage_collect()` there, Elixir 1.14 / OTP 25).
 * Invariant: every operation is one gen_server call or cast to the agent.
 */
import { atom, LocalFun, Tuple, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { A, applyFun, run, tuple, type Gen } from "./common.js";
import { elixirDoStart } from "./elixir-start.js";
import * as GS from "./gen-server.js";
import type { ServerRef, Timeout } from "./gen.js";

const INITIAL_CALL = atom("$initial_call");

/** Agent.Server.initial_call/1 and get_initial_call/1 (see the header): `'$initial_call'` =
 * `{Module, Name, 0}` of the fun. */
function* initialCall(ctx: ProcessContext, f: Term): Gen<void> {
  yield* ctx.call(); // initial_call/1
  yield* ctx.call(); // get_initial_call/1
  const m = f instanceof LocalFun ? f.module : A.undefined;
  const name = f instanceof LocalFun ? atom(`-fun-${f.index}-`) : A.undefined;
  ctx.bif();
  ctx.heap.allocBif(tuple(atom("module"), m)); // erlang:fun_info(Fun, module)
  ctx.bif();
  ctx.heap.allocBif(tuple(atom("name"), name)); // erlang:fun_info(Fun, name)
  const ic = ctx.alloc(tuple(m, name, 0));
  yield* ctx.call(); // Process.put/2
  ctx.bif();
  ctx.put(INITIAL_CALL, ic);
}

const K = { get: atom("get"), update: atom("update"), get_and_update: atom("get_and_update"), cast: atom("cast") };

export const AgentServer: GS.GenServerModule = {
  name: "Elixir.Agent.Server",
  *init(ctx, f) {
    yield* initialCall(ctx, f);
    yield* ctx.call(); // run/2
    return GS.ok(yield* run(applyFun(ctx, f, [])));
  },
  *handleCall(ctx, req, _from, state) {
    const e = (req as Tuple).elements;
    const f = e[1] as Term;
    if (e[0] === K.get) return GS.reply(yield* run(applyFun(ctx, f, [state])), state);
    if (e[0] === K.update) return GS.reply(A.ok, yield* run(applyFun(ctx, f, [state])));
    const r = yield* run(applyFun(ctx, f, [state]));
    if (r instanceof Tuple && r.elements.length === 2) return GS.reply(r.elements[0] as Term, r.elements[1] as Term);
    return GS.stop(tuple(A.bad_return_value, r), state);
  },
  *handleCast(ctx, msg, state) {
    return GS.noreply(yield* run(applyFun(ctx, (msg as Tuple).elements[1] as Term, [state])));
  },
};

export interface AgentOptions {
  readonly name?: string;
  readonly hibernateAfter?: number;
}

function opts(o: AgentOptions): GS.StartOptions {
  return { ...(o.name !== undefined ? { name: o.name } : {}), ...(o.hibernateAfter !== undefined ? { hibernateAfter: o.hibernateAfter } : {}) };
}
/** Agent.start_link(fun): `{ok, Pid}` | `{error, R}`. */
export function startLink(ctx: ProcessContext, f: Term, o: AgentOptions = {}): Gen<Term> {
  elixirDoStart(ctx.heap, o.name !== undefined); // GenServer.start_link/3 in the caller
  return GS.startLink(ctx, AgentServer, f, opts(o));
}
export function start(ctx: ProcessContext, f: Term, o: AgentOptions = {}): Gen<Term> {
  elixirDoStart(ctx.heap, o.name !== undefined);
  return GS.start(ctx, AgentServer, f, opts(o));
}
export function get(ctx: ProcessContext, agent: ServerRef, f: Term, timeout: Timeout = 5000): Gen<Term> {
  return GS.call(ctx, agent, tuple(K.get, f), timeout);
}
export function update(ctx: ProcessContext, agent: ServerRef, f: Term, timeout: Timeout = 5000): Gen<Term> {
  return GS.call(ctx, agent, tuple(K.update, f), timeout);
}
export function getAndUpdate(ctx: ProcessContext, agent: ServerRef, f: Term, timeout: Timeout = 5000): Gen<Term> {
  return GS.call(ctx, agent, tuple(K.get_and_update, f), timeout);
}
export function cast(ctx: ProcessContext, agent: ServerRef, f: Term): Term {
  return GS.cast(ctx, agent, tuple(K.cast, f));
}
export function stop(ctx: ProcessContext, agent: ServerRef, reason: Term = A.normal, timeout: Timeout = "infinity"): Gen<Term> {
  return GS.stopServer(ctx, agent, reason, timeout);
}
