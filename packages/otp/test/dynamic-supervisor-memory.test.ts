/**
 * DynamicSupervisor keeps Elixir's %DynamicSupervisor{} state on its heap: its memory grows with
 * the children it supervises and falls back once they are gone (the leak users chase: Agents
 * started under a DynamicSupervisor that never stop keep the supervisor's map growing too).
 */
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, DynamicSupervisor, GenServer, type Gen } from "../src/index.js";
import { runMain } from "./helpers.js";

const agent: GenServer.GenServerModule = { name: "agent", init: (_c, a) => GenServer.ok(a), handleCall: (_c, _r, _f, s) => GenServer.reply(s, s) };
const startAgent = (c: ProcessContext, a: Term): Gen<Term> => GenServer.startLink(c, agent, a);

describe("DynamicSupervisor state on the heap", () => {
  it("the supervisor's live heap grows with its children (the children map) and falls back when they are terminated", () => {
    const live: number[] = [];
    runMain(function* (ctx) {
      const sup = ((yield* DynamicSupervisor.startLink(ctx, {})) as Tuple).elements[1] as Pid;
      const heapAfterGc = (): number => {
        ctx.scheduler.garbageCollect(sup, "major");
        return ctx.processInfo(sup, ["total_heap_size"])?.total_heap_size ?? 0;
      };
      live.push(heapAfterGc());
      const kids: Pid[] = [];
      for (let i = 0; i < 200; i++) kids.push(((yield* DynamicSupervisor.startChild(ctx, sup, { id: atom("a"), start: { fn: startAgent, args: [i] } })) as Tuple).elements[1] as Pid);
      live.push(heapAfterGc());
      for (const k of kids) yield* DynamicSupervisor.terminateChild(ctx, sup, k);
      live.push(heapAfterGc());
      ctx.exitSignal(sup, A.shutdown);
    });
    const [empty, full, after] = live as [number, number, number];
    // 200 children: a HAMT of 200 pids and 200 child tuples (at least 6 + 4 words each)
    expect(full - empty).toBeGreaterThan(200 * 10);
    expect(after).toBeLessThan(full / 4);
  });
});
