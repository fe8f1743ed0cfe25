// A workload that cannot reach its end (every process waits, no timer pending, finished() false)
// stops there and says so, instead of sampling an idle node for the scenario's whole duration
// (an hour of virtual ms: millions of snapshots, until Node ran out of memory).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, FIXTURES, hasStackTrace, jsonOf } from "./harness.js";

const STALLS = join(FIXTURES, "stalls-scenario.ts");

describe("a run whose workload stalls", () => {
  it("stops at the stall, says so on stderr and in the report", async () => {
    const r = await cli(["run", STALLS, "--json"]);
    expect(r.code).toBe(0);
    const doc = jsonOf(r);
    expect(doc.stalled?.t_ms).toBe(3);
    expect(doc.samples.map((s) => s.t_ms)).toEqual([0, 1, 2, 3]);
    expect(r.err).toEqual([`leak-lab: stalls (leak): ${doc.stalled?.message ?? ""}`]);
    expect(doc.stalled?.message).toMatch(/^the workload stopped at t = 3 ms before its end: every process waits/);
    expect(hasStackTrace(r.err)).toBe(false);
  });

  it("the text report says it too", async () => {
    const r = await cli(["run", STALLS, "--no-chart"]);
    expect(r.out.some((l) => l.includes("the workload stopped at t = 3 ms before its end"))).toBe(true);
  });
});

describe("sub-binary-cache's key is cut from its payload", () => {
  it("key_bytes above payload_bytes is bad input naming both (it used to run until Node ran out of memory)", async () => {
    const r = await cli(["run", "sub-binary-cache", "--set", "payloads=3", "--set", "key_bytes=100000"]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual(["leak-lab: sub-binary-cache: parameter key_bytes: 100000 is more than payload_bytes (65536); the key is cut from the payload, so key_bytes must be 1..payload_bytes"]);
  });

  it("key_bytes equal to payload_bytes runs", async () => {
    const r = await cli(["run", "sub-binary-cache", "--set", "payloads=3", "--set", "payload_bytes=1000", "--set", "key_bytes=1000", "--json"]);
    expect(r.code).toBe(0);
    expect(jsonOf(r).stalled).toBeUndefined();
  });
});
