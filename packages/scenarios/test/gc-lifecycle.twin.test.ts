/**
 * gc-lifecycle against its twin on the real BEAM (fixtures/gc_lifecycle.json, recorded by
 * tooling/beam-oracle/recorders/gc_lifecycle.record.mjs from twins/gc_lifecycle.escript): every
 * GC trace event (kind, wordsize and the 11 garbage_collection_info items) of every role's
 * process, in order, for both modes and every recorded parameter set — exactly.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { describe, expect, it } from "vitest";
import { GC_LIFECYCLE_ROLES, gcLifecycle, gcTimeline, resolveParams, type GcEventRecord, type GcStep, type Mode } from "../src/index.js";

interface FixtureProcess {
  role: string;
  spawn_opts: { fullsweep_after: number; min_heap_size: number };
  events: GcEventRecord[];
}
interface FixtureRecord {
  mode: Mode;
  params_set: Record<string, number>;
  params: Record<string, number>;
  processes: FixtureProcess[];
}
const fixture = loadFixture("gc_lifecycle") as { records: FixtureRecord[] };

const INFO_KEYS = ["wordsize", "heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "recent_size", "stack_size", "bin_vheap_size", "bin_vheap_block_size", "bin_old_vheap_size", "bin_old_vheap_block_size"];

/** The simulated processes' gc events, by role. */
export function simulate(mode: Mode, set: Record<string, number>): Map<string, readonly GcEventRecord[]> {
  const params = resolveParams(gcLifecycle.params, Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v)])));
  const run = gcLifecycle.run({ mode, params });
  while (run.finished?.() !== true) run.scheduler.run({ until: run.scheduler.clock.now + 1 });
  return new Map((run.gcEvents?.() ?? []).map((p) => [p.role ?? "", p.events]));
}

/** The first difference between two event sequences, as text (undefined when equal). */
export function firstDiff(model: readonly GcEventRecord[], beam: readonly GcEventRecord[]): string | undefined {
  for (let i = 0; i < Math.max(model.length, beam.length); i++) {
    const m = model[i];
    const b = beam[i];
    if (m === undefined || b === undefined) return `event #${i}: model ${m?.event ?? "(none)"} vs BEAM ${b?.event ?? "(none)"} (model has ${model.length}, BEAM ${beam.length})`;
    if (m.event !== b.event) return `event #${i}: model ${m.event} vs BEAM ${b.event}\n  model ${JSON.stringify(m.info)}\n  BEAM  ${JSON.stringify(b.info)}`;
    for (const k of INFO_KEYS) if (m.info[k] !== b.info[k]) return `event #${i} ${b.event}.${k}: model ${m.info[k]} vs BEAM ${b.info[k]}\n  model ${JSON.stringify(m.info)}\n  BEAM  ${JSON.stringify(b.info)}`;
  }
  return undefined;
}

describe("gc-lifecycle: every GC event of every process, against erlang:trace on the real BEAM", () => {
  for (const record of fixture.records) {
    describe(`${record.mode} ${JSON.stringify(record.params_set)}`, () => {
      const sim = simulate(record.mode, record.params_set);
      it("traces the four processes, in the twin's order, with its spawn options", () => {
        expect([...sim.keys()]).toEqual(record.processes.map((p) => p.role));
        expect([...sim.keys()]).toEqual([...GC_LIFECYCLE_ROLES]);
      });
      for (const p of record.processes) {
        it(`${p.role}: ${p.events.length} events, exactly`, () => {
          expect(firstDiff(sim.get(p.role) ?? [], p.events)).toBeUndefined();
        });
      }
    });
  }
});

const kinds = (steps: readonly GcStep[]): string[] => steps.map((x) => x.kind);

/** The four stories, read from the timelines (the simulated ones, equal to the BEAM's above). */
describe("gc-lifecycle: the timelines tell the four stories (defaults)", () => {
  const leak = simulate("leak", {});
  const fix = simulate("fix", {});
  const fsa = gcLifecycle.params.find((p) => p.name === "fullsweep_after")?.default as number;
  it("the timeline accounts for every event: a failed minor + its major = 4 events, any other collection 2", () => {
    for (const events of [...leak.values(), ...fix.values()]) {
      const t = gcTimeline(events);
      expect(t.reduce((a, x) => a + (x.kind === "minor→major" ? 4 : x.kind === "max_heap_size" ? 1 : 2), 0)).toBe(events.length);
    }
  });
  it("no_gc never collects", () => {
    expect(leak.get("no_gc")).toEqual([]);
  });
  it("minors: the first collection is a fullsweep (a failed minor that becomes a major), then only minors, promoting into a growing old heap", () => {
    const t = gcTimeline(leak.get("minors") ?? []);
    expect(t[0]?.kind).toBe("minor→major");
    expect(t.length).toBeGreaterThan(10);
    expect(new Set(kinds(t.slice(1)))).toEqual(new Set(["minor"]));
    const old = t.map((x) => x.after.old_heap_size);
    expect(old[old.length - 1]).toBeGreaterThan(old[1] ?? 0);
  });
  it(`fullsweep_after: ${fsa} minors, then a major that empties the old heap, then minors again`, () => {
    const t = gcTimeline(leak.get("fullsweep_after") ?? []);
    const majors = t.flatMap((x, i) => (x.kind === "major" ? [i] : []));
    expect(majors.length).toBeGreaterThan(1);
    for (let j = 1; j < majors.length; j++) expect((majors[j] ?? 0) - (majors[j - 1] ?? 0) - 1).toBe(fsa);
    for (const i of majors) expect(t[i]?.after.old_heap_block_size).toBe(0);
  });
  it("grow: majors free too little, so the heap grows, again and again", () => {
    const t = gcTimeline(leak.get("grow") ?? []);
    const growths = t.filter((x) => x.kind !== "minor" && x.after.heap_block_size > x.before.heap_block_size);
    expect(growths.length).toBeGreaterThanOrEqual(3);
    for (const g of growths) expect(g.reclaimed).toBeLessThan(g.after.heap_size);
  });
  it("fix (fullsweep_after 0): minors and grow only ever do majors, and keep no old heap", () => {
    for (const role of ["minors", "grow"]) {
      const t = gcTimeline(fix.get(role) ?? []);
      expect(t.length).toBeGreaterThan(5);
      expect(new Set(kinds(t))).toEqual(new Set(["major"]));
      for (const x of t) expect(x.after.old_heap_block_size).toBe(0);
    }
  });
});
