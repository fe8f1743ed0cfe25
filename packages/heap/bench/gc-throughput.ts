/**
 * Benchmark: words traced per second by the model's minor and major collections, next to the
 * same allocation/collection workload on the real BEAM (tooling/beam-oracle's
 * gc_bench.escript, run in the same `pnpm bench`), printed as a ratio.
 *
 * The workload (the escript's `bench/4`, `{fullsweep_after, 20}`): a live list of 10 000
 * integers (20 000 words) kept to the end, then 100 000 × `build(100, [])` (200 words of
 * garbage each; the partial list is live while it is being built). The TypeScript twin does
 * the same allocations — real cons cells, so that every collection traces what is really live —
 * and counts words copied the way the escript does (young survivors + promoted for a minor,
 * all live words for a major). Not a test: nothing here asserts a time.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Cons, nil, ProcessHeap, type GcEvent, type Term } from "@beamlab/heap";

const SCALE = Number(process.argv[2] ?? 1);
const LIVE = 10_000;
const M = 100;
const ITER = 100_000 * SCALE;
const here = path.dirname(fileURLToPath(import.meta.url));
const escript = path.resolve(here, "../../../tooling/beam-oracle/recorders/gc_bench.escript");

interface Tally { minor: number; major: number; failed: number; copiedMinor: number; copiedMajor: number; usMinor: number; usMajor: number }

function runModel(): { us: number; t: Tally } {
  const t: Tally = { minor: 0, major: 0, failed: 0, copiedMinor: 0, copiedMajor: 0, usMinor: 0, usMajor: 0 };
  let startedAt = 0;
  const heap = new ProcessHeap({
    fullsweepAfter: 20,
    spawnArgs: [0, LIVE, ITER, M],
    onTrace: (e) => {
      if (e.tag === "gc_minor_start" || e.tag === "gc_major_start") startedAt = performance.now();
    },
    onGc: (e: GcEvent) => {
      const us = (performance.now() - startedAt) * 1000;
      if (e.kind === "minor") {
        t.minor++;
        t.copiedMinor += e.copied;
        t.usMinor += us;
      } else {
        t.major++;
        t.copiedMajor += e.copied;
        t.usMajor += us;
        if (e.afterFailedMinor) t.failed++;
      }
    },
  });
  const build = (k: number, acc: Term, s: number): Term => {
    const f = heap.pushFrame();
    heap.setStack(s);
    let l = acc;
    for (let i = k; i >= 1; i--) {
      l = heap.alloc(new Cons(i, l), { need: 2 });
      f.set(0, l);
    }
    heap.popFrame(f);
    return l;
  };
  const t0 = performance.now();
  const keepFrame = heap.pushFrame();
  keepFrame.hold(build(LIVE, nil, 5));
  for (let i = 0; i < ITER; i++) build(M, nil, 5);
  const us = (performance.now() - t0) * 1000;
  heap.popFrame(keepFrame);
  return { us, t };
}

interface Beam { minor_gcs: number; major_gcs: number; failed_minors: number; words_copied: number; elapsed_us: number }
let beam: Beam | undefined;
const r = spawnSync("escript", [escript, String(SCALE)], { encoding: "utf8" });
if (r.status === 0) beam = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as Beam;

let best: { us: number; t: Tally } | undefined;
for (let run = 0; run < 3; run++) {
  const m = runModel();
  if (best === undefined || m.us < best.us) best = m;
}
const { us, t } = best as { us: number; t: Tally };
const copied = t.copiedMinor + t.copiedMajor;
const rate = (words: number, micros: number): string => (micros > 0 ? `${((words / micros) * 1e6 / 1e6).toFixed(1).padStart(8)} Mw/s` : "       -");
console.log(`GC throughput: live 20000 words + ${ITER} x 200 words of garbage, fullsweep_after 20 (model best of 3)`);
console.log(`                          model            BEAM`);
console.log(`  minor GCs        ${String(t.minor).padStart(12)} ${beam ? String(beam.minor_gcs).padStart(15) : "              -"}`);
console.log(`  major GCs        ${String(t.major).padStart(12)} ${beam ? String(beam.major_gcs).padStart(15) : "              -"}   (failed minors: model ${t.failed}${beam ? `, BEAM ${beam.failed_minors}` : ""})`);
console.log(`  words copied     ${String(copied).padStart(12)} ${beam ? String(beam.words_copied).padStart(15) : "              -"}`);
console.log(`  minor: words traced/s (GC time only)   ${rate(t.copiedMinor, t.usMinor)}`);
console.log(`  major: words traced/s (GC time only)   ${rate(t.copiedMajor, t.usMajor)}`);
console.log(`  whole run        ${(us / 1000).toFixed(1).padStart(9)} ms ${beam ? `${(beam.elapsed_us / 1000).toFixed(1).padStart(12)} ms` : "             -"}   model/BEAM ${beam ? `${(us / beam.elapsed_us).toFixed(2)}x` : "(no erl)"}`);
if (beam) {
  const modelRate = copied / us;
  const beamRate = beam.words_copied / beam.elapsed_us;
  console.log(`  words copied per second of run: model ${(modelRate).toFixed(1)} Mw/s, BEAM ${beamRate.toFixed(1)} Mw/s, BEAM/model ${(beamRate / modelRate).toFixed(2)}x`);
} else console.log(`  (the BEAM side needs erl on PATH: ${r.error?.message ?? r.stderr.trim()})`);
