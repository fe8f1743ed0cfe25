// Bad input: one clear line naming the problem and the valid choices, exit code 2, no stack trace.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, FIXTURES, hasStackTrace, HOARDER } from "./harness.js";

async function bad(argv: string[]) {
  const r = await cli(argv);
  expect(r.code).toBe(2);
  expect(r.out).toEqual([]);
  expect(r.err.length).toBe(1);
  expect(hasStackTrace(r.err)).toBe(false);
  return r.err[0] ?? "";
}

describe("leak-lab: bad input", () => {
  it("an unknown scenario names the valid ones", async () => {
    const line = await bad(["run", "no-such-leak"]);
    expect(line).toMatch(/no scenario "no-such-leak"; valid: gen-server-work, .*gc-lifecycle, .*tenured-garbage, .*sub-binary-pinning/);
  });

  it.each([["compare"], ["diagnose"], ["scenario", "run"]])("the same for `%s`", async (...cmd) => {
    expect(await bad([...cmd, "no-such-leak"])).toMatch(/no scenario "no-such-leak"/);
  });

  it("an unknown parameter names the valid ones", async () => {
    expect(await bad(["run", HOARDER, "--set", "hordes=3"])).toMatch(/hoarder: unknown parameter hordes; valid: hoarders, payload_bytes, period_ms/);
  });

  it("a parameter of a scenario that takes none says so", async () => {
    expect(await bad(["run", "tenured-garbage", "--set", "servers=3"])).toMatch(/unknown parameter servers; this scenario takes none/);
  });

  it("a value of the wrong type names the parameter and the type", async () => {
    expect(await bad(["run", HOARDER, "--set", "hoarders=many"])).toMatch(/parameter hoarders: "many" is not a whole number/);
    expect(await bad(["run", HOARDER, "--set", "payload_bytes=lots"])).toMatch(/parameter payload_bytes: "lots" is not a size in bytes/);
  });

  it("a value out of range names the range", async () => {
    expect(await bad(["run", HOARDER, "--set", "hoarders=0"])).toMatch(/parameter hoarders: 0 is out of range 1\.\.50/);
  });

  it("--set without = shows the form", async () => {
    expect(await bad(["run", HOARDER, "--set", "hoarders"])).toMatch(/--set "hoarders": expected name=value/);
  });

  it("a bad --mode lists the modes", async () => {
    expect(await bad(["run", "tenured-garbage", "--mode", "broken"])).toBe("leak-lab run: option '--mode <mode>' argument 'broken' is invalid. Allowed choices are leak, fix.");
  });

  it("a bad number option names the flag and the range", async () => {
    expect(await bad(["run", "tenured-garbage", "--seed", "-3"])).toMatch(/--seed takes a whole number from 0/);
    // the scheduler's seed is 32 bits: 4294967297 was silently the run of seed 1
    expect(await bad(["run", "tenured-garbage", "--seed", "4294967297"])).toMatch(/--seed takes a whole number from 0 to 4294967295, got "4294967297"/);
    expect(await bad(["run", "tenured-garbage", "--band", "0"])).toMatch(/--band takes a whole number from 1 to 256/);
  });

  it("a bad --memory-limit shows how to write a size", async () => {
    expect(await bad(["run", "tenured-garbage", "--memory-limit", "lots"])).toMatch(/--memory-limit: "lots" is not a size; write e\.g\. 2GiB/);
    expect(await bad(["run", "tenured-garbage", "--set", "memory_limit=2XB"])).toMatch(/--set memory_limit: "2XB" is not a size/);
  });

  it("an unknown command or flag: leak-lab's one line, with the valid ones (commander said `error: …` without them)", async () => {
    expect(await bad(["frobnicate"])).toBe("leak-lab: unknown command 'frobnicate'; valid: list, run, compare, diagnose, dump, term, scenario");
    expect(await bad(["term", "sise"])).toBe("leak-lab term: unknown command 'sise' (did you mean size?); valid: size, parse");
    expect(await bad(["list", "--frob"])).toBe("leak-lab list: unknown option '--frob'; valid: --json, --no-color, --help");
    const run = await bad(["run", "tenured-garbage", "--ban", "3"]);
    expect(run).toMatch(/^leak-lab run: unknown option '--ban' \(did you mean --band\?\); valid: --mode, --set, --seed, .*--band, .*--memory-limit, .*--help$/);
  });

  it("a missing scenario names the built-ins", async () => {
    expect(await bad(["run"])).toMatch(/^leak-lab run: missing required argument 'scenario'; valid: gen-server-work, .*healthy-node, or a file \.\/my-scenario\.ts$/);
  });

  it("a scenario file that does not exist", async () => {
    expect(await bad(["run", "./nowhere/my-scenario.ts"])).toMatch(/scenario file \.\/nowhere\/my-scenario\.ts does not exist \(built-in scenarios: gen-server-work, .*gc-lifecycle, .*tenured-garbage/);
  });

  it("a scenario file that does not compile names the line", async () => {
    expect(await bad(["run", `${FIXTURES}/broken-syntax.ts`])).toMatch(/broken-syntax\.ts \(line 3, column \d+\) does not load: syntax error/);
  });

  it("a scenario file that throws while loading", async () => {
    expect(await bad(["run", `${FIXTURES}/throws-on-load.ts`])).toMatch(/throws-on-load\.ts \(line 2, column \d+\) does not load: boom while loading the scenario/);
  });

  it("a scenario file without a default-exported scenario", async () => {
    expect(await bad(["run", `${FIXTURES}/no-default.ts`])).toMatch(/no-default\.ts must `export default defineScenario/);
  });

  it("a scenario whose run() throws", async () => {
    expect(await bad(["run", `${FIXTURES}/throws-in-run.ts`])).toMatch(/scenario throws-in-run \(leak\) threw while running: the workload failed to start/);
  });

  it("a scenario whose run() does not return a node's run says what it must return (it said `a run takes at least one sample`)", async () => {
    expect(await bad(["run", join(FIXTURES, "run-returns-number.ts")])).toBe("leak-lab: returns-number: run() must return the run newNode(opts, { duration, interval }) builds; it returned 42");
  });

  it("a sample interval of 0 is bad input (the sampling loop never ended)", async () => {
    expect(await bad(["run", join(FIXTURES, "zero-interval.ts")])).toBe("leak-lab: zero-interval: run() must return the run newNode(opts, { duration, interval }) builds; its interval must be a whole number of ms ≥ 1, not 0");
  });

  it("ID.fixed with --mode leak is a contradiction", async () => {
    expect(await bad(["run", "tenured-garbage.fixed", "--mode", "leak"])).toMatch(/tenured-garbage\.fixed is the fix of tenured-garbage/);
  });
});
