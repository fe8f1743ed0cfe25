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
 * Rule 2's objects are marked visited with a temporary stamp (THROUGH_*) that is restored before
 * returning, even when the trace throws.
 * Cost: O(objects reached) time, O(depth-free) stack: an explicit array, no recursion.
 */
import { Tag } from "../term/tag.js";
import type { Cons, Term } from "../term/types.js";
import { integerWords, nodeWords, procBinVheapWords, pushChildren, pushObjects, type HeapObject } from "./node-words.js";
import { LITERAL, PENDING, stampOwner } from "./stamps.js";
import { BLOB_TAG, type Blob } from "./blob.js";

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

// Tags as module-local constants: V8's optimizing compiler folds them into the code, while each
// `Tag.X` (a property of an imported binding) stays a memory load in the hot paths below.
const T_CONS = Tag.Cons;
const T_FUN = Tag.Fun;
const T_TUPLE = Tag.Tuple;

/** Stamp of a missing rule: matches no object (stamps are > 0, LITERAL or PENDING). */
const NO_RULE = -1000;
/** Temporary stamps of the unstamped (0) and PENDING objects a trace went through (restored at its end). */
const THROUGH_UNSTAMPED = -3;
const THROUGH_PENDING = -4;

/**
 * Traces from `work` (consumed) applying `rules` (at most 3 are used in practice).
 *
 * Hot loop (every collection spends its time here): the rules are read into locals; a cons cell
 * — the common object — is handled inline, and the cells of a list that carry the same stamp are
 * re-stamped in one tight loop along the tails (heads are pushed); a kit blob is counted inline
 * too (its words; its children pushed as `pushChildren` pushes them); other objects go through
 * `nodeWords`/`pushChildren`. Objects traced through (stamp 0 or PENDING, rule 2 above) are marked
 * visited with a temporary stamp, restored before returning, instead of being kept in a Set.
 */
export function traceLive(work: Term[], rules: TraceRule[], opts: TraceOptions): void {
  const r0 = rules[0];
  const r1 = rules[1];
  const r2 = rules[2];
  const f0 = r0 === undefined ? NO_RULE : r0.from;
  const f1 = r1 === undefined ? NO_RULE : r1.from;
  const f2 = r2 === undefined ? NO_RULE : r2.from;
  const t0 = r0 === undefined ? NO_RULE : r0.to;
  const t1 = r1 === undefined ? NO_RULE : r1.to;
  const t2 = r2 === undefined ? NO_RULE : r2.to;
  const collecting = r0?.collect !== undefined || r1?.collect !== undefined || r2?.collect !== undefined;
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let through: HeapObject[] | undefined;
  try {
    while (work.length > 0) {
      let t = work.pop() as Term;
      for (;;) {
        if (typeof t !== "object") break;
        const st = (t as unknown as Partial<Stamped>).gcStamp;
        if (st === undefined) break; // atom or []
        const k = st === f0 ? 0 : st === f1 ? 1 : st === f2 ? 2 : -1;
        if (k >= 0) {
          const o = t as HeapObject;
          o.gcStamp = k === 0 ? t0 : k === 1 ? t1 : t2;
          if (collecting) (k === 0 ? r0 : k === 1 ? r1 : r2)?.collect?.push(o);
          if (o.tag === T_CONS && !collecting) {
            // Walk the list while its cells carry the same stamp: one tight loop per run of cells.
            const to = o.gcStamp;
            let c: Cons = o;
            let w = 0;
            let tl: Term;
            for (;;) {
              w += 2;
              const h = c.head;
              if (typeof h === "object") work.push(h);
              else if (typeof h === "bigint") w += integerWords(h);
              tl = c.tail;
              if (typeof tl !== "object") {
                if (typeof tl === "bigint") w += integerWords(tl);
                break;
              }
              if ((tl as unknown as Partial<Stamped>).gcStamp !== st || tl.tag !== T_CONS) break;
              tl.gcStamp = to;
              c = tl;
            }
            if (k === 0) w0 += w;
            else if (k === 1) w1 += w;
            else w2 += w;
            t = tl;
            continue;
          }
          if ((o.tag as number) === BLOB_TAG) {
            // a workload-kit run (about half the objects a kit workload's collections reach):
            // its words, no ProcBin, its children pushed as pushChildren pushes them
            const b = o as unknown as Blob;
            if (k === 0) w0 += b.words;
            else if (k === 1) w1 += b.words;
            else w2 += b.words;
            pushObjects(b.children as readonly Term[], work);
            break;
          }
          const w = nodeWords(o, true);
          if (k === 0) w0 += w;
          else if (k === 1) w1 += w;
          else w2 += w;
          const vh = procBinVheapWords(o);
          if (vh !== 0) (k === 0 ? (r0 as TraceRule) : k === 1 ? (r1 as TraceRule) : (r2 as TraceRule)).vheap += vh;
          pushChildren(o, work, true);
          break;
        }
        if (st === 0 || st === PENDING) {
          const o = t as HeapObject;
          o.gcStamp = st === 0 ? THROUGH_UNSTAMPED : THROUGH_PENDING;
          (through ??= []).push(o);
          pushChildren(o, work, false);
          break;
        }
        if (st === LITERAL || st === THROUGH_UNSTAMPED || st === THROUGH_PENDING) break;
        if (st === t0 || st === t1 || st === t2) break;
        if (opts.keep.includes(st)) break;
        if (opts.debug) {
          const owner = stampOwner(st);
          throw new UseOfCollectedTerm(
            owner === opts.heapId
              ? `a root reaches a term this heap already collected (stamp ${st}): the program kept a term it had let die`
              : owner !== 0
                ? `a root reaches a term on another process's heap (${owner}): terms must be copied between processes`
                : `a root reaches a term that is on none of this heap's generations (stamp ${st}): a term it already collected, or another process's term (terms must be copied between processes)`,
          );
        }
        break;
      }
    }
  } finally {
    if (r0 !== undefined) r0.words += w0;
    if (r1 !== undefined) r1.words += w1;
    if (r2 !== undefined) r2.words += w2;
    if (through !== undefined) for (const o of through) o.gcStamp = o.gcStamp === THROUGH_UNSTAMPED ? 0 : PENDING;
  }
}

/** What {@link claimFresh} returns: read it at once (one object, overwritten by the next call). */
export interface Claimed {
  readonly words: number;
  readonly vheap: number;
}
const CLAIMED = { words: 0, vheap: 0 };
function claimed(words: number, vheap: number): Claimed {
  CLAIMED.words = words;
  CLAIMED.vheap = vheap;
  return CLAIMED;
}
/** claimFresh's work stack, reused (it is empty between calls; claimFresh calls nothing that claims). */
const CLAIM_WORK: Term[] = [];

/**
 * Collects the objects of `term` that are not on any heap yet (stamp 0), marking them PENDING so
 * each is counted once; immediates, literals and objects already on a heap are not descended.
 * Returns the words they will occupy and their binary virtual heap words.
 */
export function claimFresh(term: Term, out: HeapObject[]): Claimed {
  // Fast path: one new cons whose head and tail are already placed (list building).
  if (typeof term === "object" && term.tag === T_CONS && (term as unknown as Stamped).gcStamp === 0) {
    const c = term;
    if (!unclaimed(c.head) && !unclaimed(c.tail)) {
      c.gcStamp = PENDING;
      out.push(c);
      return claimed(nodeWords(c, false), 0);
    }
  }
  // Fast path: one new non-empty tuple whose elements are all placed or immediate (a message, a
  // reply): the general loop below would claim it alone, with vheap 0.
  if (typeof term === "object" && term.tag === T_TUPLE && (term as unknown as Stamped).gcStamp === 0 && term.elements.length > 0 && !term.elements.some(unclaimed)) {
    term.gcStamp = PENDING;
    out.push(term);
    return claimed(nodeWords(term, false), 0);
  }
  let words = 0;
  let vheap = 0;
  const work = CLAIM_WORK;
  if (work.length !== 0) work.length = 0; // left over by a call that threw
  work.push(term);
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
  return claimed(words, vheap);
}

function unclaimed(t: Term): boolean {
  return typeof t === "object" && (t as unknown as Stamped).gcStamp === 0;
}

/** `fun M:F/A` values are literals on the BEAM (`erlang:make_fun/3` costs 0 heap words). */
function isExternalFunLiteral(o: HeapObject): boolean {
  return o.tag === T_FUN && (o as { external?: boolean }).external === true;
}
