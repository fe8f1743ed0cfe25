/**
 * agent-vs-task against its twin on the real BEAM (fixtures/scenarios.json, from
 * twins/agent_vs_task.exs on Elixir 1.14 / OTP 25) at its defaults (437 events, 48 KB).
 *
 * What lands, and the rule that made it land:
 * - the children (437 Agents kept in leak, none left in fix) and every Agent's young heap (6,772
 *   words; the old heap is pinned below): Agent.Server.init/1 puts the fun's `{Module, Name, 0}` as
 *   `'$initial_call'` before running it (otp agent.ts; 13 words found by gc-tracing the Agent's
 *   heap at its fun's first instruction: 59 words on both nodes now);
 * - the listener (609 words: 233 young + 376 old, in both modes): it allocates 65 words per
 *   `start_child(sup, {Agent, fun})` (67 for Task) on both nodes — Elixir's child_spec map,
 *   validate_child's tuples, and gen:call's infinity clause (plain monitor, `{Mref, Reply}`),
 *   measured with gc-traced majors around one call and read in `beam_disasm`.
 * - the supervisor's start_child path: as otp's dynsup_gc twin checks collection for collection
 *   (Agents), the words and frames of Elixir's DynamicSupervisor path as compiled.
 * The gaps, pinned below: the supervisor's heaps in leak (a HAMT of 437 pids laid out by pid
 * numbers this twin does not share with the recording node) and in fix (Task's path and the
 * 'EXIT' handling, not yet transliterated; its heap is a sawtooth of 'EXIT' fragments that the
 * end of the run samples: a couple of words per Task move the sample a lot).
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
  it("leak: 437 Agents stay, each exactly the BEAM's (heaps, memory)", () => {
    // process(i) is the workload kit's (kit/elixir.ts, kit/binaries.ts): every GC event of
    // kit_elixir_blocks.json's pipeline (process/2 called 4 times in a plain process) is the
    // BEAM's. The Agent around it: a gc trace of one Agent child on a warm node
    // (tooling/beam-oracle/twins/agent_child_gctrace.exs; the first child of a cold node also
    // carries code loading on its heap) has 40 events, every one equal in the model once the
    // fun's frame under otp's compiled start path is 19 words (CHILD_INIT_PATH_STACK); the old
    // hand model's equal end figure had been two errors cancelling.
    const real = recordOf("agent-vs-task", "leak").roles;
    const s = sim("leak");
    expect(s.child).toEqual(real.child);
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

  it("leak: GAP (pinned): the supervisor's heaps, 0.41 of the BEAM's total heap, a young heap one size down", () => {
    const leak = recordOf("agent-vs-task", "leak").roles;
    const s = sim("leak").supervisor!;
    // measured: young 4,185 vs 6,772 words, total 21,916 vs 53,194 (0.41). The supervisor's
    // start_child path is now the BEAM's collection for collection (otp's dynsup_gc twin), but its
    // children map is a HAMT of 437 pids laid out by their hashes, and this twin does not run at
    // the recording node's pid numbers (the .exs twin does not record them): otp's dynsup_memory
    // twin shows how much the figure moves with the pid base (1,000 Agents: 303,904 B at the
    // BEAM's base, 324,600 B at another).
    expect(leak.supervisor!.avg_heap_size).toBe(6772);
    expect(s.avg_heap_size).toBe(4185);
    const r = ratio(s.avg_total_heap_size, leak.supervisor!.avg_total_heap_size);
    expect(r).toBeGreaterThan(0.4);
    expect(r).toBeLessThan(0.42);
    // the story holds on both nodes: leak keeps ~60 MB of children, fix none
    expect(sim("leak").child!.avg_memory * 437).toBeGreaterThan(40e6);
  }, 300_000);

  it("fix: GAP (pinned): the supervisor's total heap 0.38 of the BEAM's (its young heap sampled two sizes below)", () => {
    const fix = recordOf("agent-vs-task", "fix").roles;
    const s = sim("fix").supervisor!;
    // The end of the run samples the supervisor's sawtooth (EXIT messages in fragments, see
    // above). With otp's Task start path and the DynamicSupervisor's 'EXIT' path frame by
    // frame (exact for 100 small Tasks: dynsup_task_gc.json) and 'EXIT' signals joining the
    // fragments only when the supervisor's receive handles them, measured 986 vs 2,617 words
    // total (0.38), the young heap 610 where the BEAM's is 1,598 (was 3,010 words, 1.15, with
    // the 'EXIT' path as one block). The scenario's tasks run long (48 KB results): their
    // 'EXIT's arrive between start_child calls, which the 100-task fixture does not cover.
    expect(s.avg_heap_size).toBe(610);
    expect(fix.supervisor!.avg_heap_size).toBe(1598);
    const rt = ratio(s.avg_total_heap_size, fix.supervisor!.avg_total_heap_size);
    expect(rt).toBeGreaterThan(0.37);
    expect(rt).toBeLessThan(0.39);
  }, 300_000);
});
