/**
 * Iterative liveness tracing: the one traversal every collector uses.
 *
 * Owns: `traceLive` — starting from root terms, visit every heap object of the generations a
 * collection evacuates, re-stamp it into its destination generation and count its words.
 *
 * Rules, checked in this order for each object reached:
 *  1. its stamp is a rule's `from`: it is live — re-stamp it `to`, count its words (as the GC
 *     copies it: small byte-aligned sub-binaries become heap binaries), trace its children;
 *  2. its stamp is 0 (never placed on a heap) or PENDING (being placed by the allocation that
 *     triggered this GC): it costs nothing here, but what it points to is live — trace through it
 *     once. (This is how operands of the pending allocation and unmarked constants keep their
 *     children alive; a constant marked LITERAL is not descended, like the BEAM's literal area.)
 *  3. anything else is not evacuated: LITERAL, an object already re-stamped by this trace (a
 *     rule's `to`), or a generation the collection leaves in place (`keep`, e.g. the old heap in
 *     a minor collection — its objects cannot point into the young generation, see minor.ts).
 *  4. otherwise the stamp belongs to another heap, or is a stale stamp of this heap (the object
 *     was collected): reaching it is a modelling error, thrown in debug mode and ignored otherwise.
 * Cost: O(objects reached) time, O(depth-free) stack: an explicit array, no recursion.
 */
import { Tag } from "../term/tag.js";
import type { Term } from "../term/types.js";
import { nodeWords, procBinVheapWords, pushChildren, type HeapObject } from "./node-words.js";
import { LITERAL, PENDING, stampOwner } from "./stamps.js";

export interface TraceRule {
  readonly from: number;
  readonly to: number;
  /** Out: words of the live objects moved by this rule (as copied by the GC). */
  words: number;
  /** Out: binary virtual heap words (ProcBin size/8) of the live objects moved by this rule. */
  vheap: number;
  /** Out: objects moved, when `collect` is set. */
  readonly collect?: HeapObject[];
}

export interface TraceOptions {
  readonly heapId: number;
  /** Stamps left in place (not evacuated, not descended). */
  readonly keep: readonly number[];
  readonly debug: boolean;
}

export class UseOfCollectedTerm extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "UseOfCollectedTerm";
  }
}

interface Stamped {
  gcStamp: number;
}

/** Traces from `work` (consumed) applying `rules` (at most 3 are used in practice). */
export function traceLive(work: Term[], rules: TraceRule[], opts: TraceOptions): void {
  const r0 = rules[0];
  const r1 = rules[1];
  const r2 = rules[2];
  let throughUnstamped: Set<object> | undefined;
  while (work.length > 0) {
    const t = work.pop() as Term;
    if (typeof t !== "object") continue;
    const st = (t as unknown as Partial<Stamped>).gcStamp;
    if (st === undefined) continue; // atom or []
    const rule = st === r0?.from ? r0 : st === r1?.from ? r1 : st === r2?.from ? r2 : undefined;
    if (rule !== undefined) {
      const o = t as HeapObject;
      o.gcStamp = rule.to;
      rule.words += nodeWords(o, true);
      rule.vheap += procBinVheapWords(o);
      rule.collect?.push(o);
      pushChildren(o, work, true);
      continue;
    }
    if (st === 0 || st === PENDING) {
      throughUnstamped ??= new Set();
      if (!throughUnstamped.has(t)) {
        throughUnstamped.add(t);
        pushChildren(t as HeapObject, work, false);
      }
      continue;
    }
    if (st === LITERAL) continue;
    if (st === r0?.to || st === r1?.to || st === r2?.to) continue;
    if (opts.keep.includes(st)) continue;
    if (opts.debug) {
      const owner = stampOwner(st);
      throw new UseOfCollectedTerm(
        owner === opts.heapId
          ? `a root reaches a term this heap already collected (stamp ${st}): the program kept a term it had let die`
          : `a root reaches a term on another process's heap (${owner}): terms must be copied between processes`,
      );
    }
  }
}

/**
 * Collects the objects of `term` that are not on any heap yet (stamp 0), marking them PENDING so
 * each is counted once; immediates, literals and objects already on a heap are not descended.
 * Returns the words they will occupy and their binary virtual heap words.
 */
export function claimFresh(term: Term, out: HeapObject[]): { words: number; vheap: number } {
  // Fast path: one new cons whose head and tail are already placed (list building).
  if (typeof term === "object" && term.tag === Tag.Cons && (term as unknown as Stamped).gcStamp === 0) {
    const c = term;
    if (!unclaimed(c.head) && !unclaimed(c.tail)) {
      c.gcStamp = PENDING;
      out.push(c);
      return { words: nodeWords(c, false), vheap: 0 };
    }
  }
  let words = 0;
  let vheap = 0;
  const work: Term[] = [term];
  while (work.length > 0) {
    const t = work.pop() as Term;
    if (typeof t !== "object") continue;
    const o = t as HeapObject;
    if ((o as unknown as Stamped).gcStamp !== 0) continue;
    const w = nodeWords(o, false);
    if (w === 0) continue; // local pid/port (immediates), `{}` (a global literal)
    if (isExternalFunLiteral(o)) continue;
    o.gcStamp = PENDING;
    out.push(o);
    words += w;
    vheap += procBinVheapWords(o);
    pushChildren(o, work, false);
  }
  return { words, vheap };
}

function unclaimed(t: Term): boolean {
  return typeof t === "object" && (t as unknown as Stamped).gcStamp === 0;
}

/** `fun M:F/A` values are literals on the BEAM (`erlang:make_fun/3` costs 0 heap words). */
function isExternalFunLiteral(o: HeapObject): boolean {
  return o.tag === Tag.Fun && (o as { external?: boolean }).external === true;
}
