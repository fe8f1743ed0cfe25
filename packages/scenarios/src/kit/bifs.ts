/**
 * Workload kit: conversion BIFs with the BEAM's allocation (issue 12).
 *
 * Owns: `integer_to_list/1`, `integer_to_binary/1`, `atom_to_list/1`, `binary_to_list/1`,
 * `list_to_binary/1`, `iolist_to_binary/1` and `term_to_binary/1` as OTP 25 runs them when called
 * from compiled code (`call_ext erlang:F/1`): one reduction for the call, the result built with
 * one `HAlloc` of its exact size (on the heap when `stop − htop` holds it, else in a heap
 * fragment), then the after-BIF check (`ctx.afterBif`: OTP 25's call_light_bif collects when
 * 8 × the free words < the fragment words + 3 — Scheduler.afterLightBif), the result live. A binary result
 * of more than 64 bytes is a refc binary: its 6-word ProcBin is what the heap gets, its bytes
 * count in the binary virtual heap. Each is checked against a recorded GC trace of a loop
 * calling it (tooling/beam-oracle/recorders/kit_blocks.escript).
 * list_to_binary/iolist_to_binary count their passes' reductions and trap on large iolists
 * (kit/list-to-binary.ts, checked against l2b_traps.json).
 * Each call's reductions (the call's 1 plus the BIF's BUMP_REDS) are checked one by one against
 * kit_bif_reds.json (a process that never collects): binary_to_list's bytes / 256 and
 * term_to_binary's passes (kit/etf-work.ts) are charged.
 * Invariant: the input is not modified; the result is placed on `ctx.heap` (or a fragment).
 */
import { Binary, binary, charlist, Cons, encodeEtf, nil, type Atom, type Term } from "@beamlab/heap";
import { BIF_CALL_STACK_WORDS, type Op, type ProcessContext } from "@beamlab/scheduler";
import { bifCall } from "./bif-call.js";
import { TermToBinaryPasses, termToBinaryWork, TTB_TRAP_STATE_WORDS } from "./etf-work.js";
import { iolistShape, L2B_MIN_EXEC_REDS, L2B_RESCHED_REDS, listToBinaryShaped } from "./list-to-binary.js";

/**
 * Words between the free space a heap test sees and what a BIF's `HAlloc` may use (the call's
 * return address and the runtime frame the JIT pushes), one value for the whole model
 * (@beamlab/scheduler's constant, `ctx.bifResult`): taken from kit_blocks.json — an
 * integer_to_list result of 20 words goes to a fragment with 22 words free, a 4-word
 * integer_to_binary result with 6; lists:reverse/2's on-heap limit (lists.ts) needs the same 3
 * (two calls there that hit the limit: 84 cells into 172 free words, 1,054 into 2,113).
 * Open: gen-server-work's work/1 measured 2 for integer_to_list there (integer-to-list.ts) — the
 * two may be one rule, e.g. the runtime call's 16-byte stack alignment adding a pad word at one
 * stack parity; not verified yet, so each caller keeps the value measured for it.
 */
export { BIF_CALL_STACK_WORDS };

/** The call (preemption check first, as call_light_bif), the result placed as one HAlloc, then the after-BIF check. */
function* bifResult<T extends Term>(ctx: ProcessContext, result: T): Generator<Op, T, unknown> {
  yield* bifCall(ctx); // call_ext erlang:F/A
  return ctx.bifResult(result);
}

/** `integer_to_list(I)`: 2 words per digit (and the sign). */
export function integerToList(ctx: ProcessContext, i: number | bigint): Generator<Op, Term, unknown> {
  return bifResult(ctx, charlist(String(i)));
}

/** `integer_to_binary(I)`: a heap binary of the digits (2 words + the bytes in words). */
export function integerToBinary(ctx: ProcessContext, i: number | bigint): Generator<Op, Binary, unknown> {
  return bifResult(ctx, binary(String(i)));
}

/** `atom_to_list(A)`: 2 words per character (Latin-1 names). */
export function atomToList(ctx: ProcessContext, a: Atom): Generator<Op, Term, unknown> {
  return bifResult(ctx, charlist(a.name));
}

/** `ERTS_B2L_BYTES_PER_REDUCTION` of binary.c. */
const B2L_BYTES_PER_REDUCTION = 256;

/**
 * `binary_to_list(B)`: 2 words per byte, one HAlloc. Its reductions (binary.c binary_to_list_1,
 * OTP 25): with R = ERTS_BIF_REDS_LEFT, a binary of fewer than R × 256 bytes is one chunk,
 * BUMP_REDS((bytes − 1) / 256 + 1) on top of the call; a binary under L2B_B2L_MIN_EXEC_REDS × 256
 * bytes is one chunk too (run as if with 1,000 reductions), after a yield first when R ≤
 * L2B_B2L_RESCHED_REDS (ERTS_BIF_YIELD1: the call again through the export, a fresh slice).
 * Measured (kit_bif_reds.json): 100 bytes cost 2 reductions, 1,000 5, 10,000 41, 20,000 80.
 * Larger binaries trap in chunks with their state in a magic binary: not modelled (a
 * `RangeError` names the limit).
 */
export function* binaryToList(ctx: ProcessContext, b: Binary): Generator<Op, Term, unknown> {
  yield* bifCall(ctx); // call_ext erlang:binary_to_list/1
  const size = b.byteSize;
  let viaExport = false;
  let r = Math.max(0, ctx.reductionsLeft);
  if (size >= r * B2L_BYTES_PER_REDUCTION) {
    if (size >= L2B_MIN_EXEC_REDS * B2L_BYTES_PER_REDUCTION) throw new RangeError(`binaryToList: ${size} bytes with ${r} reductions left would make binary_to_list/1 trap in chunks; not modelled`);
    if (r <= L2B_RESCHED_REDS) {
      yield* ctx.trap({ virtual: true });
      viaExport = true;
      r = ctx.reductionsLeft;
    }
  }
  const list = charlist(String.fromCharCode(...b.slice(0, size)));
  if (size === 0) return list;
  ctx.bumpReductions(Math.floor((size - 1) / B2L_BYTES_PER_REDUCTION) + 1);
  ctx.heap.allocBif(list, { check: false, reserve: BIF_CALL_STACK_WORDS });
  if (viaExport) ctx.afterCallBif(list);
  else ctx.afterBif(list);
  return list;
}

/**
 * `list_to_binary(IoList)`: a heap binary up to 64 bytes, else a refc binary (a 6-word ProcBin);
 * its passes' reductions and its traps on large iolists as kit/list-to-binary.ts models them.
 */
export function listToBinary(ctx: ProcessContext, iolist: Term): Generator<Op, Binary, unknown> {
  // `[Bin]` is answered with Bin itself (after the reductions check)
  const only = iolist instanceof Cons && iolist.head instanceof Binary && iolist.tail === nil ? iolist.head : undefined;
  const bytes: number[] = [];
  if (only === undefined) iolistBytes(iolist, bytes);
  return listToBinaryShaped(ctx, iolistShape(iolist), () => binary(bytes), BIF_CALL_STACK_WORDS, only);
}

/** The bytes of an iolist (bytes 0..255, binaries, nested lists). */
function iolistBytes(t: Term, out: number[]): void {
  if (t instanceof Binary) {
    for (const x of t.slice(0, t.bitSize / 8)) out.push(x);
    return;
  }
  let rest: unknown = t;
  while (typeof rest === "object" && rest !== null && "head" in rest && "tail" in rest) {
    const h = (rest as { head: Term }).head;
    if (typeof h === "number") out.push(h);
    else iolistBytes(h, out);
    rest = (rest as { tail: unknown }).tail;
  }
  if (rest instanceof Binary) iolistBytes(rest, out);
}

/** `iolist_to_binary(IoList)`: as {@link listToBinary}; a binary is returned as it is. */
export function iolistToBinary(ctx: ProcessContext, iolist: Term): Generator<Op, Binary, unknown> {
  return iolist instanceof Binary ? sameBinary(ctx, iolist) : listToBinary(ctx, iolist);
}

/** `iolist_to_binary(Bin)`: Bin itself, for the call's reduction. */
function* sameBinary(ctx: ProcessContext, b: Binary): Generator<Op, Binary, unknown> {
  yield* ctx.call();
  return b;
}

/**
 * `ERTS_MAGIC_BIN_DATA`'s size for term_to_binary's state (TTBContext, OTP 25) in words: what each
 * magic ref to it adds to the binary virtual heap (erts_mk_magic_ref's OH_OVERHEAD). Measured:
 * after a term_to_binary of lists:seq(1, 70000) that trapped once, bin_vheap_size is 43,686 —
 * the 349,242-byte result's 43,655 words and 31.
 */
export const TTB_CONTEXT_VHEAP_WORDS = 31;

/**
 * `term_to_binary(T)`: the external term format (the heap package's encoder), as a binary.
 * Reductions (external.c erts_term_to_binary_int, OTP 25): the size and encode passes' units
 * from a budget of the reductions left × 32 (kit/etf-work.ts); a result of at most 64 bytes
 * (ERL_ONHEAP_BINARY_LIMIT) is built in one go with BUMP_REDS(1), a larger one charges the
 * passes' units / 32 — lists:seq(1, 1000) 70 on top of the call (kit_bif_reds.json).
 * Where the budget runs out the BIF traps: RETURN_STATE allocates a magic ref and the 4-tuple
 * passed to erts_internal:term_to_binary_trap/1 (8 words by HAlloc, garbage once the next call
 * runs; each ref adds the state's {@link TTB_CONTEXT_VHEAP_WORDS} to the binary virtual heap),
 * BUMP_ALL_REDS, and the passes continue in the next slice with a fresh budget; the GC stays
 * enabled. The result comes back through the trap's export (beam_jit_call_bif's check).
 * Not modelled: a binary inside the term copied over several slices (a `RangeError`), and a
 * collection between the trap's slices keeps the BEAM's current 8-word state live (the model
 * counts it garbage).
 */
export function* termToBinary(ctx: ProcessContext, t: Term): Generator<Op, Binary, unknown> {
  yield* bifCall(ctx); // call_ext erlang:term_to_binary/1
  const b = binary(encodeEtf(t));
  const work = termToBinaryWork(t, b.byteSize, ctx.reductionsLeft);
  if (!work.traps) {
    ctx.bumpReductions(work.reductions);
    return ctx.bifResult(b);
  }
  const passes = new TermToBinaryPasses(t, b.byteSize);
  let step = passes.step(ctx.reductionsLeft);
  while (!step.done) {
    ctx.heap.allocBifGarbage(TTB_TRAP_STATE_WORDS, { reserve: BIF_CALL_STACK_WORDS, vheap: TTB_CONTEXT_VHEAP_WORDS });
    yield* ctx.trap(); // BUMP_ALL_REDS; erts_internal:term_to_binary_trap/1 in the next slice
    step = passes.step(ctx.reductionsLeft);
  }
  ctx.bumpReductions(step.reductions);
  ctx.heap.allocBif(b, { check: false, reserve: BIF_CALL_STACK_WORDS });
  ctx.afterCallBif(b);
  return b;
}
