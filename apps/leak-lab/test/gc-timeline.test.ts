// `leak-lab run gc-lifecycle`: the GC timeline of each traced process, on the terminal, in
// --json (`gc_events`) and in --report; compared with the real BEAM's trace of the twin
// (tooling/beam-oracle/fixtures/gc_lifecycle.json, recorded by recorders/gc_lifecycle.record.mjs).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compareGcEvents, onPath } from "../src/lab/beam.js";
import type { LabReport } from "../src/lab/report.js";
import { gcTimelineLines, timelineRows } from "../src/render/gc-timeline.js";
import { gcTimeline, type ProcessGcEvents } from "../src/lab/scenario-api.js";
import { styleFor } from "../src/render/style.js";
import { cli, jsonOf } from "./harness.js";

interface FixtureRecord {
  mode: string;
  params_set: Record<string, number>;
  processes: { role: string; events: ProcessGcEvents["events"] }[];
}
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "../../../tooling/beam-oracle/fixtures/gc_lifecycle.json");
const records = (JSON.parse(readFileSync(FIXTURE, "utf8")) as { records: FixtureRecord[] }).records;
const beam = (mode: string, set: Record<string, number> = {}) => records.find((r) => r.mode === mode && JSON.stringify(r.params_set) === JSON.stringify(set));

describe("leak-lab run gc-lifecycle --json", () => {
  it("adds gc_events (every traced process, dead ones included) and keeps every other field as it was", async () => {
    const doc = jsonOf(await cli(["run", "gc-lifecycle", "--json"]));
    expect(Object.keys(doc)).toEqual(["scenario", "mode", "params", "samples", "peak", "final", "findings", "gc_events"]);
    expect(doc.gc_events?.map((p) => p.role)).toEqual(["no_gc", "minors", "fullsweep_after", "grow"]);
    for (const p of doc.gc_events ?? []) expect(p.pid).toMatch(/^<0\.\d+\.0>$/);
    // the four exited: final.processes has none of them
    expect(doc.final.processes.filter((p) => ["no_gc", "minors", "fullsweep_after", "grow"].includes(p.role ?? ""))).toEqual([]);
    expect(doc.findings).toEqual([]);
  });

  it.each([["leak", {}], ["fix", {}], ["leak", { iterations: 20, garbage: 300, kept: 5, grown: 250, fullsweep_after: 3 }]] as const)(
    "%s %j: every event of every process is the real BEAM's (erlang:trace of the twin)",
    async (mode, set) => {
      const sets = Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
      const doc = jsonOf(await cli(["run", "gc-lifecycle", "--mode", mode, ...sets, "--json"]));
      const real = beam(mode, set);
      expect(real).toBeDefined();
      for (const p of real?.processes ?? []) {
        const sim = doc.gc_events?.find((x) => x.role === p.role);
        expect(sim?.events.length).toBe(p.events.length);
        // same events, field for field (the fixture's keys are sorted; compare as objects)
        expect(sim?.events).toEqual(p.events);
      }
    },
  );

  it("scenarios that trace nothing have no gc_events", async () => {
    const doc = jsonOf(await cli(["run", "tenured-garbage", "--json"]));
    expect("gc_events" in doc).toBe(false);
  });
});

describe("leak-lab run gc-lifecycle, for a person", () => {
  it("prints each process's GC timeline: kind, heap used and block before → after, old heap, reclaimed", async () => {
    const r = await cli(["run", "gc-lifecycle", "--no-chart"]);
    expect(r.code).toBe(0);
    const text = r.out.join("\n");
    expect(text).toMatch(/GC timelines \(words/);
    expect(text).toMatch(/^ {2}<0\.\d+\.0> no_gc: no collection$/m);
    expect(text).toMatch(/^ {2}<0\.\d+\.0> minors: 39 collections: 1 minor→major, 38 minor$/m);
    expect(text).toMatch(/^ {4}collection +heap used +heap block +old heap used \/ block +reclaimed$/m);
    // the first collection of a fresh process: a failed minor that becomes a fullsweep
    expect(text).toMatch(/^ {4}1\. minor→major +221 → 13 +233 +0 \/ 0 +208$/m);
    // fullsweep_after 10: ten minors, then a major that empties the old heap
    expect(text).toMatch(/^ {4}3–11\. minor ×9 +222 → 18 +233 +11 → 43 \/ 376 +200$/m);
    expect(text).toMatch(/^ {4}12\. major +222 → 65 +233 +0 \/ 0 +200$/m);
    // grow: a major that frees too little, and the heap grows
    expect(text).toMatch(/^ {4}6\. minor→major +222 → 465 +233 → 610 +0 \/ 0 +18$/m);
  });

  it("fix mode: minors and grow only do fullsweeps", async () => {
    const text = (await cli(["run", "gc-lifecycle", "--mode", "fix", "--no-chart"])).out.join("\n");
    expect(text).toMatch(/^ {2}<0\.\d+\.0> minors: \d+ collections: \d+ major$/m);
    expect(text).toMatch(/^ {2}<0\.\d+\.0> grow: \d+ collections: \d+ major$/m);
  });

  it("folds runs of collections that look the same into one row, and keeps every collection counted", () => {
    const events = beam("leak")?.processes.find((p) => p.role === "minors")?.events ?? [];
    const steps = gcTimeline(events);
    const rows = timelineRows(steps);
    expect(rows.length).toBeLessThan(steps.length);
    const counted = rows.reduce((a, r) => a + Number(/×(\d+)/.exec(r[0] ?? "")?.[1] ?? 1), 0);
    expect(counted).toBe(steps.length);
    expect(gcTimelineLines(undefined, styleFor(false, {}))).toEqual([]);
  });

  it("--report has the timelines too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-"));
    expect((await cli(["run", "gc-lifecycle", "--report", "gc.html"], { cwd: dir })).code).toBe(0);
    const html = readFileSync(join(dir, "gc.html"), "utf8");
    expect(html).toMatch(/<h2>GC timelines \(words\)<\/h2>/);
    expect(html).toMatch(/<b>&lt;0\.\d+\.0&gt; grow<\/b>: 18 collections/);
    expect(html).toContain("<td>1. minor→major</td>");
  });
});

describe("--beam on gc-lifecycle: the GC trace events next to the real BEAM's", () => {
  it("compareGcEvents counts, per role, the leading events identical in kind and every info item", async () => {
    const doc = jsonOf(await cli(["run", "gc-lifecycle", "--json"]));
    const real = beam("leak");
    const asReport = (procs: FixtureRecord["processes"]): LabReport => ({ ...doc, gc_events: procs.map((p, i) => ({ pid: `<0.${90 + i}.0>`, role: p.role, events: p.events })) });
    const all = compareGcEvents(doc, asReport(real?.processes ?? []));
    expect(all).toEqual({
      no_gc: { simulated: 0, real: 0, identical: 0 },
      minors: { simulated: 80, real: 80, identical: 80 },
      fullsweep_after: { simulated: 76, real: 76, identical: 76 },
      grow: { simulated: 44, real: 44, identical: 44 },
    });
    // one word moved in the real grow's 7th event: the first 6 stay identical
    const moved = (real?.processes ?? []).map((p) => (p.role !== "grow" ? p : { ...p, events: p.events.map((e, i) => (i === 6 ? { ...e, info: { ...e.info, heap_size: (e.info.heap_size ?? 0) + 1 } } : e)) }));
    expect(compareGcEvents(doc, asReport(moved))?.grow).toEqual({ simulated: 44, real: 44, identical: 6 });
    expect(compareGcEvents(doc, { ...doc, gc_events: undefined } as unknown as LabReport)).toBeUndefined();
  });

  // skipped only off CI without erl (CI always installs it)
  it.skipIf(!onPath("escript", process.env.PATH) && process.env.CI !== "true")("with erl on PATH: every event of every role is identical to the live twin's", async () => {
    const r = await cli(["run", "gc-lifecycle", "--set", "iterations=25", "--set", "fullsweep_after=4", "--beam", "--json"], { env: { PATH: process.env.PATH } });
    expect(r.code).toBe(0);
    const b = jsonOf(r).beam;
    const gc = b !== undefined && "gc_events" in b ? b.gc_events : undefined;
    expect(Object.keys(gc ?? {})).toEqual(["no_gc", "minors", "fullsweep_after", "grow"]);
    for (const m of Object.values(gc ?? {})) {
      expect(m.identical).toBe(m.real);
      expect(m.identical).toBe(m.simulated);
    }
    expect(gc?.grow?.real).toBeGreaterThan(10);
  }, 60_000);
});
