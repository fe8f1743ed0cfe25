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
    expect(doc.stalled?.message).toBe("the workload stopped at t = 3 ms before its end: every process waits and no timer is pending (<0.2.0> (worker) exited with JS TypeError: the worker's bug)");
    expect(hasStackTrace(r.err)).toBe(false);
  });

  it("names the process that exited abnormally, its role and the JS error, without its stack (it crashed silently)", async () => {
    const doc = jsonOf(await cli(["run", STALLS, "--json"]));
    expect(doc.abnormal_exits).toEqual({ count: 1, first: [{ pid: "<0.2.0>", role: "worker", reason: "JS TypeError: the worker's bug", t_ms: 3 }] });
    const text = await cli(["run", STALLS, "--no-chart"]);
    const i = text.out.indexOf("  1 process exited abnormally (not normal or shutdown):");
    expect(i).toBeGreaterThan(0);
    expect(text.out[i + 1]).toBe("    <0.2.0> (worker) at t = 3 ms: JS TypeError: the worker's bug");
  });

  it("a node with no process left says so instead of an empty role table", async () => {
    const text = await cli(["run", join(FIXTURES, "all-exit.ts"), "--no-chart"]);
    expect(text.code).toBe(0);
    expect(text.out).toContain("  no process of the scenario is alive at the end");
    expect(text.out.some((l) => l.trimStart().startsWith("role "))).toBe(false);
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
    expect(jsonOf(r).abnormal_exits).toBeUndefined();
  });
});

describe("exit reasons as a person reads them", () => {
  it("a JS error thrown in a process body, either way its binaries print; other reasons cut at 200 characters", async () => {
    const { readableReason, isNormalExit } = await import("../src/lab/execute.js");
    expect(readableReason('{{js_exception,<<"RangeError">>,<<"too big">>},<<"at x (/home/me/s.ts:1:2)">>}')).toBe("JS RangeError: too big");
    expect(readableReason("{{js_exception,<<69,114,114,111,114>>,<<98,111,111,109>>},<<>>}")).toBe("JS Error: boom");
    expect(readableReason("{badarg,[{binary,part,3}]}")).toBe("{badarg,[{binary,part,3}]}");
    expect(readableReason(`{big,${"x".repeat(300)}}`)).toHaveLength(201);
    expect(["normal", "shutdown", "{shutdown,closed}"].every(isNormalExit)).toBe(true);
    expect(["killed", "{badarg,[]}", "noproc"].some(isNormalExit)).toBe(false);
  });
});
