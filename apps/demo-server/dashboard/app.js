// The dashboard: what observer and LiveDashboard show for the simulated node, fed by the
// server's JSON views and its Server-Sent Events stream. Plain browser JS; charts by uPlot.
"use strict";
const CATS = ["total", "processes", "binary", "system", "ets", "atom", "code"];
const COLORS = ["#2b2d42", "#457b9d", "#e63946", "#8d99ae", "#2a9d8f", "#f4a261", "#6d597a"];
const $ = (s) => document.querySelector(s);
const fmt = (b) => (b >= 1 << 30 ? (b / (1 << 30)).toFixed(2) + " GiB" : b >= 1 << 20 ? (b / (1 << 20)).toFixed(1) + " MiB" : b >= 1024 ? (b / 1024).toFixed(1) + " KiB" : b + " B");
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const api = (p, init) => fetch(p, init).then((r) => r.json());

// ---- memory chart
const data = [[], ...CATS.map(() => [])];
let samplesSeen = 0;
const chart = new uPlot(
  {
    width: Math.max(600, document.body.clientWidth - 60), height: 260,
    scales: { x: { time: false } },
    axes: [{ label: "t (s)" }, { values: (_u, vs) => vs.map(fmt), size: 80 }],
    series: [{ label: "t" }, ...CATS.map((c, i) => ({ label: c, stroke: COLORS[i], width: c === "total" ? 2 : 1, value: (_u, v) => (v == null ? "—" : fmt(v)) }))],
  },
  data, $("#memory-chart"),
);
function addSample(s) {
  data[0].push(s.t_ms / 1000);
  CATS.forEach((c, i) => data[i + 1].push(s.memory[c] ?? 0));
  if (data[0].length > 1200) data.forEach((d) => d.shift());
  samplesSeen++;
  document.body.dataset.samples = String(samplesSeen);
  chart.setData(data);
}
api("/api/memory").then((m) => { m.samples.forEach(addSample); if (m.dead) $("#status").textContent = "DEAD: " + m.dead.slogan; });

// ---- live stream
const gcByPid = new Map();
const es = new EventSource("/api/stream");
es.addEventListener("sample", (e) => { addSample(JSON.parse(e.data)); $("#status").textContent = "live — t = " + (data[0][data[0].length - 1] ?? 0).toFixed(1) + " s"; });
es.addEventListener("gc", (e) => { for (const g of JSON.parse(e.data)) { const l = gcByPid.get(g.pid) ?? []; l.push(g); if (l.length > 100) l.shift(); gcByPid.set(g.pid, l); } });
es.onerror = () => { $("#status").textContent = "disconnected"; };

// ---- process table: sort, search, group
let rows = [];
let sortKey = "memory";
function renderProcesses() {
  const q = $("#search").value.trim().toLowerCase();
  let list = rows.filter((r) => !q || [r.pid, r.name, r.initial_call, r.role].some((v) => v && String(v).toLowerCase().includes(q)));
  if ($("#group").checked) {
    const g = new Map();
    for (const r of list) {
      const k = r.initial_call;
      const a = g.get(k) ?? { pid: "", initial_call: k, name: null, role: new Set(), memory: 0, reductions: 0, message_queue_len: 0, binary: 0, count: 0 };
      a.count++; a.memory += r.memory; a.reductions += r.reductions; a.message_queue_len += r.message_queue_len; a.binary += r.binary; if (r.role) a.role.add(r.role);
      g.set(k, a);
    }
    list = [...g.values()].map((a) => ({ ...a, pid: a.count + " ×", role: [...a.role].join(",") }));
  }
  const numeric = ["memory", "reductions", "message_queue_len", "binary"].includes(sortKey);
  list.sort((a, b) => (numeric ? b[sortKey] - a[sortKey] : String(a[sortKey] ?? "").localeCompare(String(b[sortKey] ?? ""))));
  document.querySelectorAll("#processes th").forEach((th) => th.classList.toggle("sorted", th.dataset.key === sortKey));
  $("#processes tbody").innerHTML = list.slice(0, 500).map((r) =>
    `<tr data-pid="${esc(r.pid)}"><td>${esc(r.pid)}</td><td>${esc(r.name ?? r.initial_call)}</td><td>${esc(r.role ?? "")}</td><td class="num">${fmt(r.memory)}</td><td class="num">${r.reductions}</td><td class="num">${r.message_queue_len}</td><td class="num">${fmt(r.binary)}</td></tr>`).join("");
}
document.querySelectorAll("#processes th").forEach((th) => th.addEventListener("click", () => { sortKey = th.dataset.key; renderProcesses(); }));
$("#search").addEventListener("input", renderProcesses);
$("#group").addEventListener("change", renderProcesses);
$("#processes tbody").addEventListener("click", (e) => { const tr = e.target.closest("tr"); if (tr && tr.dataset.pid.startsWith("<")) openPanel(tr.dataset.pid); });

// ---- process panel: heap diagram and GC history
let panelPid = null;
async function openPanel(pid) {
  panelPid = pid;
  const p = await api("/api/process/" + encodeURIComponent(pid));
  if (p.error) return;
  $("#panel-section").hidden = false;
  $("#panel-pid").textContent = `${p.pid} ${p.name ?? p.initial_call} ${p.role ? "(" + p.role + ")" : ""}`;
  const g = p.gc ?? {};
  const words = (g.heap_block_size ?? 0) + (g.old_heap_block_size ?? 0) + (g.mbuf_size ?? 0) || 1;
  const part = (cls, w, label) => (w > 0 ? `<div class="${cls}" style="width:${(100 * w) / words}%" title="${label}: ${w} words">${label} ${w}</div>` : "");
  const youngUsed = g.heap_size ?? 0;
  const stack = g.stack_size ?? 0;
  $("#heap-diagram").innerHTML =
    `<div class="bar">${part("young", youngUsed, "young heap used")}${part("free", Math.max(0, (g.heap_block_size ?? 0) - youngUsed - stack), "free")}${part("stack", stack, "stack")}${part("old", g.old_heap_size ?? 0, "old heap")}${part("oldfree", Math.max(0, (g.old_heap_block_size ?? 0) - (g.old_heap_size ?? 0)), "old free")}${part("mbuf", g.mbuf_size ?? 0, "fragments")}</div>` +
    `<div>young block ${g.heap_block_size ?? 0} words (high-water mark: data below it survived one GC), old block ${g.old_heap_block_size ?? 0}, stack ${stack}, fragments ${g.mbuf_size ?? 0}; binary virtual heap ${g.bin_vheap_size ?? 0} / ${g.bin_vheap_block_size ?? 0} words (old ${g.bin_old_vheap_size ?? 0} / ${g.bin_old_vheap_block_size ?? 0}); ${p.minor_gcs} minor GCs since the last major; memory ${fmt(p.memory)}</div>`;
  const hist = [...p.gc_history, ...(gcByPid.get(p.pid) ?? [])].filter((e, i, a) => a.findIndex((x) => x.t_ms === e.t_ms && x.kind === e.kind && x.heap_before === e.heap_before) === i).slice(-50);
  $("#gc-history tbody").innerHTML = hist.map((e) => `<tr><td>${e.t_ms}</td><td>${e.kind}</td><td class="num">${e.heap_before}</td><td class="num">${e.heap_after}</td><td class="num">${e.old_heap}</td><td class="num">${e.reclaimed}</td></tr>`).join("") || "<tr><td colspan=6>no collection yet</td></tr>";
  $("#panel-binaries").textContent = p.binaries.length === 0 ? "none" : `${p.binaries.length} ProcBins, ${fmt(p.binaries.reduce((a, b) => a + b.size, 0))}`;
}
$("#panel-close").addEventListener("click", () => { $("#panel-section").hidden = true; panelPid = null; });

// ---- tree, findings, binaries
async function refresh() {
  const [ps, tree, findings, bins] = await Promise.all([api("/api/processes"), api("/api/tree"), api("/api/findings"), api("/api/binaries?limit=30")]);
  rows = ps.processes;
  renderProcesses();
  // supervisors nested under their parents, each with its child count and its biggest children
  const sups = new Map(tree.supervisors.map((s) => [s.pid, s]));
  const node = (s) => `<li data-pid="${esc(s.pid)}">${esc(s.pid)} ${esc(s.name)} ${s.role ? "(" + esc(s.role) + ")" : ""} — <span class="child-count">${s.children}</span> children, ${fmt(s.child_memory)}<ul>` +
    tree.supervisors.filter((c) => c.parent === s.pid).map(node).join("") +
    s.first_children.filter((c) => !sups.has(c.pid)).map((c) => `<li class="child">${esc(c.pid)} ${esc(c.name)} ${c.role ? "(" + esc(c.role) + ")" : ""} ${fmt(c.memory)}</li>`).join("") +
    (s.children > s.first_children.length ? `<li class="child">… ${s.children - s.first_children.length} more</li>` : "") + "</ul></li>";
  $("#tree").innerHTML = tree.supervisors.filter((s) => !sups.has(s.parent)).map(node).join("") || "<li>no supervisor</li>";
  // findings of one kind on processes spawned the same way are one story (as leak-lab prints them)
  const groups = new Map();
  for (const f of findings.findings) {
    const c = f.culprits.length === 1 ? f.culprits[0] : undefined;
    const k = c === undefined ? Math.random() : f.kind + "|" + c.initialCall + "|" + (c.role ?? "");
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  $("#findings").innerHTML = groups.size === 0 ? "no leak found" : [...groups.values()].map((g) => {
    const f = g[0];
    const culprits = g.flatMap((x) => x.culprits);
    const head = g.length === 1 ? f.summary : `${g.length} × ${culprits[0].initialCall}${culprits[0].role ? " (" + culprits[0].role + ")" : ""}, e.g. ${f.summary}`;
    return `<div class="finding"><b>${esc(f.kind.replace(/_/g, " "))}</b>: ${esc(head)}<br>in ${culprits.slice(0, 5).map((c) => esc(c.pid + (c.role ? " (" + c.role + ")" : ""))).join(", ")}${culprits.length > 5 ? " and " + (culprits.length - 5) + " more" : ""}<br><small>evidence: ${esc(Object.entries(f.evidence).map(([k, v]) => k + " " + v).join(", "))}</small><br><small>fix: ${esc(f.fix)}</small></div>`;
  }).join("");
  $("#binaries tbody").innerHTML = bins.binaries.map((b) => `<tr><td>${b.binaryId}</td><td class="num">${fmt(b.size)}</td><td>${b.holders.map((h) => esc(h.pid + (h.via === "sub_binary" ? " (sub-binary " + h.subSize + " B)" : ""))).slice(0, 6).join(", ")}</td></tr>`).join("");
  if (panelPid) openPanel(panelPid);
}
setInterval(refresh, 1000);
refresh();

// ---- controls: modes and a bounded load from the page
api("/mode").then((m) => document.querySelectorAll("select[data-route]").forEach((s) => (s.value = m.modes[s.dataset.route])));
document.querySelectorAll("select[data-route]").forEach((s) => s.addEventListener("change", () =>
  api("/mode", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ route: s.dataset.route, mode: s.value }) })));
$("#load-start").addEventListener("click", async () => {
  const route = $("#load-route").value;
  const url = route === "work" ? "/work?n=3000" : route === "events" ? "/events" : "/cache";
  const until = Date.now() + 10_000;
  $("#load-start").disabled = true;
  const worker = async () => { while (Date.now() < until) await fetch(url, { method: "POST" }).catch(() => undefined); };
  await Promise.all([worker(), worker(), worker(), worker()]);
  $("#load-start").disabled = false;
});
