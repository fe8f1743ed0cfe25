/**
 * The demo server's HTTP contract, through fastify's inject on a live node: the workload routes,
 * the mode switch, bad input (400 with a JSON error naming the field), Prometheus names, the JSON
 * views, a crash inside the node (500, the server goes on) and the memory limit (the node dies as
 * the BEAM does and leaves a crash dump that leak-lab's reader reads).
 */
/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion -- the shapes of fastify inject's json() */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCrashDump } from "@beamlab/telemetry";
import { buildServer, LiveNode } from "../src/index.js";

describe("demo-server HTTP API", () => {
  const node = new LiveNode({ tickMs: 5, sampleMs: 20 });
  const app = buildServer({ node });
  beforeAll(() => { node.start(); });
  afterAll(async () => {
    node.stop();
    await app.close();
  });

  it("POST /work runs work(n) in a gen_server and answers its result", async () => {
    const r = await app.inject({ method: "POST", url: "/work?n=2000" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ok: true, result: expect.stringMatching(/^\{2000,6893,<<49,50,51,52,53,54,55,56,57,49>>\}$/) as unknown });
  });

  it.each([
    ["/work?n=0", /n must be an integer in 1\.\.100000/],
    ["/work?n=abc", /n must be an integer/],
    ["/work", /n must be an integer/],
    ["/work?n=100001", /1\.\.100000/],
    ["/cache?bytes=10", /bytes must be an integer in 65\.\./],
  ])("bad input %s is a 400 naming the field", async (url, msg) => {
    const r = await app.inject({ method: "POST", url });
    expect(r.statusCode).toBe(400);
    expect((r.json() as { error: string }).error).toMatch(msg);
  });

  it("PUT /mode switches a route's mode at run time and refuses anything else", async () => {
    const ok = await app.inject({ method: "PUT", url: "/mode", payload: { route: "cache", mode: "fix" } });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as { modes: Record<string, string> }).modes.cache).toBe("fix");
    for (const body of [{ route: "nope", mode: "fix" }, { route: "work", mode: "maybe" }, {}]) {
      const bad = await app.inject({ method: "PUT", url: "/mode", payload: body });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toHaveProperty("error");
    }
    const big = await app.inject({ method: "PUT", url: "/mode", payload: { route: "work", mode: "fix", pad: "x".repeat(20_000) } });
    expect(big.statusCode).toBe(413);
  });

  it("POST /events starts a child under the supervisor; the tree counts it", async () => {
    const before = (await app.inject({ url: "/api/tree" })).json() as { supervisors: { children: number }[] };
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: "POST", url: "/events" })).statusCode).toBe(200);
    const after = (await app.inject({ url: "/api/tree" })).json() as { supervisors: { role: string; children: number }[] };
    const sup = after.supervisors.find((s) => s.role === "supervisor");
    expect(sup?.children).toBe((before.supervisors[0]?.children ?? 0) + 3);
  });

  it("a process crashing inside the node fails its request only; the server and the node go on", async () => {
    // eslint-disable-next-line require-yield -- the body crashes before it could wait
    await expect(node.spawnTask(function* () {
      throw new Error("badarith");
    })).rejects.toThrow(/badarith/);
    const r = await app.inject({ method: "POST", url: "/work?n=100" });
    expect(r.statusCode).toBe(200);
  });

  it("GET /metrics is Prometheus text with prometheus.erl's VM names", async () => {
    const r = await app.inject({ url: "/metrics" });
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^erlang_vm_memory_bytes_total\{kind="processes"\} \d+/m);
    expect(r.body).toMatch(/^erlang_vm_process_count \d+/m);
  });

  it("the JSON views: memory samples, processes, one process with its GC history, binaries", async () => {
    await app.inject({ method: "POST", url: "/cache" });
    const mem = (await app.inject({ url: "/api/memory" })).json() as { samples: { memory: Record<string, number> }[] };
    expect(mem.samples.length).toBeGreaterThan(0);
    expect(Object.keys(mem.samples[0]!.memory)).toContain("binary");
    const ps = (await app.inject({ url: "/api/processes" })).json() as { processes: { pid: string; role: string | null; memory: number }[] };
    const server = ps.processes.find((p) => p.role === "server")!;
    const one = (await app.inject({ url: `/api/process/${server.pid}` })).json() as { gc: { heap_block_size: number }; gc_history: unknown[] };
    expect(one.gc.heap_block_size).toBeGreaterThan(233);
    expect(one.gc_history.length).toBeGreaterThan(0);
    // work(2000) grows the young heap through failed minors and majors: both kinds are in its history
    const kinds = new Set((one.gc_history as { kind: string }[]).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(["major", "minor"]);
    expect((await app.inject({ url: "/api/process/<0.99999.0>" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/api/process/nonsense" })).statusCode).toBe(400);
    const bins = (await app.inject({ url: "/api/binaries" })).json() as { binaries: { size: number; holders: unknown[] }[] };
    expect(bins.binaries.some((b) => b.size === 65536 && b.holders.length > 0)).toBe(true);
  });
});

describe("demo-server: the node dies as the BEAM does", () => {
  it("over --memory-limit it writes a real-format crash dump and refuses further work", async () => {
    const dir = mkdtempSync(join(tmpdir(), "demo-dump-"));
    let died: string | undefined;
    const node = new LiveNode({ tickMs: 5, sampleMs: 10, memoryLimit: 40 * 1024 * 1024, crashDumpPath: join(dir, "erl_crash.dump"), onDeath: (s) => (died = s) });
    const app = buildServer({ node });
    node.start();
    try {
      for (let i = 0; i < 40 && died === undefined; i++) await app.inject({ method: "POST", url: "/work?n=60000" });
      expect(died).toMatch(/^eheap_alloc: Cannot allocate \d+ bytes of memory \(of type "heap"\)\.$/);
      const after = await app.inject({ method: "POST", url: "/work?n=10" });
      expect(after.statusCode).toBe(503);
      expect((after.json() as { error: string }).error).toMatch(/the node is dead: eheap_alloc/);
      const dump = await readCrashDump(join(dir, "erl_crash.dump"));
      expect(dump.info.slogan).toBe(died);
      expect(dump.snapshot.processes.some((p) => p.role === "server")).toBe(true);
      expect(readFileSync(join(dir, "erl_crash.dump"), "utf8")).toMatch(/^=erl_crash_dump:0\.5/);
    } finally {
      node.stop();
      await app.close();
    }
  }, 60_000);
});
