import { describe, expect, it } from "vitest";
import { headlines } from "../src/lab/headlines.js";
import { PARAMETRIC_SCENARIOS, type ParametricScenario } from "../src/lab/scenario-api.js";
import { cli, HOARDER, jsonOf } from "./harness.js";

/** `--set` arguments for a scenario's small setting (tests stay seconds long). */
function small(s: ParametricScenario): string[] {
  return Object.entries(s.small ?? {}).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
}

const MEMORY_KEYS = ["total", "processes", "processes_used", "system", "atom", "atom_used", "binary", "code", "ets"];

describe("leak-lab run --json", () => {
  it("prints exactly one document in the twin report shape, plus findings", async () => {
    const r = await cli(["run", "sub-binary-pinning", "--json"]);
    expect(r.code).toBe(0);
    const doc = jsonOf(r);
    expect(doc.scenario).toBe("sub-binary-pinning");
    expect(doc.mode).toBe("leak");
    expect(doc.params).toEqual({});
    expect(doc.samples.length).toBeGreaterThan(2);
    for (const s of doc.samples) {
      expect(typeof s.t_ms).toBe("number");
      expect(Object.keys(s.memory)).toEqual(MEMORY_KEYS);
    }
    expect(doc.samples.map((s) => s.t_ms)).toEqual([...doc.samples.map((s) => s.t_ms)].sort((a, b) => a - b));
    const totals = doc.samples.map((s) => s.memory.total ?? 0);
    expect(doc.peak.memory.total).toBe(Math.max(...totals));
    expect(doc.final.memory).toEqual(doc.samples[doc.samples.length - 1]?.memory);
    const cache = doc.final.processes.find((p) => p.role === "cache");
    expect(cache).toBeDefined();
    expect(Object.keys(cache ?? {})).toEqual(["pid", "role", "name", "memory", "heap_size", "total_heap_size", "stack_size", "minor_gcs", "message_queue_len", "binary"]);
    expect(cache?.pid).toMatch(/^<0\.\d+\.0>$/);
    expect(cache?.name).toBe("cache");
    // every [id, size, refc] row of the cache is a pinned 64 KiB payload
    expect(cache?.binary.length).toBeGreaterThan(10);
    for (const [id, size, refc] of cache?.binary ?? []) {
      expect(Number.isInteger(id)).toBe(true);
      expect(size).toBe(65536);
      expect(refc).toBeGreaterThanOrEqual(1);
    }
    expect(doc.findings?.map((f) => f.kind)).toContain("sub_binary_pinning");
  });

  it("is the same bytes for the same scenario and seed", async () => {
    const a = await cli(["run", "router-pins-binaries", "--json", "--seed", "7"]);
    const b = await cli(["run", "router-pins-binaries", "--json", "--seed", "7"]);
    expect(a.out).toEqual(b.out);
  });

  it("--mode fix runs the fix: no finding, less memory", async () => {
    const leak = jsonOf(await cli(["run", "tenured-garbage", "--json"]));
    const fix = jsonOf(await cli(["run", "tenured-garbage", "--mode", "fix", "--json"]));
    expect(fix.mode).toBe("fix");
    expect(fix.findings).toEqual([]);
    expect(leak.findings?.length).toBeGreaterThan(0);
    expect(fix.final.memory.processes).toBeLessThan(leak.final.memory.processes ?? 0);
  });

  it("ID.fixed is the fix mode of ID (the old scenario ids keep working)", async () => {
    const a = await cli(["run", "tenured-garbage.fixed", "--json"]);
    const b = await cli(["run", "tenured-garbage", "--mode", "fix", "--json"]);
    expect(a.out).toEqual(b.out);
  });

  it("--set changes the scenario's parameters, typed (bytes accept KiB)", async () => {
    const doc = jsonOf(await cli(["run", HOARDER, "--set", "hoarders=5", "--set", "payload_bytes=4KiB", "--json"]));
    expect(doc.params).toEqual({ hoarders: 5, payload_bytes: 4096, period_ms: 10 });
    const hoarders = doc.final.processes.filter((p) => p.role === "hoarder");
    expect(hoarders.length).toBe(5);
    for (const h of hoarders) for (const [, size] of h.binary) expect(size).toBe(4096);
  });
});

describe("leak-lab run --expect-clean", () => {
  it.each(PARAMETRIC_SCENARIOS.filter((s) => s.expects("leak") !== undefined).map((s) => [s.id, s.expects("leak"), small(s)] as const))(
    "%s: finds %s in leak mode (exit 1) and nothing in fix mode (exit 0)",
    async (id, kind, sets) => {
      const leak = await cli(["run", id, ...sets, "--json", "--expect-clean"]);
      expect(leak.code).toBe(1);
      expect(jsonOf(leak).findings?.map((f) => f.kind)).toContain(kind);
      const fix = await cli(["run", id, ...sets, "--mode", "fix", "--expect-clean"]);
      expect(fix.out.join("\n")).toMatch(/no leak found/);
      expect(fix.code).toBe(0);
    },
  );
});

describe("leak-lab run, for a person", () => {
  it("shows a chart, the erlang:memory table, the roles and the findings in words", async () => {
    const r = await cli(["run", "sub-binary-pinning"]);
    const text = r.out.join("\n");
    expect(r.code).toBe(0);
    expect(text).toMatch(/erlang:memory\(total\)/); // the chart's legend
    expect(text).toMatch(/[┤┼]/);
    expect(text).toMatch(/^ {2}erlang:memory\(\) +final +peak$/m);
    expect(text).toMatch(/^ {2}cache +1 /m);
    expect(text).toMatch(/sub binary pinning: .*keep .* alive/);
    expect(text).toMatch(/fix: .*binary:copy/);
  });

  it("uses colour on a terminal, none when piped or under NO_COLOR", async () => {
    const esc = new RegExp(String.fromCharCode(27) + "\\[");
    expect((await cli(["run", "tenured-garbage"], { isTTY: true })).out.join("\n")).toMatch(esc);
    expect((await cli(["run", "tenured-garbage"], { isTTY: false })).out.join("\n")).not.toMatch(esc);
    expect((await cli(["run", "tenured-garbage"], { isTTY: true, env: { NO_COLOR: "1" } })).out.join("\n")).not.toMatch(esc);
    expect((await cli(["run", "tenured-garbage", "--no-color"], { isTTY: true })).out.join("\n")).not.toMatch(esc);
  });

  it("--no-chart leaves the chart out", async () => {
    const r = await cli(["run", "tenured-garbage", "--no-chart"]);
    expect(r.out.join("\n")).not.toMatch(/[┤┼]/);
  });
});

describe("headline numbers", () => {
  it("are node totals and per-role averages of the report", async () => {
    const doc = jsonOf(await cli(["run", HOARDER, "--set", "hoarders=4", "--json"]));
    const h = headlines(doc);
    expect(h["final.memory.total"]).toBe(doc.final.memory.total);
    expect(h["hoarder.count"]).toBe(4);
    const hs = doc.final.processes.filter((p) => p.role === "hoarder");
    expect(h["hoarder.total_heap_size"]).toBe(hs.reduce((a, p) => a + p.total_heap_size, 0) / 4);
    expect(h["hoarder.binary"]).toBe(hs.reduce((a, p) => a + p.binary.reduce((b, [, s]) => b + s, 0), 0) / 4);
  });
});

describe("every built-in scenario draws erlang:memory() over time", () => {
  // sub-binary-cache ran its whole workload at virtual t = 0: one sample, no chart, peak = final
  for (const s of PARAMETRIC_SCENARIOS.filter((x) => x.small !== undefined)) {
    it(`${s.id} (small) takes samples as it runs and charts them`, async () => {
      const doc = jsonOf(await cli(["run", s.id, ...small(s), "--json"]));
      expect(doc.samples.length).toBeGreaterThan(1);
      const text = await cli(["run", s.id, ...small(s)]);
      expect(text.out.some((l) => l.includes("(virtual)   erlang:memory(total)"))).toBe(true);
    });
  }
});
