/**
 * Workload kit: binary BIFs with the BEAM's allocation (issue 12) — `binary_to_term/1`,
 * `binary:copy/1,2` and `binary:part/3` as OTP 25 runs them when called from compiled code
 * (`call_ext`: one reduction, the result placed with `HAlloc` — on the heap when `stop − htop`
 * less the call's stack words holds it, else in a heap fragment; then the after-BIF check,
 * `ctx.afterBif`).
 *
 * Owns, from the C source of OTP 25:
 *  - `binary_to_term(B)` (external.c binary_to_term_int): sizes the term first (decoded_size),
 *    then preallocates that many words with one HAlloc (erts_factory_proc_prealloc_init) and
 *    decodes into them; what the sizing over-estimated is released (erts_factory_close). Its
 *    BUMP_REDS: the units of decoded_size and dec_term / 128 (kit/etf-work.ts; 0 for
 *    lists:seq(1, 100), 23 for 1,000 elements, kit_bif_reds.json); it traps when those units
 *    exceed the slice's reductions × 128 (see {@link binaryToTerm}).
 *  - `binary:copy(B, N)` (erl_bif_binary.c do_binary_copy): a heap binary up to 64 bytes, else a
 *    new refc binary (its 6-word ProcBin on the heap, the bytes in the binary virtual heap);
 *    BUMP_REDS(bytes / 100) (`ctx.bif`). (`ctx.binaryCopy` places the result through a heap test
 *    instead — a collection the BIF never triggers; kit_blocks.json's binary_copy workloads
 *    follow HAlloc.)
 *  - `binary:part(B, Pos, Len)` (erl_bif_binary.c erts_binary_part): always in a heap fragment
 *    (HeapFragOnlyAlloc), never on the heap — a heap binary copy up to 64 bytes, else a 5-word
 *    sub-binary into B (the heap package's measured rule, binary-bifs.ts); kit_blocks.json's
 *    binary_part loop keeps the heap top still while the fragments grow to the after-BIF limit.
 * Each is checked against a recorded GC trace of a loop calling it (kit_blocks.json).
 * Invariant: the argument is not modified; the result is placed on `ctx.heap` (or a fragment).
 */
import { atom, Binary, binary, decodeEtf, LazyBytes, ON_HEAP_BINARY_LIMIT, SubBinary, type BitString, type Term } from "@beamlab/heap";
import { ErlangError, type Op, type ProcessContext } from "@beamlab/scheduler";
import { BIF_CALL_STACK_WORDS } from "./bifs.js";
import { bifCall } from "./bif-call.js";
import { B2T_UNITS_PER_REDUCTION, decodeCounts } from "./etf-work.js";

/** `BINARY_COPY_LOOP_FACTOR` of erl_bif_binary.c: bytes copied per reduction. */
const BINARY_COPY_LOOP_FACTOR = 100;

const badarg = (): never => {
  throw new ErlangError(atom("badarg"));
};

/** The byte window of a byte-aligned binary: its original and offset. */
function bytesOf(b: BitString): { orig: Binary; offset: number; size: number } {
  if (b.bitSize % 8 !== 0) return badarg();
  if (b instanceof Binary) return { orig: b, offset: 0, size: b.byteSize };
  if (b.bitOffset % 8 !== 0) return badarg();
  return { orig: b.orig, offset: b.bitOffset / 8, size: b.bitSize / 8 };
}

/** The result placed as HAlloc does, then the after-BIF check. */
function place<T extends Term>(ctx: ProcessContext, result: T): T {
  ctx.heap.allocBif(result, { check: false, reserve: BIF_CALL_STACK_WORDS });
  ctx.afterBif(result);
  return result;
}

/** `ERTS_MAGIC_REF_THING_SIZE`: the heap words of binary_to_term's exported state (a magic ref). */
const B2T_STATE_REF_WORDS = 3;
/**
 * B2TContext's size in words (OTP 25): what the magic ref to binary_to_term's exported state
 * adds to the binary virtual heap. Measured (kit_bif_reds.json's `traps`): after binary_to_term
 * of term_to_binary(lists:seq(1, 90000)) — 449,242 bytes, exported, not trapped — and of 180,000
 * elements (trapped once), bin_vheap_size is the input's words + 39.
 */
export const B2T_CONTEXT_VHEAP_WORDS = 39;

/**
 * `binary_to_term(B)`: the decoded term, placed with one HAlloc of its words (the factory's
 * preallocation, when decoding starts); BUMP_REDS of its passes' units / 128 (kit/etf-work.ts).
 * Over slices (binary_to_term_int): a budget of the reductions left × 128 per call; decoded_size
 * takes a unit per encoded term, dec_term those again plus arities and lengths. When the budget
 * runs out (or is exactly used up by the sizing) the state is exported — a 3-word magic ref by
 * HAlloc and the state's {@link B2T_CONTEXT_VHEAP_WORDS} in the binary virtual heap — the GC is
 * disabled (the first call only), BUMP_ALL_REDS, and erts_internal:binary_to_term_trap/1 goes
 * on in the next slice with a fresh budget; the last call enables the GC again and returns
 * through the export. A binary longer than the units left after sizing has its state exported
 * before decoding even when it does not trap (B2TDecodeInit).
 */
export function* binaryToTerm(ctx: ProcessContext, b: BitString): Generator<Op, Term, unknown> {
  yield* bifCall(ctx); // call_ext erlang:binary_to_term/1
  const w = bytesOf(b);
  let t: Term;
  try {
    t = decodeEtf(w.orig.slice(w.offset, w.offset + w.size));
  } catch {
    return badarg();
  }
  const { terms, extra } = decodeCounts(t);
  let budget = Math.max(0, ctx.reductionsLeft) * B2T_UNITS_PER_REDUCTION;
  let initial = budget;
  const state = { exported: false, trapped: false };
  const exportState = (): void => {
    ctx.heap.allocBifGarbage(B2T_STATE_REF_WORDS, { reserve: BIF_CALL_STACK_WORDS, vheap: B2T_CONTEXT_VHEAP_WORDS });
    state.exported = true;
  };
  const trap = function* (): Generator<Op, void, unknown> {
    if (!state.exported) exportState();
    if (!state.trapped) ctx.setGcEnabled(false); // erts_set_gc_state(p, 0) on the first call's trap
    state.trapped = true;
    yield* ctx.trap(); // BUMP_ALL_REDS, ERTS_BIF_PREP_TRAP1
    budget = initial = Math.max(0, ctx.reductionsLeft) * B2T_UNITS_PER_REDUCTION;
  };
  // decoded_size: it yields when the budget is used up before the last term; used up exactly by it, the do-while ends and the BIF traps too
  let sizing = terms;
  while (sizing >= budget) {
    sizing -= budget;
    yield* trap();
  }
  budget -= sizing;
  // B2TDecodeInit: the state exported first when the binary is longer than the units left; then the factory's preallocation
  if (!state.exported && w.size - 1 > budget) exportState();
  ctx.heap.allocBif(t, { check: false, reserve: BIF_CALL_STACK_WORDS });
  // dec_term: a unit per term, plus arities and lengths; done when the last unit fits
  let decoding = terms + extra;
  while (decoding > budget) {
    decoding -= budget;
    yield* trap();
  }
  budget -= decoding;
  ctx.bumpReductions(Math.floor((initial - budget) / B2T_UNITS_PER_REDUCTION));
  if (!state.trapped) {
    ctx.afterBif(t);
    return t;
  }
  ctx.setGcEnabled(true);
  ctx.afterCallBif(t);
  return t;
}

/** `binary:copy(B)` / `binary:copy(B, N)`: N copies of B's bytes in a new binary. */
export function* binaryCopy(ctx: ProcessContext, b: BitString, times = 1): Generator<Op, Binary, unknown> {
  if (!Number.isInteger(times) || times < 0) return badarg();
  yield* bifCall(ctx); // call_ext binary:copy/1,2 (a BIF)
  const w = bytesOf(b);
  const outSize = w.size * times;
  const src = w.orig.slice(w.offset, w.offset + w.size);
  // above 64 bytes a refc binary: its bytes are made only where read
  const data = outSize > ON_HEAP_BINARY_LIMIT ? new LazyBytes(outSize, src) : repeat(src, times);
  const traps = times > 1 && outSize - w.size >= Math.max(0, ctx.reductionsLeft) * BINARY_COPY_LOOP_FACTOR;
  // BUMP_REDS: never below 0 reductions left (erl_vm.h); BUMP_ALL_REDS when it traps (see ctx.binaryCopy's gap)
  const bumped = traps ? Number.MAX_SAFE_INTEGER : Math.floor(outSize / BINARY_COPY_LOOP_FACTOR);
  ctx.chargeCalls(Math.min(bumped, Math.max(0, ctx.reductionsLeft)));
  return place(ctx, data instanceof LazyBytes ? new Binary(data) : binary(data));
}

function repeat(src: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(src.length * n);
  for (let i = 0; i < n; i++) out.set(src, i * src.length);
  return out;
}

/** `binary:part(B, Pos, Len)`: a sub-binary of B (Len < 0 counts back from Pos). */
export function* binaryPart(ctx: ProcessContext, b: BitString, pos: number, len: number): Generator<Op, BitString, unknown> {
  yield* bifCall(ctx); // call_ext binary:part/3 (a BIF)
  const w = bytesOf(b);
  const [start, size] = len < 0 ? [pos + len, -len] : [pos, len];
  if (!Number.isInteger(start) || !Number.isInteger(size) || start < 0 || start + size > w.size) return badarg();
  const part = size <= ON_HEAP_BINARY_LIMIT ? new Binary(w.orig.slice(w.offset + start, w.offset + start + size)) : new SubBinary(w.orig, (w.offset + start) * 8, size * 8);
  ctx.heap.allocFragment(part, { check: false });
  ctx.afterBif(part);
  return part;
}
