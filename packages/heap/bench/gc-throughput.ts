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
 * all live words for a major). The twin is exact: same GC counts and the same words copied,
 * per kind (the bench prints whether they agree).
 *
 * Printed, for minor and major collections separately: the model's words copied per second of
 * GC time (from its gc_*_start trace callback to its onGc callback) and the BEAM's (from the
 * escript's timestamped gc_*_start/gc_*_end trace messages: its own GC throughput, slightly
 * under-estimated by the trace overhead inside each interval), their ratio, and the whole run
 * (allocation + GC) on both sides. Each side keeps the best of 3 runs, separately for the whole
 * run and for the GC time. Not a test: nothing here asserts a time.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { nil, ProcessHeap, type GcEvent, type Term } from "@beamlab/heap";

const SCALE = Number(process.argv[2] ?? 1);
const LIVE = 10_000;
const M = 100;
const ITER = 100_000 * SCALE;
const RUNS = 3;
/**
 * GC-visible stack words of the escript's process (gc_info `stack_size` in its trace): 3 at
 * process start + bench/4's frame (CP + 3 y-registers) while `build(Live, [])` runs, + loop/2's
 * frame (CP, I, M) while the garbage lists are built. With these the twin's every collection
 * (kind, heap sizes, words copied) is the BEAM's.
 */
const STACK_BUILD_LIVE = 7;
const STACK_LOOP = 10;
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
  // build(K, Acc): the partial list needs no frame slot — like Acc in the BEAM's x register, it
  // is live at each collection as the tail of the cons being allocated (an operand of the
  // pending allocation is a root, see process-heap `alloc`).
  const build = (k: number, acc: Term, s: number): Term => {
    heap.setStack(s);
    let l = acc;
    for (let i = k; i >= 1; i--) l = heap.allocCons(i, l);
    return l;
  };
  const t0 = performance.now();
  const keepFrame = heap.pushFrame();
  keepFrame.hold(build(LIVE, nil, STACK_BUILD_LIVE));
  for (let i = 0; i < ITER; i++) build(M, nil, STACK_LOOP);
  const us = (performance.now() - t0) * 1000;
  heap.popFrame(keepFrame);
  return { us, t };
}

interface Beam {
  minor_gcs: number;
  major_gcs: number;
  failed_minors: number;
  words_copied: number;
  elapsed_us: number;
  minor_gc_us: number;
  major_gc_us: number;
  minor_words_copied: number;
  major_words_copied: number;
  timed_trace_elapsed_us: number;
  timed_trace_counts_match: boolean;
  untraced_final_state_matches: boolean;
}
let beam: Beam | undefined;
const r = spawnSync("escript", [escript, String(SCALE)], { encoding: "utf8" });
if (r.status === 0) beam = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as Beam;

let best: { us: number; t: Tally } | undefined;
let bestGc: Tally | undefined;
for (let run = 0; run < RUNS; run++) {
  const m = runModel();
  if (best === undefined || m.us < best.us) best = m;
  if (bestGc === undefined || m.t.usMinor + m.t.usMajor < bestGc.usMinor + bestGc.usMajor) bestGc = m.t;
}
const { us } = best as { us: number; t: Tally };
const t = bestGc as Tally;
const copied = t.copiedMinor + t.copiedMajor;
const mws = (words: number, micros: number): number => words / micros; // words/µs = Mwords/s
const num = (x: number, w: number, d = 1): string => x.toFixed(d).padStart(w);
const col = (x: number | string | undefined, w = 14): string => (x === undefined ? "-" : String(x)).padStart(w);
console.log(`GC throughput: live 20000 words + ${ITER} x 200 words of garbage, fullsweep_after 20 (model and BEAM: best of ${RUNS})`);
console.log(`                          model           BEAM`);
console.log(`  minor GCs       ${col(t.minor)} ${col(beam?.minor_gcs)}`);
console.log(`  major GCs       ${col(t.major)} ${col(beam?.major_gcs)}   (failed minors: model ${t.failed}${beam ? `, BEAM ${beam.failed_minors}` : ""})`);
console.log(`  words copied    ${col(copied)} ${col(beam?.words_copied)}   minor ${t.copiedMinor}${beam ? `/${beam.minor_words_copied}` : ""}, major ${t.copiedMajor}${beam ? `/${beam.major_words_copied}` : ""} (model/BEAM)`);
console.log(`  GC time only (BEAM: gc_*_start..gc_*_end trace timestamps, see gc_bench.escript):`);
const gcLine = (kind: string, words: number, micros: number, bWords: number | undefined, bMicros: number | undefined): void => {
  const m = mws(words, micros);
  if (bWords === undefined || bMicros === undefined) {
    console.log(`    ${kind}  model ${num(m, 7)} Mw/s (${num(micros / 1000, 6)} ms)`);
    return;
  }
  const b = mws(bWords, bMicros);
  console.log(`    ${kind}  model ${num(m, 7)} Mw/s (${num(micros / 1000, 6)} ms)   BEAM ${num(b, 7)} Mw/s (${num(bMicros / 1000, 6)} ms)   BEAM/model ${num(b / m, 5, 2)}x`);
};
gcLine("minor", t.copiedMinor, t.usMinor, beam?.minor_words_copied, beam?.minor_gc_us);
gcLine("major", t.copiedMajor, t.usMajor, beam?.major_words_copied, beam?.major_gc_us);
gcLine("all  ", copied, t.usMinor + t.usMajor, beam?.words_copied, beam === undefined ? undefined : beam.minor_gc_us + beam.major_gc_us);
if (beam) {
  console.log(`  whole run       ${num(us / 1000, 11)} ms ${num(beam.elapsed_us / 1000, 11)} ms   model/BEAM ${(us / beam.elapsed_us).toFixed(2)}x`);
  const same = t.minor === beam.minor_gcs && t.major === beam.major_gcs && t.failed === beam.failed_minors && t.copiedMinor === beam.minor_words_copied && t.copiedMajor === beam.major_words_copied;
  console.log(`  twins agree on every count and words copied: ${same ? "yes" : "NO"}; BEAM GC timing run counts = counting run: ${beam.timed_trace_counts_match ? "yes" : "NO"}; traced = untraced final state: ${beam.untraced_final_state_matches ? "yes" : "NO"}`);
  console.log(`  (BEAM GC times include about one trace event per GC; the traced run took ${num(beam.timed_trace_elapsed_us / 1000, 1)} ms vs ${num(beam.elapsed_us / 1000, 1)} ms untraced)`);
} else {
  console.log(`  whole run       ${num(us / 1000, 11)} ms              -   (no erl)`);
  console.log(`  (the BEAM side needs erl on PATH: ${r.error?.message ?? r.stderr.trim()})`);
}
