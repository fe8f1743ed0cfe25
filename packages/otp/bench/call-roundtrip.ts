/**
 * Benchmark: one million gen_server:call round trips (a client calling a server whose
 * handle_call replies `ok`), with full memory accounting on (each message is copied into the
 * receiver's heap, monitors and aliases as OTP 25's gen:call makes them), next to the same
 * workload on the real BEAM (tooling/beam-oracle/recorders/otp_bench.escript, `+S 1`): calls per
 * second, printed as a ratio (issue 5's target: within 2x of the BEAM). Not a test: nothing
 * here asserts.
 *
 *   pnpm --filter @beamlab/otp bench            # N = 1,000,000
 *   pnpm --filter @beamlab/otp bench -- 200000  # another N
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { atom, type Pid, type Tuple } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { GenServer } from "../src/index.js";

const N = Number(process.argv[2] ?? 1_000_000);
const ping = atom("ping");
const ok = atom("ok");
const server: GenServer.GenServerModule = {
  name: "beamlab_otp_bench",
  init: (_c, s) => GenServer.ok(s),
  handleCall: (_c, _r, _f, s) => GenServer.reply(ok, s),
};

let t0 = 0;
let t1 = 0;
const s = new Scheduler();
s.spawn(function* client(ctx: ProcessContext) {
  const pid = ((yield* GenServer.startLink(ctx, server, 0)) as Tuple).elements[1] as Pid;
  yield* GenServer.call(ctx, pid, ping);
  t0 = performance.now();
  for (let i = 0; i < N; i++) yield* GenServer.call(ctx, pid, ping);
  t1 = performance.now();
  ctx.exitSignal(pid, atom("kill"));
});
s.run();
const us = (t1 - t0) * 1000;
const cps = N / (us / 1e6);
console.log(`beamlab: ${N} gen_server calls in ${(us / 1000).toFixed(0)} ms = ${Math.round(cps).toLocaleString("en")} calls/s`);

const here = path.dirname(fileURLToPath(import.meta.url));
const escript = path.resolve(here, "../../../tooling/beam-oracle/recorders/otp_bench.escript");
const r = spawnSync("escript", [escript, String(N)], { encoding: "utf8", timeout: 600_000 });
if (r.status !== 0) {
  console.log(`BEAM: not run (${r.error?.message ?? r.stderr.trim()})`);
} else {
  const beam = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { calls: number; us: number; calls_per_sec: number };
  console.log(`BEAM (+S 1): ${beam.calls} gen_server:call in ${(beam.us / 1000).toFixed(0)} ms = ${beam.calls_per_sec.toLocaleString("en")} calls/s`);
  const ratio = beam.calls_per_sec / cps;
  console.log(`ratio: the BEAM is ${ratio.toFixed(2)}x beamlab (target: within 2x) ${ratio <= 2 ? "OK" : "MISSED"}`);
}
