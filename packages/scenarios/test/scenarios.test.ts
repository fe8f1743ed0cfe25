/**
 * Each leak scenario, sampled over the scheduler's node source with telemetry's Sampler and run
 * through detectLeaks: its detector fires (naming the culprit's pid and role, with the evidence
 * in numbers), and nothing fires on its fixed variant or on the healthy busy node.
 *
 * Detector options: the defaults.
 */
import { describe, expect, it } from "vitest";
import type { Finding } from "@beamlab/telemetry";
import {
  healthyNode,
  idleChildren,
  mailboxBacklog,
  pinnedRefc,
  sampleScenario,
  SCENARIOS,
  scenarioById,
  subBinaryPinning,
  tenuredGarbage,
  type Scenario,
} from "../src/index.js";

function findingsOf(s: Scenario): readonly Finding[] {
  return sampleScenario(s).findings;
}

function only(s: Scenario): Finding {
  const fs = findingsOf(s);
  expect(fs.map((f) => f.kind)).toEqual([s.expects]);
  const f = fs[0] as Finding;
  expect(f.culprits[0]?.role).toBe(s.culpritRole);
  expect(f.culprits[0]?.pid).toMatch(/^<0\.\d+\.0>$/);
  return f;
}

describe("leak scenarios: each detector fires on its pattern", () => {
  it("tenured garbage: the server's old heap is mostly traced garbage", () => {
    const f = only(tenuredGarbage);
    expect(f.culprits[0]).toMatchObject({ pid: "<0.1.0>", name: "api", role: "server" });
    expect(f.evidence).toMatchObject({ samples: 13, old_heap_garbage_words_first: 5, old_heap_garbage_words_last: 9600, old_heap_live_words_last: 771, fullsweep_after: 65535 }); // 768 words of live results + the 3-word {'$beamlab_role', server} dictionary tuple
    expect(f.evidence.garbage_fraction).toBeGreaterThan(0.9);
  });

  it("children that never terminate: the job supervisor's idle agents", () => {
    const f = only(idleChildren);
    expect(f.culprits[0]).toMatchObject({ pid: "<0.1.0>", name: "jobs_sup", role: "supervisor" });
    expect(f.culprits.slice(1).every((c) => c.role === "agent")).toBe(true);
    expect(f.evidence).toMatchObject({ samples: 11, children_first: 1, children_last: 101, idle_fraction: 1 });
  });

  it("refc binaries pinned: the router references MBs of binaries and never collects", () => {
    const f = only(pinnedRefc);
    expect(f.culprits[0]).toMatchObject({ pid: "<0.2.0>", name: "router", role: "router" });
    expect(f.evidence).toMatchObject({ samples: 11, gcs_in_window: 0, binary_bytes_first: 65536, binary_bytes_last: 201 * 65536, procbins_last: 201 });
    // traced: every byte the router references is unreachable from it
    expect(f.evidence.binary_garbage_bytes).toBe(201 * 65536);
  });

  it("sub-binary pinning: the cache's 100-byte parts keep 64 KB payloads alive", () => {
    const f = only(subBinaryPinning);
    expect(f.culprits[0]).toMatchObject({ pid: "<0.1.0>", name: "cache", role: "cache" });
    expect(f.evidence.largest_binary_bytes).toBe(65536);
    expect(f.evidence.used_bytes).toBe(100 * (f.evidence.binaries ?? 0));
    expect(f.evidence.wasted_fraction).toBeGreaterThan(0.998);
    expect(f.evidence.binaries).toBeGreaterThan(80);
  });

  it("mailbox backlog: events arrive twice as fast as the sink drains them", () => {
    const f = only(mailboxBacklog);
    expect(f.culprits[0]).toMatchObject({ pid: "<0.1.0>", name: "sink", role: "consumer" });
    expect(f.evidence).toMatchObject({ message_queue_len_first: 0, message_queue_len_last: 250, arrival_rate: 500, drain_rate: 250 });
  });
});

describe("silence: fixed variants and a healthy busy node", () => {
  for (const leak of [tenuredGarbage, idleChildren, pinnedRefc, subBinaryPinning, mailboxBacklog]) {
    it(`${leak.fixed?.id ?? "?"}: no finding`, () => {
      const fixed = leak.fixed;
      expect(fixed).toBeDefined();
      if (fixed !== undefined) expect(findingsOf(fixed)).toEqual([]);
    });
  }

  it("healthy node: busy, and no finding", () => {
    const r = sampleScenario(healthyNode);
    expect(r.findings).toEqual([]);
    const first = r.snapshots[0];
    const last = r.snapshots[r.snapshots.length - 1];
    const gcs = (s: typeof last): number => s?.statistics?.garbage_collection?.number_of_gcs ?? 0;
    expect(gcs(last) - gcs(first)).toBeGreaterThan(1000);
    expect(last?.system_info.process_count).toBeGreaterThan(5);
  });
});

describe("detection does not depend on where sampling stops", () => {
  it.each([2000, 2500, 3000])("tenured garbage is found after %i virtual ms, and not in its fix or a healthy node", (duration) => {
    expect(sampleScenario(tenuredGarbage, { duration }).findings.map((f) => f.kind)).toEqual(["tenured_garbage"]);
    expect(sampleScenario(tenuredGarbage.fixed!, { duration }).findings).toEqual([]);
    expect(sampleScenario(healthyNode, { duration }).findings).toEqual([]);
  });
});

describe("the scenario registry", () => {
  it("lists each leak, its fixed variant, and the healthy node, by unique id", () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual([
      "tenured-garbage",
      "tenured-garbage.fixed",
      "children-never-terminate",
      "children-never-terminate.fixed",
      "router-pins-binaries",
      "router-pins-binaries.fixed",
      "sub-binary-pinning",
      "sub-binary-pinning.fixed",
      "mailbox-backlog",
      "mailbox-backlog.fixed",
      "healthy-node",
    ]);
    expect(scenarioById("healthy-node")).toBe(healthyNode);
  });

  it("is deterministic: the same seed gives the same snapshots", () => {
    const a = sampleScenario(subBinaryPinning, { seed: 7 }).snapshots;
    const b = sampleScenario(subBinaryPinning, { seed: 7 }).snapshots;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
