/**
 * The README's one-line way to snapshot a live node, run verbatim against a real `erl` node
 * started here (-sname, a cookie of its own) that runs the pinned_refc seed workload
 * (tooling/beam-oracle/recorders/beamlab_workloads); then `leak-lab diagnose` on what it wrote
 * names the router, as it does on the recorded snapshot fixture.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { RECORDERS_DIR } from "@beamlab/beam-oracle";
import { anyJsonOf, cli } from "./harness.js";

const README = join(dirname(fileURLToPath(import.meta.url)), "..", "README.md");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The lines of the README's marked sh block: the `export` line (settings) and the `erl` line. */
function documentedCommand(): { settings: string; command: string } {
  const text = readFileSync(README, "utf8");
  const at = text.indexOf("<!-- live-snapshot-command");
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at))?.[1] ?? "";
  const lines = block.trim().split("\n");
  return { settings: lines.find((l) => l.startsWith("export ")) ?? "", command: lines.find((l) => l.startsWith("erl ")) ?? "" };
}

const dir = mkdtempSync(join(tmpdir(), "leak-lab-live-"));
const cookie = `beamlab_${process.pid}_${Date.now()}`;
let target: ChildProcess | undefined;
afterAll(() => {
  target?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function startTarget(): Promise<string> {
  const erlc = spawnSync("erlc", ["-o", dir, join(RECORDERS_DIR, "beamlab_workloads", "beamlab_workloads.erl")], { encoding: "utf8" });
  expect(erlc.status, erlc.stderr).toBe(0);
  // the node's name is written to a side file and renamed into place: file:write_file creates the
  // file before it writes, and a poll landing in between read an empty name (rpc to '' is
  // {badrpc,nodedown}: what CI saw twice)
  const ready = join(dir, "ready");
  const eval_ = `ok = beamlab_workloads:run(pinned_refc), ok = file:write_file("${ready}.tmp", atom_to_list(node())), ok = file:rename("${ready}.tmp", "${ready}").`;
  target = spawn("erl", ["+S", "1", "-sname", `beamlab_target_${process.pid}`, "-setcookie", cookie, "-noshell", "-pa", dir, "-eval", eval_], { stdio: "ignore" });
  for (let i = 0; i < 300 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
  expect(existsSync(ready), "the target node did not start").toBe(true);
  const node = readFileSync(ready, "utf8");
  expect(node).toMatch(new RegExp(`^beamlab_target_${process.pid}@\\S+$`));
  return node;
}

describe("a live node snapshot, the documented way", () => {
  it("the README's line loads beamlab_snapshot into the running node and writes N snapshots; diagnose names the router", async () => {
    const { settings, command } = documentedCommand();
    // the documented settings name every variable the line reads
    for (const v of ["NODE", "COOKIE", "SNAPSHOT_ERL", "OUT", "COUNT", "INTERVAL_MS"]) expect(settings).toMatch(new RegExp(`\\b${v}=`));
    expect(command).toMatch(/^erl -sname /);
    const node = await startTarget();
    const out = join(dir, "node.snap.json");
    const env = { ...process.env, NODE: node, COOKIE: cookie, SNAPSHOT_ERL: join(RECORDERS_DIR, "beamlab_snapshot", "beamlab_snapshot.erl"), OUT: out, COUNT: "3", INTERVAL_MS: "100" };
    // a fresh node's first distribution connection on a loaded machine may still fail
    // ({badrpc,nodedown}); the line is run again then, up to three times in all, and the run
    // that connects must give exactly this
    const run = () => spawnSync("bash", ["-c", command], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
    let r = run();
    for (let attempt = 2; attempt <= 3 && r.status !== 0 && r.stderr.includes("{badrpc,nodedown}"); attempt++) {
      await new Promise((done) => setTimeout(done, 1000));
      r = run();
    }
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${out}: 3 snapshots\n`);
    const d = await cli(["diagnose", "--json", out]);
    expect(d.err).toEqual([]);
    expect(d.code).toBe(0);
    const v = anyJsonOf(d) as { snapshots: number; findings: { kind: string; culprits: { role?: string; name: string }[] }[] };
    expect(v.snapshots).toBe(3);
    expect(v.findings.map((f) => [f.kind, f.culprits.map((c) => `${c.name} [${c.role}]`)])).toEqual([["refc_binaries_pinned", ["router [router]"]]]);
  }, 120_000);
});
