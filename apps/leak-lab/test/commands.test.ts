// list, compare, diagnose, and the old `scenario …` group.
import { describe, expect, it } from "vitest";
import type { LabReport } from "../src/lab/report.js";
import { PARAMETRIC_SCENARIOS } from "../src/lab/scenario-api.js";
import { anyJsonOf, cli, HOARDER, jsonOf } from "./harness.js";

interface ListDoc {
  scenarios: { id: string; params: { name: string }[]; expects: { leak: string | null; fix: string | null } }[];
}

describe("leak-lab list", () => {
  it("--json names every scenario with its parameters and the finding of each mode", async () => {
    const r = await cli(["list", "--json"]);
    expect(r.code).toBe(0);
    const doc = anyJsonOf(r) as ListDoc;
    expect(doc.scenarios.map((s) => s.id)).toEqual(PARAMETRIC_SCENARIOS.map((s) => s.id));
    for (const s of doc.scenarios) {
      const spec = PARAMETRIC_SCENARIOS.find((x) => x.id === s.id);
      expect(s.params.map((p) => p.name)).toEqual(spec?.params.map((p) => p.name));
      expect(s.expects.leak).toBe(spec?.expects("leak") ?? null);
      expect(s.expects.fix).toBe(spec?.expects("fix") ?? null);
    }
  });

  it("prints one line per scenario, and its parameters with defaults", async () => {
    const r = await cli(["list"]);
    for (const s of PARAMETRIC_SCENARIOS) {
      expect(r.out.some((l) => l.startsWith(`${s.id}  ${s.title}`))).toBe(true);
      for (const p of s.params) expect(r.out.join("\n")).toContain(`${p.name}=`);
    }
  });

  it("says what --set accepts for each parameter: type, range (or off) and meaning (it showed name=default only)", async () => {
    const r = await cli(["list"]);
    expect(r.out).toContain("    servers=300            integer    1..100000       gen_servers called in each round");
    expect(r.out).toContain("    hibernate_after=off    ms_or_off  0..3600000|off  the servers' hibernate_after (ms, or off)");
    expect(r.out.some((l) => /^ {4}payload_bytes=65536 +bytes +65\.\.1073741824 +size of each payload/.test(l))).toBe(true);
  });
});

describe("leak-lab compare", () => {
  it("--json runs both modes with the same parameters; the leak holds more", async () => {
    const r = await cli(["compare", "sub-binary-pinning", "--json"]);
    expect(r.code).toBe(0);
    const doc = anyJsonOf(r) as { scenario: string; leak: LabReport; fix: LabReport };
    expect(doc.leak.mode).toBe("leak");
    expect(doc.fix.mode).toBe("fix");
    expect(doc.leak.findings?.map((f) => f.kind)).toContain("sub_binary_pinning");
    expect(doc.fix.findings).toEqual([]);
    // what each workload added above the booted node's own binaries (the first sample, t = 0)
    const added = (r: LabReport): number => (r.final.memory.binary ?? 0) - (r.samples[0]?.memory.binary ?? 0);
    expect(added(doc.leak)).toBeGreaterThan(10 * added(doc.fix));
  });

  it("is the two runs of `run`, side by side", async () => {
    const doc = anyJsonOf(await cli(["compare", HOARDER, "--set", "hoarders=2", "--json"])) as { leak: LabReport; fix: LabReport };
    expect(doc.fix).toEqual(jsonOf(await cli(["run", HOARDER, "--set", "hoarders=2", "--mode", "fix", "--json"])));
  });

  it("prints the headline numbers of both with leak/fix ratios", async () => {
    const r = await cli(["compare", "sub-binary-pinning"]);
    const text = r.out.join("\n");
    expect(text).toMatch(/^ {2}headline +leak +fix +leak\/fix$/m);
    const row = r.out.find((l) => l.trimStart().startsWith("final.memory.binary"));
    const ratio = Number(row?.trim().split(/\s+/).pop());
    // whole-node figures: the booted node's binaries sit under both, so the ratio is the JSON's
    const doc = anyJsonOf(await cli(["compare", "sub-binary-pinning", "--json"])) as { leak: LabReport; fix: LabReport };
    expect(ratio).toBeCloseTo((doc.leak.final.memory.binary ?? 0) / (doc.fix.final.memory.binary ?? 1), 2);
    expect(ratio).toBeGreaterThan(5);
    expect(text).toMatch(/leak:\n.*1 leak found/);
    expect(text).toMatch(/fix:\n.*no leak found/);
  });
});

describe("leak-lab diagnose <scenario>", () => {
  it("explains the finding with its evidence and culprits, and says it is the expected one", async () => {
    const r = await cli(["diagnose", "router-pins-binaries"]);
    expect(r.code).toBe(0);
    const text = r.out.join("\n");
    expect(text).toMatch(/refc binaries pinned: /);
    expect(text).toMatch(/evidence: /);
    expect(text).toMatch(/the culprits at the end of the run:\n +pid +role/);
    expect(text).toMatch(/as expected: this mode is built to show refc binaries pinned\./);
  });

  it("--json gives the findings and the expected kind; --expect-clean exits 1 on a leak", async () => {
    const r = await cli(["diagnose", "mailbox-backlog", "--json", "--expect-clean"]);
    expect(r.code).toBe(1);
    const doc = anyJsonOf(r) as { expected: string; findings: { kind: string }[] };
    expect(doc.expected).toBe("mailbox_backlog");
    expect(doc.findings.map((f) => f.kind)).toContain("mailbox_backlog");
  });

  it("the fix mode is clean", async () => {
    const r = await cli(["diagnose", "mailbox-backlog", "--mode", "fix", "--expect-clean"]);
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toMatch(/as expected: this mode is built to be clean\./);
  });
});

describe("leak-lab scenario … (the old group name)", () => {
  it("runs the same commands", async () => {
    expect((await cli(["scenario", "run", "tenured-garbage", "--json"])).out).toEqual((await cli(["run", "tenured-garbage", "--json"])).out);
    expect((await cli(["scenario", "list", "--json"])).out).toEqual((await cli(["list", "--json"])).out);
    expect((await cli(["scenario", "compare", "tenured-garbage", "--json"])).out).toEqual((await cli(["compare", "tenured-garbage", "--json"])).out);
  });

  it("keeps the old ID.fixed ids and --expect-clean", async () => {
    const r = await cli(["scenario", "run", "tenured-garbage.fixed", "--expect-clean"]);
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toMatch(/no leak found/);
  });
});

describe("leak-lab --help", () => {
  it("lists the commands, exit 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["list", "run", "compare", "diagnose", "term", "scenario"]) expect(r.out.join("\n")).toMatch(new RegExp(`^ +${c} `, "m"));
  });
});
