/**
 * Twin of tooling/beam-oracle/recorders/dynsup_task_gc.escript: an Elixir DynamicSupervisor
 * (one_for_one) under which a listener starts 100 temporary `{Task, fun}` children one after
 * another; each task sends the listener `{done, length(build(100, []))}` and exits normally.
 * Every collection of the supervisor (gc trace, each event tagged with the child it happened
 * in) and its memory after each child (process_info(Sup, memory), as the recorder reads it)
 * against the real BEAM. What made it land: Task.start_link's and proc_lib:spawn_link/3's
 * frames (task.ts, proc-lib.ts), save_child's mfa_for_restart, handle_info's 'EXIT' path
 * through gen_server's compiled info path (dynamic-supervisor.ts), and the 'EXIT' signal
 * joining the fragments only when the supervisor's receive handles it (scheduler).
 */
import { describe, expect, it } from "vitest";
import { atom, nil, Tuple, type GcTraceEntry, type Pid, type Term } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { loadFixture } from "@beamlab/beam-oracle";
import { DynamicSupervisor, fun, Task, type Gen } from "../src/index.js";
import { build } from "./memory.twin.js";

const ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size"] as const;
type Ev = { tag: string; child: number } & Record<(typeof ITEMS)[number], number>;
const fx = loadFixture("dynsup_task_gc") as { children: number; list_length: number; sup_pid: number; child_pids: number[]; memory: number[]; events: Ev[] };

interface Result {
  events: Ev[];
  memory: number[];
  childPids: number[];
}

/** The recorder's run: the listener is the process before the supervisor (its pid number − 1). */
function simulateTaskChildren(n: number, supPid: number): Result {
  const out: Result = { events: [], memory: [], childPids: [] };
  let child = 1;
  const s = new Scheduler({
    firstPid: supPid - 1,
    onGcTrace: (_pid, e: GcTraceEntry) => {
      const i = e.info as unknown as Record<string, number>;
      out.events.push({ tag: e.tag, child, ...Object.fromEntries(ITEMS.map((k) => [k, i[k] as number])) } as Ev);
    },
  });
  s.spawn(function* listener(ctx: ProcessContext) {
    const me = ctx.self;
    const sup = ((yield* DynamicSupervisor.startLink(ctx, {})) as Tuple).elements[1] as Pid;
    yield* ctx.sleep(1);
    s.traceGc(sup);
    for (let i = 1; i <= n; i++) {
      // fun() -> Listener ! {done, length(build(100, []))} end: one free variable
      const job = fun(function* (c: ProcessContext): Gen<Term> {
        c.send(me, new Tuple([atom("done"), (build(c, fx.list_length, 4), fx.list_length)]));
        yield* c.call();
        return nil;
      }, [me]);
      const r = (yield* DynamicSupervisor.startChildModuleArg(ctx, sup, { module: "Elixir.Task", arg: job, start: (c, f) => Task.startLink(c, f), restart: "temporary" })) as Tuple;
      out.childPids.push((r.elements[1] as Pid).id);
      yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === atom("done"));
      yield* ctx.sleep(1); // wait_idle: process_info(Sup, status) (no request to the supervisor)
      out.memory.push(ctx.processInfo(sup, ["memory"])?.memory ?? 0);
      child = i + 1;
    }
    s.traceGc(sup, false);
    ctx.exitSignal(sup, atom("shutdown"));
  });
  s.run();
  return out;
}

const prefix = (a: readonly Ev[], b: readonly Ev[]): number => {
  let i = 0;
  while (i < a.length && i < b.length && JSON.stringify(a[i]) === JSON.stringify(b[i])) i++;
  return i;
};

describe("dynsup_task_gc.json: temporary Task children under Elixir's DynamicSupervisor", () => {
  const got = simulateTaskChildren(fx.children, fx.sup_pid);
  it("the children get the recording node's pid numbers", () => {
    expect(got.childPids).toEqual(fx.child_pids);
  });
  it("every collection of the supervisor equals the BEAM's (202 events: one minor per child in its 'EXIT' path)", () => {
    // child 1's major at stack 28 in save_child (heap 201: mfa_for_restart's {M, F, undefined}
    // is built before fun-1), child 2's minor at stack 26 in the start path, then from child 3
    // one minor per child at stack 21 — try_dispatch's {ok, Result} after handle_info's
    // maybe_restart_child → delete_child (maps:remove) — with the 'EXIT' message's 4 words in
    // a fragment, heap 206 → 46 words
    expect(got.events.length).toBe(fx.events.length);
    expect(prefix(got.events, fx.events)).toBe(fx.events.length);
    expect(got.events).toEqual(fx.events);
  });
  it("the supervisor's memory after each child equals the BEAM's (5,808 B from child 2 on)", () => {
    expect(got.memory).toEqual(fx.memory);
  });
});
