/**
 * agent-vs-task against its twin on the real BEAM (fixtures/scenarios.json, from
 * twins/agent_vs_task.exs on Elixir 1.14 / OTP 25) at its defaults (437 events, 48 KB).
 *
 * What lands, and the rule that made it land:
 * - the children (437 Agents kept in leak, none left in fix) and every Agent's heaps and memory
 *   (17,730 words, 142,744 B): Agent.Server.init/1 puts the fun's `{Module, Name, 0}` as
 *   `'$initial_call'` before running it (otp agent.ts; 13 words found by gc-tracing the Agent's
 *   heap at its fun's first instruction: 59 words on both nodes now);
 * - the listener (609 words: 233 young + 376 old, in both modes): it allocates 65 words per
 *   `start_child(sup, {Agent, fun})` (67 for Task) on both nodes — Elixir's child_spec map,
 *   validate_child's tuples, and gen:call's infinity clause (plain monitor, `{Mref, Reply}`),
 *   measured with gc-traced majors around one call and read in `beam_disasm`.
 * The gap, pinned below: the DynamicSupervisor. Each start_child now allocates on the supervisor
 * what the BEAM's does within 2 words (gc-traced majors between starts: Agent 133–137 vs 135–139
 * words, Task 178 vs 177 — save_child's closures and tuples in their order, Task.start_link's
 * `{erlang, apply, [Fun | [[]]]}`, owner and callers), and the start path's frames are on its
 * stack (gen_server's call path, handle_start_child, start_child/3, gen:do_spawn, proc_lib's
 * start_link and sync_start_link, save_child: 33–37 words, the BEAM's 28–37), so its first five
 * collections fall where the BEAM's do (after each ack, within 10 words). From the first major
 * on the model keeps 12 words more live (89 vs 77, not found yet), promotes less per minor, and at
 * the sixth collection grows its heap where the BEAM's stays at 233 words: 0.75 of the BEAM's total
 * heap in leak. In fix the supervisor's heap is a sawtooth (EXIT messages in fragments) and the
 * end of the run samples it: a couple of words per Task, or the same words a few instructions
 * earlier, move the sample between 0.29 and 1.15 of the BEAM's (measured while these rules went
 * in), so the fix figure is pinned where it lands now, 1.15.
 */
import { describe, expect, it } from "vitest";
import { agentVsTask, type Mode } from "../src/index.js";
import { ratio, recordOf, simulate, type RoleFigures } from "./support/twin-figures.js";

const ROLES = ["listener", "supervisor", "child"];
const runs = new Map<Mode, Record<string, RoleFigures>>();
const sim = (mode: Mode) => {
  let r = runs.get(mode);
  if (r === undefined) runs.set(mode, (r = simulate(agentVsTask, mode, {}, ROLES)));
  return r;
};

describe("agent-vs-task against the real BEAM (437 events, result_kb 48)", () => {
  it("leak: 437 Agents stay, each with the BEAM's young heap, old heap and memory", () => {
    const real = recordOf("agent-vs-task", "leak").roles;
    const s = sim("leak");
    expect(s.child?.count).toBe(real.child?.count);
    expect(s.child?.avg_heap_size).toBe(real.child?.avg_heap_size);
    expect(s.child?.avg_total_heap_size).toBe(real.child?.avg_total_heap_size);
    expect(s.child?.avg_memory).toBe(real.child?.avg_memory);
  }, 300_000);

  it("fix: no child is left", () => {
    expect(sim("fix").child?.count).toBe(recordOf("agent-vs-task", "fix").roles.child?.count);
    expect(sim("fix").child?.count).toBe(0);
  }, 300_000);

  it("the listener: the BEAM's heaps and memory in both modes", () => {
    for (const mode of ["leak", "fix"] as const) {
      const real = recordOf("agent-vs-task", mode).roles.listener!;
      const s = sim(mode).listener!;
      expect(s.avg_total_heap_size).toBe(real.avg_total_heap_size);
      expect(s.avg_heap_size).toBe(real.avg_heap_size);
      expect(s.avg_memory).toBe(real.avg_memory);
    }
  }, 300_000);

  it("GAP (pinned): the supervisor — 0.75 of the BEAM's total heap in leak, 1.15 in fix (a sawtooth's sample)", () => {
    const leak = recordOf("agent-vs-task", "leak").roles;
    const fix = recordOf("agent-vs-task", "fix").roles;
    const supLeak = ratio(sim("leak").supervisor!.avg_total_heap_size, leak.supervisor!.avg_total_heap_size);
    expect(supLeak).toBeGreaterThan(0.72);
    expect(supLeak).toBeLessThan(0.78);
    expect(ratio(sim("leak").supervisor!.avg_memory, leak.supervisor!.avg_memory)).toBeLessThan(0.8);
    const supFix = ratio(sim("fix").supervisor!.avg_total_heap_size, fix.supervisor!.avg_total_heap_size);
    expect(supFix).toBeGreaterThan(1.12);
    expect(supFix).toBeLessThan(1.18);
    // the story holds on both nodes: leak keeps ~60 MB of children, fix none
    expect(sim("leak").child!.avg_memory * 437).toBeGreaterThan(40e6);
  }, 300_000);
});
