/**
 * A terminal chart of `erlang:memory()` over time with asciichart, in KiB, MiB or GiB (by the peak): total, processes and
 * binary in three colours on a colour terminal, only the total without colour (uncoloured lines
 * could not be told apart); at most {@link MAX_POINTS} columns (the samples are thinned evenly, first and last
 * kept), and a legend naming each line. asciichart is required on the first chart, not at startup.
 */
import { createRequire } from "node:module";
import type { SampleReport } from "../lab/report.js";
import type { Style } from "./style.js";

export const MAX_POINTS = 64;

type Asciichart = typeof import("asciichart");
let loaded: Asciichart | undefined;
function asciichartModule(): Asciichart {
  return (loaded ??= createRequire(import.meta.url)("asciichart") as Asciichart);
}

function seriesOf(asciichart: Asciichart) {
  return [
    { key: "total", color: undefined },
    { key: "processes", color: asciichart.cyan },
    { key: "binary", color: asciichart.magenta },
  ] as const;
}

function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  return Array.from({ length: max }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (max - 1))] as T);
}

export function memoryChart(samples: readonly SampleReport[], style: Style, height = 10): string[] {
  if (samples.length < 2) return [];
  const pts = thin(samples, MAX_POINTS);
  const max = Math.max(...pts.map((p) => p.memory.total ?? 0));
  const [unit, div] = max >= 10 * 1024 ** 3 ? ["GiB", 1024 ** 3] : max >= 10 * 1024 ** 2 ? ["MiB", 1024 ** 2] : ["KiB", 1024];
  const asciichart = asciichartModule();
  const all = seriesOf(asciichart);
  const shown = style.isColorSupported ? all : all.slice(0, 1);
  const series = shown.map((s) => pts.map((p) => (p.memory[s.key] ?? 0) / div));
  const chart = asciichart.plot(series, {
    height,
    format: (x) => `${x.toFixed(x >= 100 ? 0 : 1).padStart(7)} ${unit} `,
    ...(style.isColorSupported ? { colors: shown.map((s) => s.color) } : {}),
  });
  const first = pts[0]?.t_ms ?? 0;
  const last = pts[pts.length - 1]?.t_ms ?? 0;
  const legend = shown.map((s) => (style.isColorSupported ? asciichart.colored(`── ${s.key}`, s.color) : `erlang:memory(${s.key})`)).join("  ");
  return [...chart.split("\n").map((l) => `  ${l}`), `  ${" ".repeat(12)}t = ${first} … ${last} ms (virtual)   ${legend}`];
}
