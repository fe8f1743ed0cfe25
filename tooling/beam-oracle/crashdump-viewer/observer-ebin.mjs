// Where OTP's crashdump_viewer (application `observer`) can be loaded from, headless.
//
// Owns: finding the observer .beam files for the oracle test that opens leak-lab's crash dumps
// in the real crashdump_viewer. Debian splits observer out of erlang-base into erlang-observer,
// whose install pulls wx, webkit and gstreamer (≈ 227 packages); crashdump_viewer's backend
// (start_link/read_file/general_info/processes/proc_details) needs none of that. So, in order:
//   1. the `erl` on PATH already has it (code:which(crashdump_viewer)): no extra path;
//   2. $BEAMLAB_OBSERVER_EBIN, or the cache ./.observer/ebin from an earlier run;
//   3. `apt-get download erlang-observer` (after `apt-get update` when the lists are missing) (the signed Debian package for this erl's release,
//      ≈ 1 MB, about a second) and `dpkg-deb -x`, keeping only its ebin in the cache.
// Returns the directory for `-pa` (undefined for case 1); throws one line saying what failed.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OBSERVER_CACHE = path.join(HERE, ".observer", "ebin");

const hasViewer = (pa) => {
  const args = [...(pa === undefined ? [] : ["-pa", pa]), "-noshell", "-eval", 'io:format("~p", [code:which(crashdump_viewer)]), halt().'];
  const r = spawnSync("erl", args, { encoding: "utf8", timeout: 60_000 });
  return r.status === 0 && r.stdout.includes("crashdump_viewer.beam");
};

export function observerEbin() {
  if (hasViewer(undefined)) return undefined;
  for (const dir of [process.env.BEAMLAB_OBSERVER_EBIN, OBSERVER_CACHE]) if (dir && existsSync(dir) && hasViewer(dir)) return dir;
  const tmp = mkdtempSync(path.join(tmpdir(), "beamlab-observer-"));
  try {
    const download = () => spawnSync("apt-get", ["download", "erlang-observer"], { cwd: tmp, encoding: "utf8", timeout: 300_000 });
    let dl = download();
    if (dl.status !== 0) {
      // a fresh image may have no package lists yet
      spawnSync("apt-get", ["update"], { encoding: "utf8", timeout: 300_000 });
      dl = download();
    }
    const deb = readdirSync(tmp).find((f) => f.endsWith(".deb"));
    if (dl.status !== 0 || deb === undefined)
      throw new Error(`crashdump_viewer: not in this erl, and \`apt-get download erlang-observer\` failed (${(dl.stderr || dl.error?.message || "").trim().split("\n").pop()}); install erlang-observer or set BEAMLAB_OBSERVER_EBIN to its ebin directory`);
    const x = spawnSync("dpkg-deb", ["-x", deb, "x"], { cwd: tmp, encoding: "utf8" });
    if (x.status !== 0) throw new Error(`crashdump_viewer: dpkg-deb -x ${deb} failed: ${x.stderr.trim()}`);
    const lib = path.join(tmp, "x", "usr", "lib", "erlang", "lib");
    const app = readdirSync(lib).find((d) => d.startsWith("observer-"));
    if (app === undefined) throw new Error(`crashdump_viewer: ${deb} has no usr/lib/erlang/lib/observer-*`);
    rmSync(OBSERVER_CACHE, { recursive: true, force: true });
    cpSync(path.join(lib, app, "ebin"), OBSERVER_CACHE, { recursive: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!hasViewer(OBSERVER_CACHE)) throw new Error(`crashdump_viewer: ${OBSERVER_CACHE} does not load in this erl`);
  return OBSERVER_CACHE;
}

// `node observer-ebin.mjs` (CI): fetch it once before the tests, print where it is.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(observerEbin() ?? "(built into erl)");
