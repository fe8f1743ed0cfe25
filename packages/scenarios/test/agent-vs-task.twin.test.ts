/**
 * agent-vs-task against its twin on the real BEAM (fixtures/scenarios.json, from
 * twins/agent_vs_task.exs on Elixir 1.14 / OTP 25) at its defaults (437 events, 48 KB).
 *
 * What lands: the children (437 Agents kept in leak, none left in fix), every Agent's young heap
 * (6,772 words), the stack the Agent's work runs on (22 words: the init path, 20, measured, and
 * process/2's frame). The gaps, pinned below with the rule found so far:
 * - each Agent's old heap is one size below the BEAM's (6,772 vs 10,958 words): a gc trace of one
 *   Agent next to the simulated one agrees on the stack but the model has 30 more live words at
 *   the first collection (during lists:duplicate: the child's start-up data, not traced yet), so
 *   its collections fall elsewhere from there;
 * - the supervisor: the DynamicSupervisor's sawtooth (otp's dynsup_memory twin pins the same gap);
 * - the listener keeps 2,586 words of young heap where the BEAM's is back at 233 (its
 *   start_child calls' garbage is not collected by the model's listener before the end).
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

  it("GAP (pinned): the supervisor and the listener", () => {
    const leak = recordOf("agent-vs-task", "leak").roles;
    const fix = recordOf("agent-vs-task", "fix").roles;
    const supLeak = ratio(sim("leak").supervisor!.avg_memory, leak.supervisor!.avg_memory);
    expect(supLeak).toBeGreaterThan(0.25);
    expect(supLeak).toBeLessThan(0.5);
    const supFix = ratio(sim("fix").supervisor!.avg_memory, fix.supervisor!.avg_memory);
    expect(supFix).toBeGreaterThan(0.2);
    expect(supFix).toBeLessThan(0.5);
    expect(ratio(sim("leak").listener!.avg_memory, leak.listener!.avg_memory)).toBeGreaterThan(3);
    // the story holds on both nodes: leak keeps ~60 MB of children, fix none
    expect(sim("leak").child!.avg_memory * 437).toBeGreaterThan(40e6);
  }, 300_000);
});
