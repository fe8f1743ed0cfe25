/**
 * Receive patterns: what a `receive` clause matches.
 *
 * Owns: the {@link Pattern} type and a few builders. A pattern is a predicate on the message
 * term; a receive takes the first queued message (in arrival order, from where the current
 * receive stopped scanning) for which it is true. Builders cover the common Erlang shapes:
 * `any`, `eq(term)` (=:=), `tagged("msg")` (a tuple whose first element is the atom), and
 * `tuple(p1, p2, …)` (element-wise, `anyTerm` as `_`).
 * Invariant: a pattern must not throw and must not touch any heap (it only reads the term).
 */
import { atom, equals, Tag, type Term } from "@beamlab/heap";

export type Pattern = (message: Term) => boolean;

export const any: Pattern = () => true;

/** `_` inside {@link tuple}. */
export const anyTerm: Pattern = any;

/** Matches a term exactly equal (`=:=`) to `t`. */
export function eq(t: Term): Pattern {
  return (m) => m === t || equals(m, t);
}

/** Matches a tuple whose first element is the atom `name` (e.g. `{msg, _}`), of any arity unless given. */
export function tagged(name: string, arity?: number): Pattern {
  const a = atom(name);
  return (m) => typeof m === "object" && m.tag === Tag.Tuple && m.elements[0] === a && (arity === undefined || m.elements.length === arity);
}

/** Matches a tuple of exactly these element patterns (a non-function element must be `=:=`). */
export function tuple(...elements: readonly (Pattern | Term)[]): Pattern {
  const ps: Pattern[] = elements.map((e) => (typeof e === "function" ? e : eq(e)));
  return (m) => {
    if (typeof m !== "object" || m.tag !== Tag.Tuple || m.elements.length !== ps.length) return false;
    for (let i = 0; i < ps.length; i++) if (!(ps[i] as Pattern)(m.elements[i] as Term)) return false;
    return true;
  };
}

/** Matches when any of `ps` matches. */
export function oneOf(...ps: readonly Pattern[]): Pattern {
  return (m) => ps.some((p) => p(m));
}
