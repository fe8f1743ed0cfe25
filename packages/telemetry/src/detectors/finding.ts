/**
 * What a leak detector reports, and the helpers the detectors share.
 *
 * Owns: the {@link Finding} shape (kind, culprits, evidence in numbers, the fix that applies) and
 * the per-process tracks a detector reads from a time series of snapshots.
 * Invariants: detectors are pure functions of the series and their options (same input, same
 * findings, in the same order); evidence holds only numbers taken or derived from the snapshots
 * (never estimates); a detector that needs a field the source did not supply skips the process.
 */
import { comparePids, processName, shownInitialCall, type NodeSnapshot, type ProcessSnapshot } from "../snapshot.js";

export type FindingKind = "tenured_garbage" | "children_never_terminate" | "refc_binaries_pinned" | "sub_binary_pinning" | "mailbox_backlog";

export interface Culprit {
  readonly pid: string;
  /** registered_name, else initial_call. */
  readonly name: string;
  readonly initialCall: string;
  readonly role?: string;
}

export interface Finding {
  readonly kind: FindingKind;
  readonly culprits: readonly Culprit[];
  readonly evidence: Readonly<Record<string, number>>;
  readonly fix: string;
  /** One line for humans. */
  readonly summary: string;
}

export const WORD_BYTES = 8;

export function culpritOf(p: ProcessSnapshot): Culprit {
  const base = { pid: p.pid, name: processName(p), initialCall: shownInitialCall(p) };
  return p.role === undefined ? base : { ...base, role: p.role };
}

export interface TrackPoint {
  readonly time: number;
  readonly p: ProcessSnapshot;
}

/**
 * pid → its snapshots over the trailing run of samples in which it is present without a gap
 * (a pid that disappears and reappears only keeps its last run). Sorted by pid.
 */
export function tracks(series: readonly NodeSnapshot[]): ReadonlyMap<string, readonly TrackPoint[]> {
  if (shared?.series === series) return (shared.tracks ??= buildTracks(series));
  return buildTracks(series);
}

/** The series {@link sharingTracks} is running the detectors on, and its tracks once built. */
let shared: { readonly series: readonly NodeSnapshot[]; tracks: ReadonlyMap<string, readonly TrackPoint[]> | undefined } | undefined;

/**
 * Runs `f` (the detectors, synchronously) with {@link tracks} of `series` built once and shared
 * between them, instead of once per detector; the sharing ends when `f` returns.
 */
export function sharingTracks<T>(series: readonly NodeSnapshot[], f: () => T): T {
  const saved = shared;
  shared = { series, tracks: undefined };
  try {
    return f();
  } finally {
    shared = saved;
  }
}

function buildTracks(series: readonly NodeSnapshot[]): Map<string, TrackPoint[]> {
  const out = new Map<string, TrackPoint[]>();
  let prev = new Set<string>();
  for (const s of series) {
    const here = new Set<string>();
    for (const p of s.processes) {
      here.add(p.pid);
      let t = out.get(p.pid);
      if (t === undefined || !prev.has(p.pid)) {
        t = [];
        out.set(p.pid, t);
      }
      t.push({ time: s.time, p });
    }
    prev = here;
  }
  // keep only tracks that reach the last sample (the process is still alive)
  return new Map([...out].filter(([pid]) => prev.has(pid)).sort(([a], [b]) => comparePids(a, b)));
}

/** Share of consecutive steps in which the value went up (0 when fewer than 2 values). */
export function risingFraction(values: readonly number[]): number {
  if (values.length < 2) return 0;
  let up = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[i - 1] as number)) up++;
  return up / (values.length - 1);
}

/** Share of consecutive steps in which the value did not go down. */
export function nonDecreasingFraction(values: readonly number[]): number {
  if (values.length < 2) return 0;
  let ok = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) >= (values[i - 1] as number)) ok++;
  return ok / (values.length - 1);
}

export const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;
