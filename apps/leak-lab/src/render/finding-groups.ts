/**
 * Findings as one story each: findings of one kind that each name one process spawned the same
 * way (300 servers each keeping tenured garbage) are one group, told once with the count, the
 * first one's summary as the example and every culprit counted. The terminal and the HTML
 * report both show groups; `--json` keeps each finding.
 *
 * Invariant: groups keep the order of their first finding; every culprit is in exactly one group.
 */
import type { Culprit, Finding } from "@beamlab/telemetry";

export interface FindingGroup {
  /** The first finding of the group (kind, evidence, fix). */
  readonly first: Finding;
  readonly count: number;
  /** `first.summary`, or `N × initial_call (role), e.g. …` for a group of several. */
  readonly headline: string;
  readonly culprits: readonly Culprit[];
}

export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, Finding[]>();
  findings.forEach((f, i) => {
    const only = f.culprits.length === 1 ? f.culprits[0] : undefined;
    const key = only === undefined ? `#${i}` : `${f.kind}\u0000${only.initialCall}\u0000${only.role ?? ""}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [f]);
    else g.push(f);
  });
  return [...groups.values()].map((g) => {
    const first = g[0] as Finding;
    const culprits = g.flatMap((x) => x.culprits);
    const c = culprits[0];
    const headline = g.length === 1 ? first.summary : `${g.length} × ${c?.initialCall ?? "?"}${c?.role === undefined ? "" : ` (${c.role})`}, e.g. ${first.summary}`;
    return { first, count: g.length, headline, culprits };
  });
}

/** `<0.2.0> (server), <0.3.0> (server) and 297 more`. */
export function culpritList(culprits: readonly Culprit[], max: number): string {
  const shown = culprits.slice(0, max);
  return `${shown.map((c) => `${c.pid}${c.role === undefined ? "" : ` (${c.role})`}`).join(", ")}${culprits.length > shown.length ? ` and ${culprits.length - shown.length} more` : ""}`;
}
