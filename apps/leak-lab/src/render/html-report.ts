/**
 * `--report f.html`: one self-contained HTML file (no network, no other file) with an
 * interactive chart of `erlang:memory()` over time (uPlot, inlined with its CSS), the processes
 * grouped by role, the findings, the `--band` / `--beam` tables and the GC timelines when present.
 *
 * Owns the HTML layout. Invariants: every text from the report is HTML-escaped; the report's
 * data is embedded as JSON that cannot close its script element; the same report gives the same
 * file byte for byte (no timestamps).
 */
import { PID_BAND } from "@beamlab/scenarios";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { headlines } from "../lab/headlines.js";
import type { LabReport, ProcessReport } from "../lab/report.js";
import { gcTimeline } from "../lab/scenario-api.js";
import { culpritList, groupFindings } from "./finding-groups.js";
import { timelineRows } from "./gc-timeline.js";
import { fmtHeadline, paramsLine } from "./text-report.js";
import { fmtBytes } from "./style.js";

/** Rows listed per role (the role's totals always count every process). */
export const ROWS_PER_ROLE = 200;

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  return {
    js: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  };
}

function tableHtml(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

function processSection(ps: readonly ProcessReport[]): string {
  const roles = new Map<string, ProcessReport[]>();
  for (const p of ps) roles.set(p.role ?? "(no role)", [...(roles.get(p.role ?? "(no role)") ?? []), p]);
  const parts: string[] = [];
  for (const [role, list] of roles) {
    const mem = list.reduce((a, p) => a + p.memory, 0);
    const rows = list.slice(0, ROWS_PER_ROLE).map((p) => [p.pid, p.name ?? "", fmtBytes(p.memory), String(p.heap_size), String(p.total_heap_size), String(p.stack_size), String(p.minor_gcs), String(p.message_queue_len), `${p.binary.length} (${fmtBytes(p.binary.reduce((a, [, s]) => a + s, 0))})`]);
    parts.push(
      `<details${roles.size <= 4 ? " open" : ""}><summary><b>${esc(role)}</b>: ${list.length} process${list.length === 1 ? "" : "es"}, ${esc(fmtBytes(mem))}</summary>` +
        tableHtml(["pid", "name", "memory", "heap_size (w)", "total_heap_size (w)", "stack_size (w)", "minor_gcs", "message_queue_len", "binaries"], rows) +
        (list.length > ROWS_PER_ROLE ? `<p>… and ${list.length - ROWS_PER_ROLE} more</p>` : "") +
        "</details>",
    );
  }
  return parts.join("\n");
}

export function htmlReport(r: LabReport, title: string): string {
  const { js, css } = uplotAssets();
  const data = JSON.stringify({ t: r.samples.map((s) => s.t_ms), series: ["total", "processes", "binary", "system"].map((k) => [k, r.samples.map((s) => s.memory[k] ?? 0)]) }).replace(/</g, "\\u003c");
  // one item per story, as on the terminal (300 servers keeping garbage are one finding, 300 culprits)
  const findings = groupFindings(r.findings ?? []).map((g) => `<li><b>${esc(g.first.kind.replace(/_/g, " "))}</b>: ${esc(g.headline)}<br>in ${esc(culpritList(g.culprits, 10))}<br>fix: ${esc(g.first.fix)}</li>`);
  const memRows = ["total", "processes", "binary", "system", "atom", "code", "ets"].map((k) => [k, fmtBytes(r.final.memory[k] ?? 0), fmtBytes(r.peak.memory[k] ?? 0)]);
  const sections: string[] = [
    `<h1>${esc(r.scenario)} — ${esc(r.mode)}</h1><p>${esc(title)}${esc(paramsLine(r))}</p>`,
    `<h2>erlang:memory() over virtual time</h2><div id="chart"></div>`,
    tableHtml(["erlang:memory()", "final", "peak"], memRows),
  ];
  if (r.abnormal_exits !== undefined) {
    const a = r.abnormal_exits;
    sections.push(`<h2>${a.count} process${a.count === 1 ? "" : "es"} exited abnormally</h2><ul>${a.first.map((e) => `<li><code>${esc(e.pid)}</code>${e.role === null ? "" : ` (${esc(e.role)})`} at t = ${e.t_ms} ms: <code>${esc(e.reason)}</code></li>`).join("")}${a.count > a.first.length ? `<li>… and ${a.count - a.first.length} more</li>` : ""}</ul>`);
  }
  if (r.stalled !== undefined) sections.push(`<h2>The workload did not finish</h2><p class="bad">${esc(r.stalled.message)}</p>`);
  if (r.crash !== undefined) sections.push(`<h2>The node died</h2><p class="bad">t = ${r.crash.t_ms} ms: <code>${esc(r.crash.slogan)}</code></p>`);
  sections.push(`<h2>Findings</h2>${findings.length === 0 ? "<p>No leak found.</p>" : `<ul>${findings.join("")}</ul>`}`);
  if (r.beam !== undefined) {
    sections.push(
      "skipped" in r.beam
        ? `<h2>The real BEAM</h2><p>${esc(r.beam.skipped)}</p>`
        : `<h2>Simulated next to the real BEAM</h2>${tableHtml(["headline", "simulated", "real BEAM", "ratio"], Object.entries(r.beam.headlines).map(([k, h]) => [k, fmtHeadline(k, h.simulated), fmtHeadline(k, h.real), h.ratio === null ? "—" : h.ratio.toFixed(2)]))}`,
    );
  }
  if (r.band !== undefined) {
    sections.push(`<h2>Band: the run and ${r.band.runs} reruns, free choices moved (stacks by up to ${r.band.words} words, the pid counter by up to ${PID_BAND - 1})</h2>${tableHtml(["headline", "min", "median", "max"], Object.entries(r.band.headlines).map(([k, s]) => [k, fmtHeadline(k, s.min), fmtHeadline(k, s.median), fmtHeadline(k, s.max)]))}`);
  } else {
    sections.push(`<h2>Headline numbers</h2>${tableHtml(["headline", "value"], Object.entries(headlines(r)).map(([k, v]) => [k, fmtHeadline(k, v)]))}`);
  }
  sections.push(`<h2>Processes by role (${r.final.processes.length})</h2>${processSection(r.final.processes)}`);
  if (r.gc_events !== undefined && r.gc_events.length > 0) {
    const parts = r.gc_events.map((p) => {
      const steps = gcTimeline(p.events);
      const head = `<summary><b>${esc(p.pid)}${p.role === null ? "" : ` ${esc(p.role)}`}</b>: ${steps.length} collection${steps.length === 1 ? "" : "s"}</summary>`;
      return `<details open>${head}${steps.length === 0 ? "" : tableHtml(["collection", "heap used", "heap block", "old heap used / block", "reclaimed"], timelineRows(steps))}</details>`;
    });
    sections.push(`<h2>GC timelines (words)</h2>${parts.join("\n")}`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leak-lab: ${esc(r.scenario)} (${esc(r.mode)})</title>
<style>${css}
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:72em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.bad{color:#b00}code{background:#f4f4f4;padding:1px 4px}
</style></head><body>
${sections.join("\n")}
<script type="application/json" id="leak-lab-data">${data}</script>
<script>${js}</script>
<script>
(function(){
  var d = JSON.parse(document.getElementById("leak-lab-data").textContent);
  var colors = {total:"#222", processes:"#1f77b4", binary:"#d62728", system:"#7f7f7f"};
  var mib = function(u, v){ return v == null ? "" : (v/1048576).toFixed(2) + " MiB"; };
  var opts = { width: Math.min(1100, window.innerWidth - 60), height: 360, scales: { x: { time: false } },
    axes: [{ label: "virtual ms" }, { values: function(u, vs){ return vs.map(function(v){ return (v/1048576).toFixed(1) + " MiB"; }); }, size: 80 }],
    series: [{ label: "t (ms)" }].concat(d.series.map(function(s){ return { label: s[0], stroke: colors[s[0]], width: 2, value: mib }; })) };
  new uPlot(opts, [d.t].concat(d.series.map(function(s){ return s[1]; })), document.getElementById("chart"));
})();
</script>
</body></html>
`;
}

