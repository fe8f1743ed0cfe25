// The progress bar `dump` shows while a dump streams in: the run's bar (cli-progress), over bytes read,
// on a terminal only.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { byteProgress } from "../src/commands/dump.js";

function terminal(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer | string, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  // cli-progress draws only on a stream that says it is a TTY
  Object.assign(stream, { isTTY: true, columns: 120 });
  return { stream, text: () => chunks.join("") };
}

describe("dump's progress bar", () => {
  it("draws the bytes read on a terminal", () => {
    const t = terminal();
    const bar = byteProgress({ out: () => undefined, err: () => undefined, progress: { stream: t.stream, isTTY: true } }, "reading dump", 0);
    bar.update(512 * 2 ** 20, 1024 * 2 ** 20);
    bar.stop();
    expect(t.text()).toMatch(/reading dump \[=+-+\] 50% 512\/1024 MiB/);
  });

  it("draws nothing when stderr is not a terminal", () => {
    const t = terminal();
    const bar = byteProgress({ out: () => undefined, err: () => undefined, progress: { stream: t.stream, isTTY: false } }, "reading dump", 0);
    bar.update(512 * 2 ** 20, 1024 * 2 ** 20);
    bar.stop();
    expect(t.text()).toBe("");
  });
});

describe("a run's progress", () => {
  it("follows the workload of a scenario that ends at finished() (it used to stay at 0% for the whole run)", async () => {
    const { execute } = await import("../src/lab/execute.js");
    const { parametricScenarioById, resolveParams } = await import("../src/lab/scenario-api.js");
    const s = parametricScenarioById("gen-server-work");
    if (s === undefined) throw new Error("no gen-server-work");
    const seen: (number | undefined)[] = [];
    execute(s, { mode: "leak", params: resolveParams(s.params, { servers: "3", rounds: "4", work_base: "10", work_spread: "10" }), seed: 1, onProgress: (f) => seen.push(f) });
    expect(seen).toContain(0.5);
    expect(seen.at(-1)).toBe(1);
    const known = seen.filter((f): f is number => f !== undefined);
    expect(known).toHaveLength(seen.length);
    expect(known).toEqual([...known].sort((a, b) => a - b));
  });

  it("an unknown total draws the label only, no percentage", async () => {
    const { progressBar } = await import("../src/render/progress.js");
    const t = terminal();
    const bar = progressBar(t.stream, true, "routers (leak)", 0);
    bar.update(undefined, "t = 500 ms (virtual)");
    bar.stop();
    expect(t.text()).toContain("routers (leak) t = 500 ms (virtual)");
    expect(t.text()).not.toMatch(/%/);
  });

  it("a known fraction draws the bar and the percentage", async () => {
    const { progressBar } = await import("../src/render/progress.js");
    const t = terminal();
    const bar = progressBar(t.stream, true, "gen-server-work (leak)", 0);
    bar.update(0.25, "t = 15 ms (virtual)");
    bar.stop();
    expect(t.text()).toMatch(/gen-server-work \(leak\) \[=+-+\] 25% t = 15 ms \(virtual\)/);
  });
});
