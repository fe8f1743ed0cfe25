/**
 * Benchmark: build a list of N 2-tuples `[{I, I*2} || I <- 1..N]` and compute its flat size,
 * in beamlab and, in the same run, on the real BEAM (tooling/beam-oracle's
 * list_of_tuples_bench.escript), printed side by side with their ratio.
 *
 * Both sides take the best of 5 runs. This is a benchmark, not a test: nothing here asserts a
 * time. Run with `pnpm bench` (all packages) or `pnpm --filter @beamlab/heap bench`.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Cons, Tuple, flatSize, nil, type Term } from "@beamlab/heap";

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = 5;
const here = path.dirname(fileURLToPath(import.meta.url));
const escript = path.resolve(here, "../../../tooling/beam-oracle/recorders/list_of_tuples_bench.escript");

function buildList(n: number): Term {
  // Built back to front like the Erlang list comprehension's result: one cons and one tuple each.
  let list: Term = nil;
  for (let i = n; i >= 1; i--) list = new Cons(new Tuple([i, i * 2]), list);
  return list;
}

function best<T>(f: () => T): { us: number; value: T } {
  let bestUs = Infinity;
  let value!: T;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    value = f();
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (us < bestUs) bestUs = us;
  }
  return { us: bestUs, value };
}

const build = best(() => buildList(N));
const size = best(() => flatSize(build.value));

interface BeamResult { n: number; build_us: number; flat_size_us: number; flat_size: number }
let beam: BeamResult | undefined;
const r = spawnSync("escript", [escript, String(N)], { encoding: "utf8" });
if (r.status === 0) beam = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as BeamResult;

const fmt = (us: number) => `${(us / 1000).toFixed(1).padStart(9)} ms`;
const ratio = (ours: number, theirs: number | undefined) => (theirs === undefined ? "   (no erl)" : `${(ours / theirs).toFixed(2).padStart(8)}x`);
console.log(`list of ${N} 2-tuples (best of ${RUNS})   beamlab        BEAM   beamlab/BEAM`);
console.log(`  build                          ${fmt(build.us)} ${beam ? fmt(beam.build_us) : "         -"} ${ratio(build.us, beam?.build_us)}`);
console.log(`  flat size                      ${fmt(size.us)} ${beam ? fmt(beam.flat_size_us) : "         -"} ${ratio(size.us, beam?.flat_size_us)}`);
console.log(`  flat size (words)              ${String(size.value).padStart(12)} ${beam ? String(beam.flat_size).padStart(12) : "           -"}   ${beam ? (beam.flat_size === size.value ? "equal" : "DIFFERENT") : ""}`);
if (beam === undefined) console.log(`  (the BEAM side needs erl on PATH: ${r.error?.message ?? r.stderr.trim()})`);
