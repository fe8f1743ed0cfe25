/**
 * Runs tooling/beam-oracle/recorders/sched_bench.escript (the same workloads on the real BEAM,
 * `+S 1`) and returns its JSON line, or undefined when there is no `erl` on PATH.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface BeamSchedBench {
  spawn_n: number;
  spawn_us: number;
  spawn_bytes_per_process: number;
  ring_size: number;
  ring_hops: number;
  ring_us: number;
  ring_msgs_per_sec: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const escript = path.resolve(here, "../../../tooling/beam-oracle/recorders/sched_bench.escript");

export function beamBench(n: number, ring: number, hops: number): BeamSchedBench | string {
  const r = spawnSync("escript", [escript, String(n), String(ring), String(hops)], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return r.error?.message ?? r.stderr.trim();
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as BeamSchedBench;
}

/** A forced full Node GC (V8's gc exposed at run time). */
export async function nodeGc(): Promise<void> {
  const v8 = await import("node:v8");
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
}
