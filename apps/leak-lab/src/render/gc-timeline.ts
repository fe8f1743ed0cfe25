/**
 * The GC timeline of each traced process (`gc_events` of a report), as a person reads it: one
 * row per collection (a failed minor and the major it became are one row, "minor→major"), with
 * the heap used before → after, the heap block before → after (a growing heap shows here), the
 * old heap used / block after, and the words reclaimed — all in words, as the BEAM's gc trace
 * gives them. Runs of collections that look the same are one row (`--json` has every event).
 *
 * Owns the text layout only; the pairing of trace events into collections is @beamlab/scenarios'
 * `gcTimeline`. Invariant: the same events give the same lines.
 */
import { gcTimeline, type GcStep, type ProcessGcEvents } from "../lab/scenario-api.js";
import { table, type Style } from "./style.js";

const arrow = (a: number, b: number): string => (a === b ? String(a) : `${a} → ${b}`);

function counts(steps: readonly GcStep[]): string {
  if (steps.length === 0) return "no collection";
  const by = new Map<string, number>();
  for (const s of steps) by.set(s.kind, (by.get(s.kind) ?? 0) + 1);
  const parts = [...by].map(([k, n]) => `${n} ${k}`);
  return `${steps.length} collection${steps.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

/** What makes two collections look the same in the timeline (the old heap's use may still grow). */
const lookKey = (s: GcStep): string =>
  [s.kind, s.before.heap_size, s.after.heap_size, s.before.heap_block_size, s.after.heap_block_size, s.after.old_heap_block_size, s.reclaimed].join(" ");

/**
 * One row per collection, except that a run of collections that look the same (same kind, heap
 * used and block before → after, old heap block, reclaimed) is one row "i–j. kind ×n", its old
 * heap use shown first → last.
 */
export function timelineRows(steps: readonly GcStep[]): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < steps.length; ) {
    const s = steps[i] as GcStep;
    let j = i;
    while (j + 1 < steps.length && lookKey(steps[j + 1] as GcStep) === lookKey(s)) j++;
    const last = steps[j] as GcStep;
    rows.push([
      j === i ? `${i + 1}. ${s.kind}` : `${i + 1}–${j + 1}. ${s.kind} ×${j - i + 1}`,
      arrow(s.before.heap_size, s.after.heap_size),
      arrow(s.before.heap_block_size, s.after.heap_block_size),
      `${arrow(s.after.old_heap_size, last.after.old_heap_size)} / ${s.after.old_heap_block_size}`,
      String(s.reclaimed),
    ]);
    i = j + 1;
  }
  return rows;
}

/** The timelines of every traced process, or nothing when the report has none. */
export function gcTimelineLines(procs: readonly ProcessGcEvents[] | undefined, style: Style): string[] {
  if (procs === undefined || procs.length === 0) return [];
  const out = [`  ${style.bold("GC timelines")} (words; from each process's garbage_collection trace)`];
  for (const p of procs) {
    const steps = gcTimeline(p.events);
    out.push("", `  ${style.bold(`${p.pid}${p.role === null ? "" : ` ${p.role}`}`)}: ${counts(steps)}`);
    if (steps.length === 0) continue;
    out.push(...table(["collection", "heap used", "heap block", "old heap used / block", "reclaimed"], timelineRows(steps), "    "));
  }
  return out;
}
