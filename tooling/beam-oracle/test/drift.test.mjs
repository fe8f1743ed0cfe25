import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DRIFT_RECORDINGS, FIXTURES_DIR, driftAcrossRecordings, fixtureDrift, liveErlRelease, liveErlRequired, loadFixture, recordAllAsync, recorders, runEscriptAsync } from "../oracle.mjs";

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

  // A drifting fixture is recorded again, up to DRIFT_RECORDINGS recordings (oracle.mjs says why);
  // it has drifted when none reproduces it. A recording that needed another is reported.
  it.each(committed)("%s.json has not drifted from the live BEAM", async (name) => {
    const script = recorders().find((r) => r.name === name)?.script;
    const recordAgain = async () => {
      const again = mkdtempSync(path.join(tmpdir(), "beam-oracle-again-"));
      try {
        await runEscriptAsync(script, [again]);
        return fixtureDrift(loadFixture(name), loadFixture(name, again));
      } finally {
        rmSync(again, { recursive: true, force: true });
      }
    };
    const drifts = await driftAcrossRecordings(fixtureDrift(loadFixture(name), loadFixture(name, out)), recordAgain);
    const drift = drifts[drifts.length - 1];
    if (drifts.length > 1 && drift.length === 0) console.warn(`${name}.json: recording 1 of ${drifts.length} differed, recording ${drifts.length} reproduced it:\n${drifts[0].join("\n")}`);
    expect(drift, `re-record with: pnpm oracle:record (${drifts.length} of ${DRIFT_RECORDINGS} recordings differed)\n${drifts.map((d, i) => `recording ${i + 1}:\n${d.join("\n")}`).join("\n")}`).toEqual([]);
  }, 1_200_000);
});

describe("driftAcrossRecordings", () => {
  it("records again only while recordings differ, up to the limit, and keeps every recording's drift", async () => {
    let calls = 0;
    const again = (drifts) => async () => drifts[calls++];
    expect(await driftAcrossRecordings([], again([]))).toEqual([[]]);
    expect(calls).toBe(0);
    calls = 0;
    expect(await driftAcrossRecordings(["a: committed 1, live 2"], again([[]]))).toEqual([["a: committed 1, live 2"], []]);
    expect(calls).toBe(1);
    calls = 0;
    const always = ["a: committed 1, live 2"];
    const drifts = await driftAcrossRecordings(always, again([always, always, always]));
    expect(drifts).toHaveLength(DRIFT_RECORDINGS);
    expect(drifts[drifts.length - 1]).toEqual(always);
    expect(calls).toBe(DRIFT_RECORDINGS - 1);
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
