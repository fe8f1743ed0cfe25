/**
 * Benchmark: a selective receive that skips JUNK (default 10,000) queued messages. A process holds
 * JUNK messages `{junk, I}` that never match, then ROUNDS times sends itself `{go, I}` and takes
 * it with a receive for exactly `{go, I}`, scanning past every queued junk message each time —
 * next to the same workload on the real BEAM (selective_receive_bench.escript), as a ratio of
 * time per receive. Best of 5 runs each. Not a test: nothing here asserts a time.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { atom, Tuple, type Term } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";

const JUNK = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 2_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const escript = path.resolve(here, "../../../tooling/beam-oracle/recorders/selective_receive_bench.escript");
const junk = atom("junk");
const go = atom("go");
const start = atom("start");

function once(): number {
  let us = 0;
  const s = new Scheduler();
  const p = s.spawn(function* (ctx: ProcessContext) {
    yield* ctx.receive((m: Term) => m === start);
    const t0 = performance.now();
    for (let i = 1; i <= ROUNDS; i++) {
      ctx.send(ctx.self, new Tuple([go, i]));
      yield* ctx.receive((m: Term) => m instanceof Tuple && m.elements[0] === go && m.elements[1] === i);
    }
    us = (performance.now() - t0) * 1000;
  });
  for (let i = 1; i <= JUNK; i++) s.send(p, new Tuple([junk, i]));
  s.send(p, start);
  s.run();
  return us;
}

let best = Infinity;
for (let r = 0; r < 5; r++) best = Math.min(best, once());

interface Beam { junk: number; rounds: number; us: number; us_per_receive: number }
const r = spawnSync("escript", [escript, String(JUNK), String(ROUNDS)], { encoding: "utf8" });
const beam = r.status === 0 ? (JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as Beam) : undefined;
const ours = best / ROUNDS;
console.log(`selective receive past ${JUNK} queued messages (${ROUNDS} receives, best of 5)   beamlab        BEAM   beamlab/BEAM`);
console.log(`  µs per receive                                                  ${ours.toFixed(1).padStart(9)} ${beam ? beam.us_per_receive.toFixed(1).padStart(11) : "          -"}   ${beam ? `${(ours / beam.us_per_receive).toFixed(2)}x` : `(no erl: ${r.error?.message ?? r.stderr.trim()})`}`);
