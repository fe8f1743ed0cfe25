/**
 * Detector 2, children that never terminate: a supervisor whose child count keeps growing while
 * its children sit idle holding state (the Agent-instead-of-Task pattern: a process per job that
 * outlives the job).
 *
 * Owns: the rule below. A supervisor is a process that reports `children` (beamlab field) in every
 * sample of its track; a child is idle between the last two samples when its reductions did not
 * increase by more than `maxIdleReductions` and its queue is empty.
 * Rule: over at least `minSamples` samples,
 *  - the child count grew by at least `minChildGrowth` (first → last) and did not go down in at
 *    least `minNonDecreasingFraction` of the steps, and
 *  - among the children present in both of the last two samples, at least `minIdleFraction` are
 *    idle (and there is at least one).
 */
import { culpritOf, nonDecreasingFraction, round, tracks, type Finding } from "./finding.js";
import { byPid, comparePids, type NodeSnapshot, type ProcessSnapshot } from "../snapshot.js";
import { formatBytes } from "../format-bytes.js";

export interface IdleChildrenOptions {
  readonly minSamples?: number;
  /** Children added over the track (default 10). */
  readonly minChildGrowth?: number;
  /** Share of steps in which the count did not drop (default 0.8). */
  readonly minNonDecreasingFraction?: number;
  /** Share of the children that are idle (default 0.8). */
  readonly minIdleFraction?: number;
  /** Reductions a child may do between the last two samples and still count as idle (default 0). */
  readonly maxIdleReductions?: number;
  /** How many idle children to list as culprits after the supervisor (default 5, largest first). */
  readonly maxChildrenListed?: number;
}

export const IDLE_CHILDREN_DEFAULTS: Required<IdleChildrenOptions> = Object.freeze({
  minSamples: 3,
  minChildGrowth: 10,
  minNonDecreasingFraction: 0.8,
  minIdleFraction: 0.8,
  maxIdleReductions: 0,
  maxChildrenListed: 5,
});

export function detectIdleChildren(series: readonly NodeSnapshot[], options: IdleChildrenOptions = {}): Finding[] {
  const o = { ...IDLE_CHILDREN_DEFAULTS, ...options };
  const out: Finding[] = [];
  const lastSnap = series[series.length - 1];
  const prevSnap = series[series.length - 2];
  if (lastSnap === undefined || prevSnap === undefined) return out;
  const lastByPid = byPid(lastSnap);
  const prevByPid = byPid(prevSnap);
  for (const track of tracks(series).values()) {
    if (track.length < o.minSamples) continue;
    if (track.some((t) => t.p.children === undefined)) continue;
    const counts = track.map((t) => t.p.children?.length ?? 0);
    const first = counts[0] ?? 0;
    const lastCount = counts[counts.length - 1] ?? 0;
    if (lastCount - first < o.minChildGrowth || nonDecreasingFraction(counts) < o.minNonDecreasingFraction) continue;
    const sup = track[track.length - 1]?.p;
    if (sup === undefined) continue;
    const compared: ProcessSnapshot[] = [];
    const idle: ProcessSnapshot[] = [];
    for (const pid of sup.children ?? []) {
      const now = lastByPid.get(pid);
      const before = prevByPid.get(pid);
      if (now === undefined || before === undefined) continue;
      compared.push(now);
      if (now.reductions - before.reductions <= o.maxIdleReductions && now.message_queue_len === 0) idle.push(now);
    }
    if (idle.length === 0 || idle.length / compared.length < o.minIdleFraction) continue;
    let idleBytes = 0;
    for (const c of idle) idleBytes += c.memory;
    const listed = [...idle].sort((a, b) => b.memory - a.memory || comparePids(a.pid, b.pid)).slice(0, o.maxChildrenListed);
    out.push({
      kind: "children_never_terminate",
      culprits: [culpritOf(sup), ...listed.map(culpritOf)],
      evidence: {
        samples: track.length,
        children_first: first,
        children_last: lastCount,
        children_compared: compared.length,
        idle_children: idle.length,
        idle_fraction: round(idle.length / compared.length),
        idle_bytes: idleBytes,
      },
      fix:
        "Each job gets a process that stays alive after the job is done (an Agent or GenServer per job). Run the " +
        "job in a Task (Task.Supervisor.async_nolink, or a spawned process that returns), so it exits when done; " +
        "or have the child stop itself when its work is over (return {stop, normal, ...}, an idle timeout) and " +
        "make it temporary so the supervisor forgets it.",
      summary: `${culpritOf(sup).name} (${sup.pid}): children ${first} → ${lastCount}, ${idle.length} of ${compared.length} idle holding ${formatBytes(idleBytes)}`,
    });
  }
  return out;
}
