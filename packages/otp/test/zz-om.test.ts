import { it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { runSupervisedTwin } from "./memory.twin.js";
it("om", () => {
  const fx = loadFixture("otp_memory") as { supervised: { id: string; started: number; sup_pid: number; supervisor_memory_curve: number[]; supervisor: Record<string, number> }[] };
  for (const b of fx.supervised) {
    const m = runSupervisedTwin(b.id as "agents" | "tasks", b.started, undefined, undefined, b.sup_pid);
    console.log(b.id, "model", m.memoryCurve.join(","), JSON.stringify(m.supervisor));
    console.log(b.id, "BEAM ", b.supervisor_memory_curve.join(","), JSON.stringify(b.supervisor));
  }
});
