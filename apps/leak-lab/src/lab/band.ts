/**
 * `--band K`: reruns a scenario K times with the model's free choices moved by up to `words`
 * words (perturbation seeds 1..K), in parallel on worker threads (tinypool), and reduces each
 * headline number over the run itself (its choices moved by 0 words) and the K reruns to
 * min / median / max.
 *
 * The worker is `band-worker.js` next to the bundle (`dist/`), or `band-worker.source.mjs` when
 * leak-lab runs from source (it registers tsx in the worker, which resolves with the source
 * condition, then loads `band-worker.ts`).
 * Invariant: the result depends only on the inputs, not on which worker finished first (results
 * are kept by rerun index; the statistics are order-free).
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { BandTask } from "./band-worker.js";
import type { Headlines } from "./headlines.js";
import { FROM_SOURCE } from "./load-scenario.js";
import type { BandReport, BandStat } from "./report.js";

export interface BandOptions extends Omit<BandTask, "perturb"> {
  readonly runs: number;
  readonly words: number;
  /** The unperturbed run's headlines: the band's "moved by 0 words" point. */
  readonly base?: Headlines;
  /** Called after each finished rerun with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

export function bandStat(values: readonly number[]): BandStat {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length === 0 ? 0 : v.length % 2 === 1 ? (v[mid] ?? 0) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
  return { min: v[0] ?? 0, median, max: v[v.length - 1] ?? 0 };
}

/** `runs`: the reruns' headlines; `base`: the unperturbed run's, counted in the statistics but not in `runs`. */
export function reduceBand(runs: readonly Headlines[], words: number, base?: Headlines): BandReport {
  const all = base === undefined ? runs : [base, ...runs];
  const names = new Set<string>();
  for (const r of all) for (const k of Object.keys(r)) names.add(k);
  const out: Record<string, BandStat> = {};
  for (const name of names) out[name] = bandStat(all.map((r) => r[name] ?? 0));
  return { runs: runs.length, words, headlines: out };
}

function workerFile(): string {
  return fileURLToPath(new URL(FROM_SOURCE ? "./band-worker.source.mjs" : "./band-worker.js", import.meta.url));
}

export async function runBand(opts: BandOptions): Promise<BandReport> {
  const { default: Tinypool } = await import("tinypool"); // only --band needs it: not loaded at startup
  const pool = new Tinypool({
    filename: workerFile(),
    minThreads: 1,
    maxThreads: Math.max(1, Math.min(opts.runs, availableParallelism())),
    ...(FROM_SOURCE ? { execArgv: ["--conditions=@beamlab/source"] } : {}),
  });
  let done = 0;
  try {
    const results = await Promise.all(
      Array.from({ length: opts.runs }, async (_, i) => {
        const task: BandTask = { scenario: opts.scenario, cwd: opts.cwd, mode: opts.mode, params: opts.params, seed: opts.seed, perturb: { seed: i + 1, words: opts.words } };
        const h = (await pool.run(task)) as Headlines;
        opts.onProgress?.(++done, opts.runs);
        return h;
      }),
    );
    return reduceBand(results, opts.words, opts.base);
  } finally {
    await pool.destroy();
  }
}
