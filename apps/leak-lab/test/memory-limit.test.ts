// --memory-limit: the node dies as the BEAM does, with its eheap_alloc line and exit code 3.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEAP_SIZES } from "@beamlab/heap";
import { crashDumpPath } from "../src/lab/crash-dump.js";
import { parseBytes } from "../src/lab/bytes.js";
import { cli, HOARDER, jsonOf } from "./harness.js";

const SLOGAN = /^eheap_alloc: Cannot allocate (\d+) bytes of memory \(of type "heap"\)\.$/;

describe("sizes", () => {
  it("binary and decimal units", () => {
    expect(parseBytes("2GiB")).toBe(2 * 1024 ** 3);
    expect(parseBytes("512MiB")).toBe(512 * 1024 ** 2);
    expect(parseBytes("64KiB")).toBe(65536);
    expect(parseBytes("1.5GB")).toBe(1.5e9);
    expect(parseBytes("65536")).toBe(65536);
    expect(parseBytes("0")).toBeUndefined();
    expect(parseBytes("2 parsecs")).toBeUndefined();
  });
});

describe("leak-lab run --memory-limit", () => {
  it("stops the node when erlang:memory(total) passes the limit: the BEAM's line, exit 3", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-"));
    const r = await cli(["run", "tenured-garbage", "--memory-limit", "100KiB", "--json"], { cwd: dir });
    expect(r.code).toBe(3);
    const m = SLOGAN.exec(r.err[0] ?? "");
    expect(m).not.toBeNull();
    // the allocation that fails is a whole heap of the BEAM's heap-size table
    expect(HEAP_SIZES).toContain(Number(m?.[1]) / 8);
    const doc = jsonOf(r);
    expect(doc.crash?.slogan).toBe(r.err[0]);
    expect(doc.crash?.bytes).toBe(Number(m?.[1]));
    // it died at the first look past the limit: every earlier sample is under it
    const last = doc.samples[doc.samples.length - 1];
    expect(last?.memory.total).toBeGreaterThan(100 * 1024);
    for (const s of doc.samples.slice(0, -1)) expect(s.memory.total).toBeLessThanOrEqual(100 * 1024);
    expect(doc.samples[doc.samples.length - 1]?.t_ms).toBe(doc.crash?.t_ms);
  });

  it("memory_limit is also --set-able", async () => {
    const a = await cli(["run", "tenured-garbage", "--set", "memory_limit=100KiB", "--json"], { cwd: mkdtempSync(join(tmpdir(), "leak-lab-")) });
    const b = await cli(["run", "tenured-garbage", "--memory-limit", "100KiB", "--json"], { cwd: mkdtempSync(join(tmpdir(), "leak-lab-")) });
    expect(a.code).toBe(3);
    expect(jsonOf(a).crash?.t_ms).toBe(jsonOf(b).crash?.t_ms);
  });

  it("a limit the run stays under changes nothing", async () => {
    const a = await cli(["run", HOARDER, "--memory-limit", "2GiB", "--json"]);
    const b = await cli(["run", HOARDER, "--json"]);
    expect(a.code).toBe(0);
    expect(a.out).toEqual(b.out);
  });

  it("the text output says the node died", async () => {
    const r = await cli(["run", "tenured-garbage", "--memory-limit", "100KiB", "--no-chart"], { cwd: mkdtempSync(join(tmpdir(), "leak-lab-")) });
    expect(r.out.join("\n")).toMatch(/the node died at t = \d+ ms: eheap_alloc: Cannot allocate \d+ bytes/);
  });
});

describe("the node dies close to its limit", () => {
  it("gen-server-work's servers die within 5% of the limit (they used to run to 3× it: one look every 2000 slices)", async () => {
    const limit = 60 * 1024 ** 2;
    const r = await cli(["run", "gen-server-work", "--set", "servers=100", "--set", "rounds=4", "--set", "work_base=3000", "--set", "work_spread=1000", "--memory-limit", "60MiB", "--json"], { cwd: mkdtempSync(join(tmpdir(), "leak-lab-")) });
    expect(r.code).toBe(3);
    const total = jsonOf(r).final.memory.total ?? 0;
    expect(total).toBeGreaterThan(limit);
    expect(total).toBeLessThan(limit * 1.05);
  });
});

describe("where the crash dump goes", () => {
  it("--crash-dump, else ERL_CRASH_DUMP, else ./erl_crash.dump (as the BEAM)", () => {
    expect(crashDumpPath("x.dump", { ERL_CRASH_DUMP: "/tmp/y" }, "/w")).toBe("/w/x.dump");
    expect(crashDumpPath(undefined, { ERL_CRASH_DUMP: "/tmp/y.dump" }, "/w")).toBe("/tmp/y.dump");
    expect(crashDumpPath(undefined, {}, "/w")).toBe("/w/erl_crash.dump");
  });
});

describe("leak-lab compare with --set memory_limit", () => {
  it("names the mode whose node died, exit 3", async () => {
    // a limit 64 KiB above the booted node: the leak (≈ +137 KB) crosses it, the fix (≈ +14 KB) does not
    const fix = JSON.parse((await cli(["run", "tenured-garbage", "--mode", "fix", "--json"])).out.join("\n")) as { samples: { memory: { total: number } }[] };
    const limit = (fix.samples[0]?.memory.total ?? NaN) + 64 * 1024;
    const r = await cli(["compare", "tenured-garbage", "--set", `memory_limit=${limit}`, "--json"], { cwd: mkdtempSync(join(tmpdir(), "leak-lab-")) });
    expect(r.code).toBe(3);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^leak: eheap_alloc: Cannot allocate \d+ bytes/);
  });
});
