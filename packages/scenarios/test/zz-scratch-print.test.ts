import { it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { simulate } from "./gen-server-work.twin.test.js";
it("print", () => {
  const fx = loadFixture("scenarios") as { records: { scenario: string; mode: "leak" | "fix"; params_set: Record<string, number>; roles: Record<string, unknown> }[] };
  for (const mode of ["leak", "fix"] as const) {
    const r = fx.records.find((x) => x.scenario === "gen-server-work" && x.mode === mode && x.params_set.servers === Number(process.env.SERVERS ?? 30))!;
    console.log(mode, JSON.stringify(simulate(mode, r.params_set).server), JSON.stringify(r.roles.server));
  }
}, 300000);
