import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURES_DIR, fixtureDrift, liveErlRelease, liveErlRequired, loadFixture, recordAllAsync, recorders } from "../oracle.mjs";

const release = liveErlRelease();
const committed = readdirSync(FIXTURES_DIR).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));

describe("committed fixtures", () => {
  it("come from a recorder in recorders/ on OTP 25, 64-bit", () => {
    const names = new Set(recorders().map((r) => path.basename(r.script)));
    expect(committed.length).toBeGreaterThan(0);
    for (const name of committed) {
      const fixture = loadFixture(name);
      expect(names, `${name}.json names its recorder`).toContain(fixture.recorder);
      expect(fixture.otp_release, `${name}.json otp_release`).toBe("25");
      expect(fixture.wordsize, `${name}.json wordsize`).toBe(8);
    }
  });

  it("a live BEAM is present wherever one is required (CI)", () => {
    if (liveErlRequired()) expect(release, "erl on PATH (CI installs erlang-base)").toBe("25");
    else expect(release === undefined || typeof release === "string").toBe(true);
  });
});

describe.runIf(release !== undefined)("fixtures re-recorded from the live BEAM", () => {
  const out = mkdtempSync(path.join(tmpdir(), "beam-oracle-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let recorded = [];

  it("record without error", async () => {
    recorded = await recordAllAsync(out); // async: a long synchronous run starves vitest's worker RPC
    expect(recorded.sort()).toEqual(committed.sort());
  }, 600_000);

  it.each(committed)("%s.json has not drifted from the live BEAM", (name) => {
    const drift = fixtureDrift(loadFixture(name), loadFixture(name, out));
    expect(drift, `re-record with: pnpm oracle:record\n${drift.join("\n")}`).toEqual([]);
  });
});

describe("fixtureDrift", () => {
  it("ignores the volatile fields of non-deterministic records and nothing else", () => {
    const a = { terms: [{ id: "p", deterministic: false, text: "<0.80.0>", etf: "x", flat_size: 0 }] };
    expect(fixtureDrift(a, { terms: [{ ...a.terms[0], text: "<0.81.0>", etf: "y" }] })).toEqual([]);
    expect(fixtureDrift(a, { terms: [{ ...a.terms[0], flat_size: 1 }] })).toEqual(["terms[0].flat_size: committed 0, live 1"]);
    expect(fixtureDrift({ l: [1, 2] }, { l: [1] })).toEqual(["l: committed 2 items, live 1"]);
  });
});
