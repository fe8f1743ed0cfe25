/**
 * The crash dump reader and the single-moment detectors on real dumps recorded from the BEAM
 * (tooling/beam-oracle/recorders/node_dumps.escript: each seed workload, then erlang:halt/1), on
 * the writer's output (round trip), and on bad input.
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CrashDumpError, detectAtMoment, readCrashDump, writeCrashDump, type FindingKind } from "@beamlab/telemetry";
import { node, pid, proc } from "./fixtures.js";

const FIXTURES = fileURLToPath(new URL("../../../tooling/beam-oracle/fixtures/", import.meta.url));
interface Manifest {
  readonly recorder: string;
  readonly dumps: readonly { workload: string; file: string; slogan: string; roles: Record<string, number> }[];
}
const manifest = JSON.parse(readFileSync(`${FIXTURES}node_dumps.json`, "utf8")) as Manifest;

/** The finding each seed workload must produce, and the roles its culprits must carry (in order). */
const EXPECTED: Record<string, { kind: FindingKind; roles: string[] } | null> = {
  tenured_garbage: { kind: "tenured_garbage", roles: ["server", "server", "server", "server"] },
  idle_children: { kind: "children_never_terminate", roles: ["supervisor", "agent", "agent", "agent", "agent", "agent"] },
  pinned_refc: { kind: "refc_binaries_pinned", roles: ["router"] },
  sub_binary_cache: { kind: "sub_binary_pinning", roles: ["cache"] },
  mailbox_backlog: { kind: "mailbox_backlog", roles: ["consumer"] },
  healthy_busy: null,
};

const fromString = (text: string): Readable => Readable.from([Buffer.from(text)]);

describe("readCrashDump on real OTP 25 dumps", () => {
  it("covers every workload of the recorder", () => {
    expect(manifest.dumps.map((d) => d.workload).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(manifest.dumps)("$workload: preamble, =memory, and the roles the BEAM counted", async (d) => {
    const dump = await readCrashDump(`${FIXTURES}${d.file}`);
    expect(dump.info.version).toBe("0.5");
    expect(dump.info.slogan).toBe(d.slogan);
    expect(dump.info.system_version).toMatch(/^Erlang\/OTP 25 /);
    const m = dump.snapshot.memory;
    expect(m.total).toBe(m.processes + m.system);
    const roles: Record<string, number> = {};
    for (const p of dump.snapshot.processes) if (p.role !== undefined) roles[p.role] = (roles[p.role] ?? 0) + 1;
    expect(roles).toEqual(d.roles);
    // every proc_lib process has its '$initial_call' resolved (through =proc_heap or =literals)
    const procLib = dump.snapshot.processes.filter((p) => p.crash_dump.spawned_as === "proc_lib:init_p/5");
    expect(procLib.length).toBeGreaterThan(0);
    for (const p of procLib) expect(p.initial_call, p.pid).not.toBe("proc_lib:init_p/5");
  });

  it.each(manifest.dumps)("$workload: the findings on one moment name the culprit role", async (d) => {
    const dump = await readCrashDump(`${FIXTURES}${d.file}`);
    const findings = detectAtMoment(dump.snapshot);
    const want = EXPECTED[d.workload];
    if (want === null || want === undefined) {
      expect(findings.map((f) => f.summary)).toEqual([]);
      return;
    }
    expect(findings.map((f) => f.kind)).toEqual([want.kind]);
    expect(findings[0]?.culprits.map((c) => c.role)).toEqual(want.roles);
  });

  it("resolves the supervision tree through '$ancestors'", async () => {
    const dump = await readCrashDump(`${FIXTURES}crash-dumps/idle_children.erl_crash.dump.gz`);
    const sup = dump.snapshot.processes.find((p) => p.registered_name === "job_sup");
    expect(sup?.initial_call).toBe("supervisor:beamlab_workloads/1");
    expect(sup?.children).toHaveLength(100);
    const child = dump.snapshot.processes.find((p) => p.pid === sup?.children?.[0]);
    expect(child?.crash_dump.ancestors?.[0]).toBe("job_sup");
    expect(child?.parent).toBe(sup?.pid);
  });
});

describe("sub-binaries on a real dump: Ys references on =proc_heap", () => {
  it("sub_binary_cache: the Ys the BEAM wrote on the cache's heap, and the refc binaries its binary virtual heaps keep for them", async () => {
    const file = `${FIXTURES}crash-dumps/sub_binary_cache.erl_crash.dump.gz`;
    // the BEAM's own text, scanned line by line: Ys<Binary*>:<offset>:<size> on =proc_heap, BinVHeap/OldBinVHeap on =proc
    const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n");
    const ys = new Map<string, { binp: string; size: number }[]>();
    const vheap = new Map<string, number>();
    const dumped = new Set<string>();
    let section = "";
    for (const l of lines) {
      if (l.startsWith("=")) {
        section = l;
        if (l.startsWith("=binary:")) dumped.add(l.slice(8));
      } else if (section.startsWith("=proc_heap:")) {
        const m = /^[0-9A-F]+:Ys([0-9A-F]+):[0-9A-F]+:([0-9A-F]+)$/.exec(l);
        if (m !== null) ys.set(section.slice(11), [...(ys.get(section.slice(11)) ?? []), { binp: m[1] as string, size: parseInt(m[2] as string, 16) }]);
      } else if (section.startsWith("=proc:")) {
        const m = /^(?:Old)?BinVHeap: (\d+)$/.exec(l);
        if (m !== null) vheap.set(section.slice(6), (vheap.get(section.slice(6)) ?? 0) + Number(m[1]));
      }
    }
    const dump = await readCrashDump(file);
    const cache = dump.snapshot.processes.find((p) => p.role === "cache");
    const pid = cache?.pid ?? "";
    const raw = ys.get(pid) ?? [];
    expect(raw.length).toBeGreaterThan(0);
    // every sub-binary refers to a binary of its own, and the dump lists none of them under =binary:
    // their size is known only through the binary virtual heaps (words)
    expect(new Set(raw.map((r) => r.binp)).size).toBe(raw.length);
    for (const r of raw) expect(dumped.has(r.binp)).toBe(false);
    expect(cache?.crash_dump.sub_binaries).toEqual({ count: raw.length, bytes: raw.reduce((a, r) => a + r.size, 0) });
    expect([...ys.keys()]).toEqual([pid]);
    expect(dump.snapshot.processes.filter((p) => p.crash_dump.sub_binaries !== undefined).map((p) => p.pid)).toEqual([pid]);
    expect(cache?.binary ?? []).toEqual([]); // no Yc: the cache holds no whole refc binary
    const [f] = detectAtMoment(dump.snapshot);
    expect(f?.evidence).toMatchObject({ sub_binaries: raw.length, used_bytes: raw.reduce((a, r) => a + r.size, 0), binary_bytes: (vheap.get(pid) ?? NaN) * 8 });
  });
});

describe("readCrashDump on the writer's output", () => {
  const gc = {
    old_heap_block_size: 6772,
    heap_block_size: 4185,
    mbuf_size: 3,
    recent_size: 10,
    stack_size: 12,
    old_heap_size: 6000,
    heap_size: 173,
    bin_vheap_size: 2000,
    bin_vheap_block_size: 46422,
    bin_old_vheap_size: 8192,
    bin_old_vheap_block_size: 46422,
  };
  const snap = node(Date.UTC(2026, 11, 3, 20, 33, 31), [
    proc(pid(70), { registered_name: "job_sup", initial_call: "proc_lib:init_p/5", dictionary: [["$initial_call", "supervisor:job_sup/1"]], role: "supervisor" }),
    proc(pid(80), {
      initial_call: "proc_lib:init_p/5",
      dictionary: [["$initial_call", "my_cache:init/1"], ["$ancestors", ["job_sup"]]],
      role: "cache",
      status: "runnable",
      garbage_collection_info: gc,
      binary: [{ id: 7, size: 8000, refc: 1 }],
      links: [pid(70)],
      message_queue_len: 3,
      memory: 87000,
      reductions: 1234,
    }),
  ]);

  it("gives back every field the format carries", async () => {
    const dump = await readCrashDump(fromString(writeCrashDump(snap, { slogan: "x" })));
    expect(dump.snapshot.time).toBe(snap.time);
    expect(dump.snapshot.memory).toEqual({ ...snap.memory, atom_used: snap.memory.atom });
    const [sup, p] = dump.snapshot.processes;
    expect(sup).toMatchObject({ pid: pid(70), registered_name: "job_sup", initial_call: "supervisor:job_sup/1", role: "supervisor", children: [pid(80)] });
    expect(p).toMatchObject({
      pid: pid(80),
      initial_call: "my_cache:init/1",
      role: "cache",
      parent: pid(70),
      status: "runnable",
      message_queue_len: 3,
      memory: 87000,
      reductions: 1234,
      heap_size: gc.heap_block_size,
      total_heap_size: gc.heap_block_size + gc.old_heap_block_size + gc.mbuf_size,
      links: [pid(70)],
      binary: [{ id: 1, size: 8000, refc: 1 }],
    });
    expect(p?.crash_dump).toMatchObject({
      spawned_as: "proc_lib:init_p/5",
      heap_unused: gc.heap_block_size - gc.heap_size,
      old_heap_unused: gc.old_heap_block_size - gc.old_heap_size,
      bin_vheap: 2000,
      old_bin_vheap: 8192,
      ancestors: ["job_sup"],
    });
  });

  it("reads the same from a gzipped copy", async () => {
    const text = writeCrashDump(snap, { slogan: "x" });
    const plain = await readCrashDump(fromString(text));
    const gz = await readCrashDump(Readable.from([gzipSync(text)]));
    expect(gz.snapshot).toEqual(plain.snapshot);
  });
});

describe("readCrashDump on bad input: one error naming the line and section", () => {
  const text = writeCrashDump(node(0, [proc(pid(80), { role: "cache" })]), { slogan: "x" });
  const fails = async (input: Readable | string): Promise<string> => {
    try {
      await readCrashDump(typeof input === "string" ? fromString(input) : input, { name: "dump" });
    } catch (e) {
      expect(e).toBeInstanceOf(CrashDumpError);
      return (e as Error).message;
    }
    throw new Error("no error");
  };

  it("a truncated dump", async () => {
    const cut = text.slice(0, text.indexOf("=proc_dictionary") + 30);
    expect(await fails(cut)).toMatch(/^dump:\d+ \(section =proc_(dictionary|heap):<0\.80\.0>\): truncated/);
  });
  it("another format version", async () => {
    expect(await fails(text.replace("=erl_crash_dump:0.5", "=erl_crash_dump:0.4"))).toBe(
      "dump:1: crash dump format 0.4 is not supported (supported: 0.5, OTP 24 to 27)",
    );
  });
  it("a binary file", async () => {
    expect(await fails(Readable.from([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])]))).toMatch(/^dump:1: binary data/);
  });
  it("a text file that is not a dump, and an empty file", async () => {
    expect(await fails('{"time": 0}\n')).toMatch(/^dump:1: not an erl_crash.dump/);
    expect(await fails("")).toMatch(/^dump:0: empty file/);
  });
  it("keeps at most maxLineBytes of a line (a huge =binary line is counted, not held)", async () => {
    const big = text.replace("=end", `=binary:ABC\n100000:${"A".repeat(200_000)}\n=end`);
    const d = await readCrashDump(fromString(big), { maxLineBytes: 1024 });
    expect(d.snapshot.processes).toHaveLength(1);
  });
});
