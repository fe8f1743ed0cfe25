// --beam: the twin on the real BEAM, or one clear line saying why not.
import { describe, expect, it } from "vitest";
import { compareHeadlines, onPath } from "../src/lab/beam.js";
import { cli, hasStackTrace, HOARDER, jsonOf } from "./harness.js";

describe("leak-lab run --beam", () => {
  it("a scenario without a twin: one line, the run still prints, exit 0", async () => {
    const r = await cli(["run", HOARDER, "--beam", "--no-chart"]);
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toMatch(/--beam: hoarder has no twin on the real BEAM/);
    expect(hasStackTrace([...r.out, ...r.err])).toBe(false);
  });

  it("with --json the reason is in the document and on stderr", async () => {
    const r = await cli(["run", HOARDER, "--beam", "--json"]);
    expect(r.code).toBe(0);
    const doc = jsonOf(r);
    expect(doc.beam).toEqual({ skipped: "--beam: hoarder has no twin on the real BEAM" });
    expect(r.err).toEqual(["--beam: hoarder has no twin on the real BEAM"]);
  });
});

describe("onPath", () => {
  it("finds an executable in a PATH directory, not elsewhere", () => {
    expect(onPath("node", process.env.PATH)).toBe(true);
    expect(onPath("node", "")).toBe(false);
    expect(onPath("surely-no-such-binary-here", process.env.PATH)).toBe(false);
  });
});

describe("compareHeadlines", () => {
  it("sets each headline next to the real one with simulated/real", async () => {
    const a = jsonOf(await cli(["run", HOARDER, "--set", "hoarders=2", "--json"]));
    const b = jsonOf(await cli(["run", HOARDER, "--set", "hoarders=4", "--json"]));
    const c = compareHeadlines(a, b);
    expect(c["hoarder.count"]).toEqual({ simulated: 2, real: 4, ratio: 0.5 });
    expect(c["final.memory.binary"]?.ratio).toBeCloseTo((a.final.memory.binary ?? 0) / (b.final.memory.binary ?? 1), 12);
  });
});
