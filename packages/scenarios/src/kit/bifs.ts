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
 * FREE CHOICE: the other BIFs' own BUMP_REDS (input length / a per-BIF factor, and the trapping
 * of term_to_binary on large inputs) are not charged — a gap in preemption points, not in heap
 * words; the traces are single-process.
 * Invariant: the input is not modified; the result is placed on `ctx.heap` (or a fragment).
 */
import { Binary, binary, charlist, Cons, encodeEtf, nil, type Atom, type Term } from "@beamlab/heap";
import { BIF_CALL_STACK_WORDS, type Op, type ProcessContext } from "@beamlab/scheduler";
import { bifCall } from "./bif-call.js";
import { iolistShape, listToBinaryShaped } from "./list-to-binary.js";

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

/** `binary_to_list(B)`: 2 words per byte. */
export function binaryToList(ctx: ProcessContext, b: Binary): Generator<Op, Term, unknown> {
  return bifResult(ctx, charlist(String.fromCharCode(...b.slice(0, b.bitSize / 8))));
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

/** `term_to_binary(T)`: the external term format (the heap package's encoder), as a binary. */
export function termToBinary(ctx: ProcessContext, t: Term): Generator<Op, Binary, unknown> {
  return bifResult(ctx, binary(encodeEtf(t)));
}
