/**
 * Determinism inside one JS process: a scenario run twice (and driven in different steps) gives
 * the same slice-by-slice trace. A shared term object (the empty map was one) claimed by the
 * first run's heap made later runs count it differently.
 */
import { TelemetryBus } from "@beamlab/telemetry";
import { describe, expect, it } from "vitest";
import { agentVsTask, genServerWork, resolveParams, type ParametricScenario } from "../src/index.js";

function trace(s: ParametricScenario, set: Record<string, string>, step: number): string[] {
  const bus = new TelemetryBus();
  const log: string[] = [];
  let now = () => 0;
  bus.attach("t", ["beamlab", "scheduler", "slice"], (_e, m, md) => {
    log.push(`${now()} ${String(md.pid)} ${String(m.reductions)}`);
  });
  const run = s.run({ mode: "fix", params: resolveParams(s.params, set), telemetry: bus });
  now = () => run.scheduler.clock.now;
  while (run.finished?.() !== true) run.scheduler.run({ until: run.scheduler.clock.now + step });
  return log;
}

describe("a scenario run twice in one process", () => {
  it.each([
    ["agent-vs-task", agentVsTask, { events: "60" }],
    ["gen-server-work", genServerWork, { servers: "10", rounds: "5" }],
  ] as const)("%s: the same slices and reductions, whatever the driving step", (_n, s, set) => {
    const first = trace(s, set, 1e9);
    expect(first.length).toBeGreaterThan(10);
    expect(trace(s, set, 1e9)).toEqual(first);
    expect(trace(s, set, 1)).toEqual(first);
  }, 120_000);
});
