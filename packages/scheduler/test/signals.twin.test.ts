import { describe, expect, it } from "vitest";
import { schedFixture } from "./twins/fixture.js";
import { runSignalTwin, scenarioIds } from "./twins/signals.twin.js";

const fx = schedFixture();

describe("exit and 'DOWN' signal order: twins of sched_traces.json signals", () => {
  it("every recorded scenario has a twin", () => {
    expect(fx.signals.map((s) => s.id).sort()).toEqual([...scenarioIds].sort());
  });
  it.each(fx.signals.map((s) => [s.id, s] as const))("%s: each trapping process's queue matches the BEAM", (id, sc) => {
    expect(runSignalTwin(id).queues).toEqual(sc.queues);
  });
});
