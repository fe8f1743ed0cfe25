/**
 * The dump `leak-lab run --memory-limit` writes, opened in OTP's own crashdump_viewer (headless:
 * tooling/beam-oracle/crashdump-viewer/cdv_read.escript drives its backend) and read back by
 * `leak-lab dump`: both see the same processes, memory and culprit.
 * The viewer is the oracle: what it shows comes from its own parser (observer 2.14, OTP 25).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CDV_READ, FIXTURES_DIR, loadFixture, observerEbin, runEscriptAsync } from "@beamlab/beam-oracle";
import { readCrashDump, type CrashDump } from "@beamlab/telemetry";
import { anyJsonOf, cli, jsonOf } from "./harness.js";

interface CdvProc {
  pid: string;
  name: string;
  init_func: string;
  state: string;
  msg_q_len: number;
  dict: string;
  reds: number;
  stack_heap: number;
  old_heap: number;
  heap_unused: number;
  old_heap_unused: number;
  memory: number;
  dict_items: { $initial_call?: string; $ancestors?: string[]; $beamlab_role?: string };
}
interface CdvView {
  read: string;
  slogan: string;
  num_procs: string;
  mem_tot: string;
  memory: Record<string, number>;
  processes: CdvProc[];
}
/** Every process the viewer lists has the fields our reader gave it; the same set of pids. */
function sameProcesses(viewer: CdvView, ours: CrashDump): void {
  const byPid = new Map(ours.snapshot.processes.map((p) => [p.pid, p]));
  expect(viewer.processes.map((p) => p.pid).sort()).toEqual([...byPid.keys()].sort());
  for (const v of viewer.processes) {
    const p = byPid.get(v.pid);
    expect(p, v.pid).toBeDefined();
    if (p === undefined) continue;
    expect(v.name, v.pid).toBe(p.registered_name ?? p.crash_dump.spawned_as);
    expect(v.init_func, v.pid).toBe(p.crash_dump.spawned_as);
    expect(v.msg_q_len, v.pid).toBe(p.message_queue_len);
    expect(v.reds, v.pid).toBe(p.reductions);
    expect(v.memory, v.pid).toBe(p.memory);
    expect(v.stack_heap, v.pid).toBe(p.heap_size * 8);
    expect(v.old_heap, v.pid).toBe((p.crash_dump.old_heap ?? NaN) * 8);
    expect(v.heap_unused, v.pid).toBe((p.crash_dump.heap_unused ?? NaN) * 8);
    expect(v.old_heap_unused, v.pid).toBe((p.crash_dump.old_heap_unused ?? NaN) * 8);
  }
}

interface DumpJson {
  process_count: number;
  findings: { kind: string; culprits: { pid: string; role?: string }[] }[];
}

const dir = mkdtempSync(join(tmpdir(), "leak-lab-cdv-"));
const file = join(dir, "erl_crash.dump");
let slogan = "";
let viewer: CdvView;
let ours: CrashDump;
let dumpJson: DumpJson;

beforeAll(async () => {
  // a limit 256 KiB above the booted node: children-never-terminate dies with ~70 idle agents
  const fix = jsonOf(await cli(["run", "children-never-terminate", "--mode", "fix", "--json"]));
  const limit = (fix.samples[0]?.memory.total ?? NaN) + 256 * 1024;
  const r = await cli(["run", "children-never-terminate", "--set", `memory_limit=${limit}`, "--crash-dump", file, "--json"]);
  expect(r.code).toBe(3);
  slogan = r.err[0] ?? "";
  const ebin = observerEbin();
  viewer = JSON.parse(await runEscriptAsync(CDV_READ, [ebin ?? "", file], { timeoutMs: 120_000 })) as CdvView;
  ours = await readCrashDump(file);
  const d = await cli(["dump", "--json", file]);
  expect(d.code).toBe(0);
  dumpJson = anyJsonOf(d) as DumpJson;
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("leak-lab's crash dump in OTP's crashdump_viewer", () => {
  it("opens, with the BEAM's slogan, the process count and erlang:memory", () => {
    expect(viewer.read).toBe("ok");
    expect(viewer.slogan).toBe(slogan);
    expect(Number(viewer.num_procs)).toBe(ours.snapshot.processes.length);
    expect(Number(viewer.num_procs)).toBe(dumpJson.process_count);
    expect(Number(viewer.mem_tot)).toBe(ours.snapshot.memory.total);
    expect(viewer.memory).toEqual(ours.snapshot.memory);
  });

  it("every process shows the same fields in both readers (heap sizes: the viewer's bytes are our words × 8)", () => {
    sameProcesses(viewer, ours);
  });

  it("the culprits `leak-lab dump` names are the supervisor and its agents the viewer shows", () => {
    const [finding] = dumpJson.findings;
    expect(finding?.kind).toBe("children_never_terminate");
    const supPid = finding?.culprits[0]?.pid ?? "";
    const sup = viewer.processes.find((p) => p.pid === supPid);
    expect(sup).toMatchObject({ name: "jobs_sup", init_func: "jobs_sup:init/1", msg_q_len: 0 });
    expect(sup?.dict).toContain("{'$beamlab_role',supervisor}");
    // each agent's '$ancestors' (on its =proc_heap) names the supervisor, as the viewer resolves it
    const [, a, b, c] = /^<(\d+)\.(\d+)\.(\d+)>$/.exec(supPid) ?? [];
    for (const culprit of finding?.culprits.slice(1) ?? []) expect(viewer.processes.find((p) => p.pid === culprit.pid)?.init_func).toBe("jobs_agent:init/1");
    const agents = viewer.processes.filter((p) => p.init_func === "jobs_agent:init/1");
    expect(agents.length).toBeGreaterThan(50);
    for (const v of agents) expect(v.dict, v.pid).toBe(`[{'$ancestors',[['#CDVPid',${a},${b},${c}]]},{'$beamlab_role',agent}]`);
  });
});

describe("real dumps recorded from the BEAM (node_dumps.escript): readCrashDump against crashdump_viewer", () => {
  const manifest = loadFixture("node_dumps") as { dumps: { workload: string; file: string }[] };
  it.each(manifest.dumps)("$workload: every process, and its dictionary's initial call, ancestors and role resolved through =proc_heap as the viewer does", async (d) => {
    const plain = join(dir, `${d.workload}.dump`);
    writeFileSync(plain, gunzipSync(readFileSync(join(FIXTURES_DIR, d.file))));
    const v = JSON.parse(await runEscriptAsync(CDV_READ, [observerEbin() ?? "", plain], { timeoutMs: 120_000 })) as CdvView;
    const mine = await readCrashDump(join(FIXTURES_DIR, d.file));
    expect(Number(v.num_procs)).toBe(mine.snapshot.processes.length);
    expect(v.memory).toEqual(mine.snapshot.memory);
    sameProcesses(v, mine);
    const byPid = new Map(mine.snapshot.processes.map((p) => [p.pid, p]));
    let initialCalls = 0;
    let ancestors = 0;
    for (const vp of v.processes) {
      const p = byPid.get(vp.pid);
      const items = vp.dict_items;
      if (items.$initial_call !== undefined) initialCalls++;
      if (items.$ancestors !== undefined) ancestors++;
      expect(p?.initial_call, vp.pid).toBe(items.$initial_call ?? vp.init_func);
      expect(p?.crash_dump.ancestors, vp.pid).toEqual(items.$ancestors);
      expect(p?.role, vp.pid).toBe(items.$beamlab_role);
    }
    // the booted node alone has a dozen proc_lib processes (kernel_sup, logger_sup, …)
    expect(initialCalls).toBeGreaterThan(10);
    expect(ancestors).toBeGreaterThan(10);
  }, 60_000);
});
