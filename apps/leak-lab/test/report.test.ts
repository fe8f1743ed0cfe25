// --report f.html: one self-contained HTML file.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, FIXTURES, HOARDER, jsonOf } from "./harness.js";

describe("leak-lab run --report", () => {
  it("writes one HTML file with everything inlined: chart library, data, roles, findings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-"));
    const r = await cli(["run", "sub-binary-pinning", "--report", "out.html", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = jsonOf(r);
    const html = readFileSync(join(dir, "out.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    // self-contained: no external script, stylesheet or image
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link /);
    expect(html).not.toMatch(/<img /);
    expect(html).toMatch(/uPlot/); // the chart library, inlined
    const data = /<script type="application\/json" id="leak-lab-data">(.*?)<\/script>/s.exec(html);
    const parsed = JSON.parse(data?.[1] ?? "null") as { t: number[]; series: [string, number[]][] };
    expect(parsed.t).toEqual(doc.samples.map((s) => s.t_ms));
    expect(parsed.series.find(([k]) => k === "binary")?.[1]).toEqual(doc.samples.map((s) => s.memory.binary));
    expect(html).toMatch(/<summary><b>cache<\/b>: 1 process/);
    expect(html).toMatch(/<b>sub binary pinning<\/b>/);
  });

  it("is the same bytes for the same run, and escapes what it shows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-"));
    await cli(["run", HOARDER, "--report", "a.html", "--beam"], { cwd: dir });
    await cli(["run", HOARDER, "--report", "b.html", "--beam"], { cwd: dir });
    const a = readFileSync(join(dir, "a.html"), "utf8");
    expect(a).toBe(readFileSync(join(dir, "b.html"), "utf8"));
    expect(a).toMatch(/<summary><b>hoarder<\/b>: 3 processes/);
    expect(a).toMatch(/--beam: hoarder has no twin/);
    expect(a).toContain("&lt;0.1.0&gt;"); // pids are escaped
  });

  it("tells one story per group of findings, as the terminal does (it listed every server's finding: 300 at the defaults)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-"));
    const r = await cli(["run", "gen-server-work", "--set", "servers=5", "--set", "rounds=3", "--set", "work_base=500", "--set", "work_spread=500", "--report", "g.html", "--json"], { cwd: dir });
    expect(jsonOf(r).findings?.filter((f) => f.kind === "tenured_garbage")).toHaveLength(5);
    const html = readFileSync(join(dir, "g.html"), "utf8");
    const items = html.match(/<li><b>tenured garbage<\/b>/g) ?? [];
    expect(items).toHaveLength(1);
    expect(html).toMatch(/<li><b>tenured garbage<\/b>: 5 × proc_lib:init_p\/5 \(server\), e\.g\. /);
    expect(html).toContain("in &lt;0.2.0&gt; (server), &lt;0.3.0&gt; (server), &lt;0.4.0&gt; (server), &lt;0.5.0&gt; (server), &lt;0.6.0&gt; (server)<br>");
  });

  it("a stalled workload says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-lab-"));
    await cli(["run", join(FIXTURES, "stalls-scenario.ts"), "--report", "s.html"], { cwd: dir });
    expect(readFileSync(join(dir, "s.html"), "utf8")).toMatch(/<h2>The workload did not finish<\/h2><p class="bad">the workload stopped at t = 3 ms before its end/);
  });

  it("a report that cannot be written is bad input, one line", async () => {
    const r = await cli(["run", HOARDER, "--report", "/nonexistent-dir/x.html"]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/--report \/nonexistent-dir\/x\.html: cannot write/);
  });
});
