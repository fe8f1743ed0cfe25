/**
 * Workload kit: the work `term_to_binary/1` and `binary_to_term/1` count, in the units their
 * reduction budgets are kept in (external.c, OTP 25; issue 12).
 *
 * Owns the two counts and where they run out:
 *  - term_to_binary (erts_term_to_binary_int): a budget of ERTS_BIF_REDS_LEFT × 32 units
 *    (TERM_TO_BINARY_LOOP_FACTOR) shared by two passes. The size pass (encode_size_struct_int)
 *    takes one unit at the top of each loop turn — one per term it visits: a list counts itself,
 *    each element and its tail; a tuple itself and its elements; a map itself, each HAMT node
 *    below its head, and each key and value — and, for every list, half the number of leading
 *    elements that are bytes (is_external_string's count: a string's whole length); a negative
 *    remainder is clamped to 0 when the pass ends. The encode pass (enc_term_int) takes one unit
 *    for each term it pops from its stack (every term but the top one; a non-string list's
 *    cells one each, its tail one), for every non-string list again half its leading bytes, and
 *    for a string its whole length. A result of at most 64 bytes is built in one go with
 *    BUMP_REDS(1) instead; a larger one with BUMP_REDS((budget − left) / 32).
 *    Measured (kit_bif_reds.json): lists:seq(1, N) costs 1 + (2N + 257) / 32 for N > 255
 *    (the size pass N + 2 + 127, the encode N + 1 + 127), 1 + (1 + 3N/2) / 32 for a string.
 *  - binary_to_term (binary_to_term_int): a budget of ERTS_BIF_REDS_LEFT × 128 units
 *    (B2T_BYTES_PER_REDUCTION). decoded_size takes one unit per encoded term (a STRING_EXT is
 *    one term); dec_term one per term again, plus a tuple's arity, a list's length − 1, a
 *    string's length and a binary's bytes / 8 (B2T_MEMCPY_FACTOR); BUMP_REDS(units / 128).
 *    The binary is taken as term_to_binary writes it (the decoded term's canonical encoding:
 *    a proper list of at most 65,535 bytes is a STRING_EXT).
 * Where a budget runs out the BIF traps (its state in a magic binary, continued in the next
 * slices): {@link TtbWork.traps} says so for term_to_binary; term_to_binary's passes over
 * several calls are {@link TermToBinaryPasses}; binary_to_term's are counted by
 * {@link decodeCounts} and followed slice by slice in kit/binaries.ts.
 * Invariant: the terms are only read.
 */
import { Binary, Cons, ErlMap, hamtLayout, HamtNode, isFlatmap, LocalFun, nil, SubBinary, Tuple, type Term } from "@beamlab/heap";

/** `TERM_TO_BINARY_LOOP_FACTOR` of external.c: units per reduction. */
export const TTB_UNITS_PER_REDUCTION = 32;
/** `B2T_BYTES_PER_REDUCTION` of external.c: units per reduction. */
export const B2T_UNITS_PER_REDUCTION = 128;
/** `B2T_MEMCPY_FACTOR`: bytes of a binary per unit. */
const B2T_MEMCPY_FACTOR = 8;
/** `MAX_STRING_LEN`: the longest list encoded as a STRING_EXT. */
const MAX_STRING_LEN = 0xffff;

/** is_external_string: the leading elements that are bytes (65,536 when there are more), and whether the list is a string. */
function externalString(list: Cons): { len: number; isString: boolean } {
  let len = 0;
  let t: Term = list;
  while (t instanceof Cons) {
    const h = t.head;
    if (typeof h !== "number" || !Number.isInteger(h) || h < 0 || h > 255) return { len, isString: false };
    if (++len > MAX_STRING_LEN) return { len, isString: false };
    t = t.tail;
  }
  return { len, isString: t === nil };
}

/** The terms below a term in the order the passes visit them (their count is what matters). */
function children(t: Term, visit: (c: Term | HamtNode) => void): void {
  if (t instanceof Tuple) for (const e of t.elements) visit(e);
  else if (t instanceof ErlMap) {
    if (isFlatmap(t)) {
      for (let i = 0; i < t.keys.length; i++) {
        visit(t.keys[i] as Term);
        visit(t.values[i] as Term);
      }
    } else if (t.keys.length > 0) nodeChildren(hamtLayout(t), visit);
  } else if (t instanceof LocalFun) for (const f of t.free) visit(f);
}

function nodeChildren(node: HamtNode, visit: (c: Term | HamtNode) => void): void {
  for (const c of node.children) {
    if (typeof c === "number") {
      visit(node.map.keys[c] as Term);
      visit(node.map.values[c] as Term);
    } else visit(c);
  }
}

/** A unit counter with the budget check of both passes: `tick` is `--r <= 0`. */
class Budget {
  private out = false;
  constructor(public r: number) {}
  /** `--r <= 0`: true once the budget ran out. */
  tick(): boolean {
    if (--this.r <= 0) this.out = true;
    return this.out;
  }
  /** The pass stopped to yield. */
  exhausted(): boolean {
    return this.out;
  }
  /** A copy that does not fit what is left: yield. */
  exhaust(): void {
    this.out = true;
  }
  /** A new call of the BIF (a trap's continuation): a fresh budget. */
  refill(r: number): void {
    this.r = r;
    this.out = false;
  }
  take(n: number): void {
    this.r -= n;
  }
}

/** What term_to_binary's passes take from a budget of `r0` units. */
export interface TtbWork {
  /** A budget ran out: the BIF would trap. */
  readonly traps: boolean;
  /** The reductions BUMP_REDS charges on top of the call (when it does not trap). */
  readonly reductions: number;
}

/**
 * term_to_binary's work on `t` (whose encoding is `bytes` long, the version byte included)
 * with `redsLeft` reductions left (ERTS_BIF_REDS_LEFT when the BIF starts).
 */
export function termToBinaryWork(t: Term, bytes: number, redsLeft: number): TtbWork {
  const step = new TermToBinaryPasses(t, bytes).step(redsLeft);
  return { traps: !step.done, reductions: step.reductions };
}

/** `ERTS_MAGIC_REF_THING_SIZE + 1 + 4`: the words RETURN_STATE allocates at each trap (a magic ref and the 4-tuple passed to the continuation). */
export const TTB_TRAP_STATE_WORDS = 8;

/**
 * term_to_binary's passes as they run over several calls when they trap: each call
 * ({@link step}) gets a fresh budget of its reductions left × 32 and continues where the last
 * one stopped — the size pass re-ticks the term it stopped at (the loop's top runs again), the
 * encode pass encodes the popped term it stopped at without another tick.
 */
export class TermToBinaryPasses {
  private readonly budget = new Budget(0);
  private readonly passes: Generator<void, void, unknown>;
  private simple = false;

  constructor(t: Term, bytes: number) {
    this.passes = this.run(t, bytes);
  }

  private *run(t: Term, bytes: number): Generator<void, void, unknown> {
    const b = this.budget;
    yield* resumableSizePass(t, b);
    if (b.r < 0) b.r = 0;
    if (bytes <= 64) {
      this.simple = true;
      return;
    }
    yield* resumableEncodePass(t, b);
  }

  /** One call of the BIF with `redsLeft` reductions left: done (and its BUMP_REDS), or it traps again. */
  step(redsLeft: number): { readonly done: boolean; readonly reductions: number } {
    const initial = Math.max(0, redsLeft) * TTB_UNITS_PER_REDUCTION;
    this.budget.refill(initial);
    if (!(this.passes.next().done ?? false)) return { done: false, reductions: 0 };
    if (this.simple) return { done: true, reductions: 1 };
    return { done: true, reductions: Math.floor((initial - this.budget.r) / TTB_UNITS_PER_REDUCTION) };
  }
}

/** encode_size_struct_int's units (a tick per term visited, half of each list's leading bytes), yielding where the budget runs out (the same term ticks again on resume). */
function* resumableSizePass(top: Term, b: Budget): Generator<void, void, unknown> {
  const stack: (Term | HamtNode)[] = [top];
  while (stack.length > 0) {
    const obj = stack.pop() as Term | HamtNode;
    while (b.tick()) yield;
    if (obj instanceof HamtNode) {
      nodeChildren(obj, (c) => stack.push(c));
      continue;
    }
    if (obj instanceof Cons) {
      const { len, isString } = externalString(obj);
      b.take(Math.floor(len / 2));
      if (isString) continue;
      pushCells(obj, stack);
      continue;
    }
    children(obj, (c) => stack.push(c));
  }
}

/** enc_term_int's units (a tick per term popped, not the top one; the lists' byte counts), yielding where the budget runs out (the popped term is encoded on resume). */
function* resumableEncodePass(top: Term, b: Budget): Generator<void, void, unknown> {
  const stack: (Term | HamtNode)[] = [];
  let obj: Term | HamtNode = top;
  for (;;) {
    if (obj instanceof HamtNode) nodeChildren(obj, (c) => stack.push(c));
    else if (obj instanceof Cons) {
      const { len, isString } = externalString(obj);
      if (isString) b.take(len);
      else {
        b.take(Math.floor(len / 2));
        pushCells(obj, stack);
      }
    } else if (obj instanceof Binary || obj instanceof SubBinary) {
      if (Math.ceil(obj.bitSize / 8) > b.r * 8) throw new RangeError("termToBinary: a binary copied over several slices (ENC_BIN_COPY) is not modelled");
    } else children(obj, (c) => stack.push(c));
    if (stack.length === 0) return;
    obj = stack.pop() as Term | HamtNode;
    if (b.tick()) yield;
  }
}

/** A list's elements then its tail, pushed so that the first element pops first. */
function pushCells(list: Cons, stack: (Term | HamtNode)[]): void {
  const cells: Term[] = [];
  let t: Term = list;
  while (t instanceof Cons) {
    cells.push(t.head);
    t = t.tail;
  }
  stack.push(t);
  for (let i = cells.length - 1; i >= 0; i--) stack.push(cells[i] as Term);
}

/** The encoded terms of `top` and dec_term's extra units (tuple arities, list lengths − 1, string lengths, binary bytes / 8). */
export function decodeCounts(top: Term): { terms: number; extra: number } {
  let terms = 0;
  let extra = 0;
  const stack: (Term | HamtNode)[] = [top];
  while (stack.length > 0) {
    const obj = stack.pop() as Term | HamtNode;
    if (obj instanceof HamtNode) {
      nodeChildren(obj, (c) => stack.push(c)); // a MAP_EXT has no node terms
      continue;
    }
    if (obj instanceof LocalFun) throw new RangeError("binaryToTerm: the reductions of decoding a fun (NEW_FUN_EXT) are not modelled");
    terms++;
    if (obj instanceof Cons) {
      const { len, isString } = externalString(obj);
      if (isString && len <= MAX_STRING_LEN) {
        extra += len;
        continue;
      }
      let n = 0;
      let t: Term = obj;
      while (t instanceof Cons) {
        stack.push(t.head);
        n++;
        t = t.tail;
      }
      stack.push(t);
      extra += n - 1;
      continue;
    }
    if (obj instanceof Tuple) extra += obj.elements.length;
    else if (obj instanceof Binary || obj instanceof SubBinary) extra += Math.floor(Math.ceil(obj.bitSize / 8) / B2T_MEMCPY_FACTOR);
    children(obj, (c) => stack.push(c));
  }
  return { terms, extra };
}
