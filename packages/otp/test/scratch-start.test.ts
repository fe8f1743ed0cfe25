import { it } from "vitest";
import { runSupervisedTwin } from "./memory.twin.js";
it("start", () => {
  for (const k of ["agents", "tasks"] as const) {
    runSupervisedTwin(k, 0, (i, m) => { console.log(k, i, JSON.stringify(m)); }, undefined, 84);
  }
});
