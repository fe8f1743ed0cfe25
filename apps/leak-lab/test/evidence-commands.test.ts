/**
 * `leak-lab dump` and `leak-lab diagnose <snapshot>` on evidence recorded from the real BEAM
 * (tooling/beam-oracle: node_dumps.escript and node_snapshots.escript run the seed workloads),
 * and on bad input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../src/cli.js";

const FIXTURES = fileURLToPath(new URL("../../../tooling/beam-oracle/fixtures/", import.meta.url));

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { stdin: Readable.from([""]), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** The finding kind and first culprit role each seed workload must produce (null: none). */
const DUMP: Record<string, [string, string] | null> = {
  tenured_garbage: ["tenured_garbage", "server"],
  idle_children: ["children_never_terminate", "supervisor"],
  pinned_refc: ["refc_binaries_pinned", "router"],
  sub_binary_cache: ["sub_binary_pinning", "cache"],
  mailbox_backlog: ["mailbox_backlog", "consumer"],
  healthy_busy: null,
};
// A live snapshot cannot see sub-binaries (process_info(P, binary) lists ProcBins only).
const SNAPSHOT: Record<string, [string, string] | null> = { ...DUMP, sub_binary_cache: null };

interface Finding { kind: string; culprits: { role?: string }[] }

describe("leak-lab dump on real crash dumps", () => {
  it.each(Object.entries(DUMP))("%s --json names the culprit role", async (w, want) => {
    const { code, out, err } = await cli(["dump", "--json", `${FIXTURES}crash-dumps/${w}.erl_crash.dump.gz`]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const v = JSON.parse(out[0] as string) as { slogan: string; process_count: number; by_initial_call: unknown[]; findings: Finding[] };
    expect(v.slogan).toBe(`beamlab: ${w}`);
    expect(v.by_initial_call.length).toBeGreaterThan(0);
    expect(v.findings.map((f) => [f.kind, f.culprits[0]?.role])).toEqual(want === null ? [] : [want]);
  });

  it("prints recon's view, then the findings", async () => {
    const { code, out } = await cli(["dump", `${FIXTURES}crash-dumps/mailbox_backlog.erl_crash.dump.gz`]);
    expect(code).toBe(0);
    const text = out.join("\n");
    for (const heading of ["memory at the crash (erlang:memory):", "biggest mailboxes:", "biggest processes", "findings:"]) expect(text).toContain(heading);
    expect(text).toMatch(/<0\.79\.0>\s+slow_consumer \[consumer\]\s+\d{4}/);
  });
});

describe("leak-lab dump: young and old heap, and how much of each is unused", () => {
  it("tenured_garbage: each server's row carries the dump's Stack+heap, Heap unused, OldHeap, OldHeap unused", async () => {
    const { gunzipSync } = await import("node:zlib");
    const file = `${FIXTURES}crash-dumps/tenured_garbage.erl_crash.dump.gz`;
    const { out } = await cli(["dump", "--json", file]);
    const v = JSON.parse(out[0] as string) as { heaps: { pid: string; role?: string; heap_words: number; heap_unused_words?: number; old_heap_words: number; old_heap_unused_words?: number; unused_words?: number }[] };
    const servers = v.heaps.filter((r) => r.role === "server");
    expect(servers).toHaveLength(4);
    const text = gunzipSync(readFileSync(file)).toString("utf8");
    for (const r of servers) {
      const section = text.slice(text.indexOf(`=proc:${r.pid}\n`)).split("\n=")[0] ?? "";
      const field = (name: string): number => Number(new RegExp(`^${name.replace("+", "\\+")}: (\\d+)$`, "m").exec(section)?.[1]);
      expect(r).toMatchObject({ heap_words: field("Stack+heap"), heap_unused_words: field("Heap unused"), old_heap_words: field("OldHeap"), old_heap_unused_words: field("OldHeap unused") });
      expect(r.unused_words).toBe(field("Heap unused") + field("OldHeap unused"));
      // the leak's picture: large heaps, mostly unused
      expect((r.unused_words ?? 0) / (r.heap_words + r.old_heap_words)).toBeGreaterThan(0.5);
    }
  });
});

describe("leak-lab diagnose on real snapshot files", () => {
  it.each(Object.entries(SNAPSHOT))("%s --json names the culprit role", async (w, want) => {
    const { code, out, err } = await cli(["diagnose", "--json", `${FIXTURES}snapshots/${w}.snap.json`]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const v = JSON.parse(out[0] as string) as { snapshots: number; findings: Finding[] };
    expect(v.snapshots).toBe(3);
    expect(v.findings.map((f) => [f.kind, f.culprits[0]?.role])).toEqual(want === null ? [] : [want]);
  });

  it("--expect-clean exits 1 on a leak and 0 on the healthy node", async () => {
    expect((await cli(["diagnose", "--expect-clean", `${FIXTURES}snapshots/pinned_refc.snap.json`])).code).toBe(1);
    expect((await cli(["diagnose", "--expect-clean", `${FIXTURES}snapshots/healthy_busy.snap.json`])).code).toBe(0);
  });
});

describe("the real node and its simulated twin name the same finding and culprit role", () => {
  /** Seed workload (tooling/beam-oracle/recorders/beamlab_workloads) → the built-in scenario it is the twin of. */
  const TWIN: Record<string, string> = {
    tenured_garbage: "tenured-garbage",
    idle_children: "children-never-terminate",
    pinned_refc: "router-pins-binaries",
    sub_binary_cache: "sub-binary-pinning",
    mailbox_backlog: "mailbox-backlog",
    healthy_busy: "healthy-node",
  };
  const kindsAndRoles = (v: { findings: Finding[] }): [string, string | undefined][] => v.findings.map((f) => [f.kind, f.culprits[0]?.role]);
  it.each(Object.entries(TWIN))("%s: crash dump and snapshot against `diagnose %s`", async (w, scenario) => {
    const sim = await cli(["diagnose", scenario, "--json"]);
    expect(sim.code).toBe(0);
    const simulated = kindsAndRoles(JSON.parse(sim.out[0] as string) as { findings: Finding[] });
    const dump = await cli(["dump", "--json", `${FIXTURES}crash-dumps/${w}.erl_crash.dump.gz`]);
    expect(kindsAndRoles(JSON.parse(dump.out[0] as string) as { findings: Finding[] })).toEqual(simulated);
    const snap = await cli(["diagnose", "--json", `${FIXTURES}snapshots/${w}.snap.json`]);
    // process_info(P, binary) lists ProcBins only: a live snapshot cannot see sub-binaries
    expect(kindsAndRoles(JSON.parse(snap.out[0] as string) as { findings: Finding[] })).toEqual(w === "sub_binary_cache" ? [] : simulated);
  }, 60_000);
});

describe("bad input: one line on stderr, exit 2, no stack trace", () => {
  const dir = mkdtempSync(`${tmpdir()}/leak-lab-evidence-`);
  afterAll(() => { rmSync(dir, { recursive: true }); });
  const file = (name: string, data: string | Buffer): string => {
    writeFileSync(`${dir}/${name}`, data);
    return `${dir}/${name}`;
  };
  const oneLine = async (argv: string[]): Promise<string> => {
    const { code, out, err } = await cli(argv);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).not.toMatch(/\n|\s at /);
    return err[0] as string;
  };

  it("a truncated dump names the line and section", async () => {
    const { gunzipSync } = await import("node:zlib");
    const text = gunzipSync(readFileSync(`${FIXTURES}crash-dumps/pinned_refc.erl_crash.dump.gz`)).toString("utf8");
    const cut = file("cut.dump", text.slice(0, text.indexOf("=proc:<0.80.0>") + 60));
    expect(await oneLine(["dump", cut])).toMatch(/cut\.dump:\d+ \(section =proc:<0\.80\.0>\): truncated/);
  });
  it("a dump of another format version", async () => {
    expect(await oneLine(["dump", file("old.dump", "=erl_crash_dump:0.4\nMon\n=end\n")])).toMatch(/old\.dump:1: crash dump format 0\.4 is not supported/);
  });
  it("a binary file, a missing file", async () => {
    expect(await oneLine(["dump", file("bin.dump", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]))])).toMatch(/bin\.dump:1: binary data/);
    expect(await oneLine(["dump", `${dir}/nope.dump`])).toMatch(/nope\.dump: no such file/);
  });
  it("each reader given the other's file, a binary file to diagnose, a snapshot file that does not exist", async () => {
    const { gunzipSync } = await import("node:zlib");
    const dump = file("node.dump", gunzipSync(readFileSync(`${FIXTURES}crash-dumps/healthy_busy.erl_crash.dump.gz`)));
    expect(await oneLine(["diagnose", dump])).toMatch(/node\.dump: \(file\): an erl_crash\.dump, not a JSON snapshot file/);
    expect(await oneLine(["dump", `${FIXTURES}snapshots/healthy_busy.snap.json`])).toMatch(/healthy_busy\.snap\.json:1: not an erl_crash\.dump but JSON \(a snapshot file\?/);
    expect(await oneLine(["diagnose", file("elf.bin", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))])).toMatch(/elf\.bin: \(file\): binary data, not a JSON snapshot file/);
    expect(await oneLine(["diagnose", `${dir}/gone.snap.json`])).toMatch(/gone\.snap\.json: no such file$/);
  });
  it("a dump ending in an 8 MiB line without a newline: truncated, at that line and section", async () => {
    const huge = file("one-line.dump", `=erl_crash_dump:0.5\n=binary:7F00\n${"A".repeat(8 * 2 ** 20)}`);
    expect(await oneLine(["dump", huge])).toMatch(/one-line\.dump:3 \(section =binary:7F00\): truncated/);
  });
  it("JSON that is not a snapshot, and JSON with a wrong field", async () => {
    expect(await oneLine(["diagnose", file("x.json", '{"hello": 1}')])).toMatch(/x\.json: \(top\): not a snapshot/);
    expect(await oneLine(["diagnose", file("y.json", "{\n  \"snapshots\": [1,")])).toMatch(/y\.json: not JSON: .*line 2/);
    const snap = JSON.parse(readFileSync(`${FIXTURES}snapshots/healthy_busy.snap.json`, "utf8")) as { snapshots: { processes: { memory: unknown }[] }[] };
    (snap.snapshots[1] as { processes: { memory: unknown }[] }).processes[3] = { ...snap.snapshots[1]?.processes[3], memory: "lots" };
    expect(await oneLine(["diagnose", file("z.json", JSON.stringify(snap))])).toMatch(/^leak-lab: \S*z\.json: snapshots\[1\]\.processes\[3\]\.memory: expected a number ≥ 0, got "lots"$/);
  });
});
