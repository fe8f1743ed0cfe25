import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "@beamlab/scenarios";
import { run } from "../src/cli.js";

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { stdin: Readable.from([""]), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const leaks = SCENARIOS.filter((s) => s.expects !== undefined);

describe("leak-lab scenario list", () => {
  it("names every scenario, with the leak each one shows", async () => {
    const { code, out } = await cli(["scenario", "list", "--json"]);
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l) as { id: string; expects: string | null });
    expect(rows.map((r) => r.id)).toEqual(SCENARIOS.map((s) => s.id));
    expect(rows.filter((r) => r.expects !== null).length).toBe(leaks.length);
    expect(leaks.length).toBeGreaterThanOrEqual(5);
  });
});

describe("leak-lab scenario run", () => {
  it.each(leaks.map((s) => [s.id, s.expects] as const))("%s: the detectors report %s, and --expect-clean fails", async (id, kind) => {
    const { code, out } = await cli(["scenario", "run", id, "--json", "--expect-clean"]);
    expect(code).toBe(1);
    const findings = out.map((l) => JSON.parse(l) as { finding?: { kind: string } }).filter((r) => r.finding !== undefined);
    expect(findings.map((f) => f.finding?.kind)).toContain(kind);
  });

  it.each(leaks.map((s) => [s.fixed!.id] as const))("%s: no leak, so --expect-clean passes", async (id) => {
    const { code, out } = await cli(["scenario", "run", id, "--expect-clean"]);
    expect(out.join("\n")).toMatch(/no leak found/);
    expect(code).toBe(0);
  });

  it("prints the same bytes for the same scenario and seed", async () => {
    const a = await cli(["scenario", "run", "router-pins-binaries", "--seed", "7"]);
    const b = await cli(["scenario", "run", "router-pins-binaries", "--seed", "7"]);
    expect(a.out.length).toBeGreaterThan(5);
    expect(a.out).toEqual(b.out);
  });

  it("names the unknown scenario and the known ones, exit 2", async () => {
    const { code, err } = await cli(["scenario", "run", "no-such-leak"]);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/no scenario "no-such-leak"/);
    expect(err[0]).toContain(SCENARIOS[0]!.id);
  });

  it("rejects a bad number option by name", async () => {
    const { code, err } = await cli(["scenario", "run", "healthy-node", "--interval", "0"]);
    expect(code).not.toBe(0);
    expect(err.join("\n")).toMatch(/--interval must be at least 1/);
  });
});

describe("leak-lab scenario compare", () => {
  it("shows the leak's memory above its fix's", async () => {
    const { code, out } = await cli(["scenario", "compare", "tenured-garbage", "--json"]);
    expect(code).toBe(0);
    const r = JSON.parse(out[0]!) as { leak: { memory: { processes: number }; findings: number }; fixed: { memory: { processes: number }; findings: number } };
    expect(r.leak.findings).toBeGreaterThan(0);
    expect(r.fixed.findings).toBe(0);
    expect(r.leak.memory.processes).toBeGreaterThan(r.fixed.memory.processes);
  });
});
