/**
 * Named parameters: typed parsing, ranges, defaults, and one-line errors naming the parameter and
 * the valid choices; defineScenario's validation; the six old scenarios as parametric ones.
 */
import { describe, expect, it } from "vitest";
import { defineScenario, PARAMETRIC_SCENARIOS, parametricScenarioById, resolveParams, ScenarioInputError, type ParamSpec } from "../src/index.js";

const SPECS: readonly ParamSpec[] = [
  { name: "servers", type: "integer", default: 300, min: 1, max: 100_000, description: "gen_servers" },
  { name: "payload_bytes", type: "bytes", default: 65536, min: 1, max: 2 ** 31, description: "payload size" },
  { name: "hibernate_after", type: "ms_or_off", default: null, min: 0, max: 3_600_000, description: "hibernate after" },
  { name: "verbose", type: "boolean", default: false, description: "flag" },
  { name: "kind", type: "enum", default: "a", values: ["a", "b"], description: "choice" },
];

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioInputError);
    const m = (e as Error).message;
    expect(m).not.toContain("\n");
    return m;
  }
  throw new Error("expected a ScenarioInputError");
}

describe("resolveParams", () => {
  it("fills defaults and parses each type", () => {
    expect(resolveParams(SPECS, {})).toEqual({ servers: 300, payload_bytes: 65536, hibernate_after: null, verbose: false, kind: "a" });
    expect(resolveParams(SPECS, { servers: "30", payload_bytes: "64KiB", hibernate_after: "500", verbose: "true", kind: "b" })).toEqual({
      servers: 30,
      payload_bytes: 65536,
      hibernate_after: 500,
      verbose: true,
      kind: "b",
    });
    expect(resolveParams(SPECS, { payload_bytes: "2GiB" }).payload_bytes).toBe(2 ** 31);
    expect(resolveParams(SPECS, { payload_bytes: "1.5KB" }).payload_bytes).toBe(1500);
    expect(resolveParams(SPECS, { hibernate_after: "off" }).hibernate_after).toBeNull();
  });

  it("names an unknown parameter and the valid ones", () => {
    expect(errorOf(() => resolveParams(SPECS, { server: "3" }))).toBe("unknown parameter server; valid: servers, payload_bytes, hibernate_after, verbose, kind");
    expect(errorOf(() => resolveParams([], { x: "1" }))).toBe("unknown parameter x; this scenario takes none");
  });

  it("rejects wrong types with the expected form", () => {
    expect(errorOf(() => resolveParams(SPECS, { servers: "ten" }))).toBe('parameter servers: "ten" is not a whole number (1..100000)');
    expect(errorOf(() => resolveParams(SPECS, { servers: "1.5" }))).toContain("is not a whole number");
    expect(errorOf(() => resolveParams(SPECS, { payload_bytes: "64 parsecs" }))).toContain("is not a size in bytes (65536, 64KiB, 2GiB");
    expect(errorOf(() => resolveParams(SPECS, { payload_bytes: "1.5B" }))).toContain("is not a whole number of bytes");
    expect(errorOf(() => resolveParams(SPECS, { hibernate_after: "never" }))).toContain('or "off"');
    expect(errorOf(() => resolveParams(SPECS, { verbose: "yes" }))).toContain("true or false");
    expect(errorOf(() => resolveParams(SPECS, { kind: "c" }))).toBe('parameter kind: "c" is not one of a, b');
  });

  it("rejects values out of range", () => {
    expect(errorOf(() => resolveParams(SPECS, { servers: "0" }))).toBe("parameter servers: 0 is out of range 1..100000");
    expect(errorOf(() => resolveParams(SPECS, { payload_bytes: "4GiB" }))).toBe("parameter payload_bytes: 4GiB is out of range 1..2147483648");
    expect(errorOf(() => resolveParams(SPECS, { servers: "99999999999999999999" }))).toContain("out of range");
  });
});

describe("defineScenario", () => {
  const base = { id: "my-scenario", title: "t", description: "d", params: SPECS, roles: ["a"], expects: () => undefined, run: () => PARAMETRIC_SCENARIOS[0]!.run() };
  it("returns a valid scenario as it is", () => {
    expect(defineScenario(base)).toBe(base);
  });
  it("names the bad field", () => {
    expect(errorOf(() => defineScenario({ ...base, id: "My Scenario" }))).toContain('scenario id "My Scenario" must be lowercase');
    expect(errorOf(() => defineScenario({ ...base, run: 3 as never }))).toBe("scenario my-scenario: run must be a function");
    expect(errorOf(() => defineScenario({ ...base, params: [{ ...SPECS[0]!, default: 0 }] }))).toBe("parameter servers: 0 is out of range 1..100000");
    expect(errorOf(() => defineScenario({ ...base, params: [SPECS[0]!, SPECS[0]!] }))).toBe("scenario my-scenario: parameter servers is declared twice");
    expect(errorOf(() => defineScenario({ ...base, params: [{ ...SPECS[3]!, default: "no" }] }))).toContain("is not a valid boolean");
  });
});

describe("the six old scenarios as parametric ones", () => {
  it("leak runs the scenario, fix its fixed variant", () => {
    const s = parametricScenarioById("sub-binary-pinning");
    expect(s?.params).toEqual([]);
    expect(s?.expects("leak")).toBe("sub_binary_pinning");
    expect(s?.expects("fix")).toBeUndefined();
    const leak = s!.run({ mode: "leak" });
    const fix = s!.run({ mode: "fix" });
    // the booted node's own binaries sit under both; compare what each workload added
    const booted = leak.source.snapshot().memory.binary;
    expect(fix.source.snapshot().memory.binary).toBe(booted);
    leak.scheduler.run({ until: 500 });
    fix.scheduler.run({ until: 500 });
    expect(leak.source.snapshot().memory.binary - booted).toBeGreaterThan(10 * (fix.source.snapshot().memory.binary - booted));
  });
  it("every id is unique", () => {
    const ids = PARAMETRIC_SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["tenured-garbage", "children-never-terminate", "router-pins-binaries", "sub-binary-pinning", "mailbox-backlog", "healthy-node"]));
  });
});
