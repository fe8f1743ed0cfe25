/**
 * `list_to_binary/1` (and `iolist_to_binary/1`) as OTP 25 runs it (erts/emulator/beam/binary.c
 * erts_list_to_binary_bif, utils.c iolist_size / iolist_to_buf): two passes over the iolist
 * that count their work in *items* — one per cons cell walked, one per nested list's end popped
 * from the pass's stack — 8 items to a reduction, and trap when the slice's reductions run out.
 *
 * Steps (each checked against tooling/beam-oracle/recorders/l2b_traps.escript's trace):
 * 1. Reductions left `R` (after the call's own). `R ≤ 100`: the BIF yields before starting
 *    (the `R` are virtual: not counted in `reductions`) and is called again (through its
 *    export) in the next slice. `R < 1000`: it runs as if it had
 *    1000 (BUMP_REDS never takes the slice below 0, so the extra is free).
 * 2. Size pass: `8R − 1` items fit. Done → BUMP_REDS(⌈items / 8⌉); the binary is made
 *    (`new_binary`: a 6-word ProcBin by HAlloc, the bytes off the heap). Then the fast path when
 *    the copy's estimate `⌈items / 8⌉ + bytes / 256` fits the reductions left: copy, BUMP_REDS
 *    that estimate, return (call_light_bif's after-BIF check).
 * 3. Otherwise a yielding copy pass (again `8R − 1` items per slice). At the first yield of
 *    either pass the state moves into a magic binary: a 3-word magic ref by HAlloc and 26 words
 *    (the state's size, measured in bin_vheap_size) added to the binary virtual heap; the GC is
 *    disabled (F_DISABLE_GC) and the process traps (BUMP_ALL_REDS, scheduled out) to
 *    erts_internal:list_to_binary_continue/1, which runs the rest slice by slice. When the last
 *    pass is done the GC is enabled again and the result returns through beam_jit_call_bif's
 *    check (ERTS_IS_GC_DESIRED in words: {@link ProcessContext.afterCallBif}), the result live.
 * The same rule applies after a yield-first (step 1): the BIF returns through its export.
 * Invariant: the iolist is only read; the result is the sole heap term the BIF leaves live.
 */
import { Binary, Cons, type Term } from "@beamlab/heap";
import { CONTEXT_REDS, type Op, type ProcessContext } from "@beamlab/scheduler";

/** `L2B_B2L_MIN_EXEC_REDS` (CONTEXT_REDS / 4): fewer reductions left run as if this many. */
export const L2B_MIN_EXEC_REDS = CONTEXT_REDS / 4;
/** `L2B_B2L_RESCHED_REDS` (CONTEXT_REDS / 40): this many or fewer, the BIF yields first. */
export const L2B_RESCHED_REDS = CONTEXT_REDS / 40;
/** `ERTS_IOLIST_SIZE_YIELDS_COUNT_PER_RED` and `ERTS_IOLIST_TO_BUF_YIELD_COUNT_PER_RED`. */
export const IOLIST_ITEMS_PER_RED = 8;
/** `ERTS_IOLIST_TO_BUF_BYTES_PER_RED`: the fast path's copy estimate. */
export const IOLIST_TO_BUF_BYTES_PER_RED = 256;
/** `ERTS_MAGIC_REF_THING_SIZE`: the heap words of the state's magic ref. */
export const MAGIC_REF_WORDS = 3;
/**
 * Words the state's magic binary adds to the binary virtual heap (OH_OVERHEAD of its
 * `orig_size / 8`: the ErtsL2BState, 208 bytes), measured: l2b_traps.json's l2b_2000 first
 * collects at bin_vheap_size 24,364 — 24 results of 1,000 words, 14 of the calls trapped — and
 * l2b_5000 at 47,994 (19 results of 2,500 words, all 19 trapped).
 */
export const L2B_STATE_VHEAP_WORDS = 26;

/** The work of one list_to_binary call: the passes' items and the result's bytes. */
export interface IolistShape {
  /** Items each pass counts: cons cells + one per nested list's end popped (see {@link iolistShape}). */
  readonly items: number;
  readonly bytes: number;
}

/**
 * Items and bytes of an iolist, as iolist_size counts them: one item per cons cell; a cell
 * whose head is a list pushes its tail, and each popped tail that is not a list (`[]` or a
 * binary) is one more item. Binaries add their bytes.
 */
export function iolistShape(t: Term): IolistShape {
  let items = 0;
  let bytes = 0;
  const stack: unknown[] = [t];
  while (stack.length > 0) {
    let obj = stack.pop();
    if (!(obj instanceof Cons)) {
      items++; // a popped `[]` or binary
      if (obj instanceof Binary) bytes += obj.bitSize / 8;
      continue;
    }
    while (obj instanceof Cons) {
      items++;
      const h = obj.head;
      if (typeof h === "number") bytes++;
      else if (h instanceof Binary) bytes += h.bitSize / 8;
      else if (h instanceof Cons) {
        stack.push(obj.tail);
        obj = h;
        continue;
      }
      obj = obj.tail;
    }
    if (obj instanceof Binary) bytes += obj.bitSize / 8;
  }
  // the argument itself is not popped as a list end
  return { items: t instanceof Cons ? items : items - 1, bytes };
}

/**
 * list_to_binary of an iolist of `shape`, its result made by `result()` (a refc binary above 64
 * bytes: its ProcBin is what the heap gets); `only`: the iolist is `[only]`, answered with
 * `only` itself once the reductions check passed. Charges the call and the passes' reductions, traps
 * as the BEAM does, and places the ProcBin and the magic ref as HAlloc does (`reserve`: stack
 * words below the frame while the BIF runs).
 */
export function* listToBinaryShaped(
  ctx: ProcessContext,
  shape: IolistShape,
  result: () => Binary,
  reserve: number,
  only?: Binary,
): Generator<Op, Binary, unknown> {
  yield* ctx.call(); // call_ext erlang:list_to_binary/1
  const { items, bytes } = shape;
  let viaExport = false;
  let r = ctx.reductionsLeft;
  if (r < L2B_MIN_EXEC_REDS) {
    if (r <= L2B_RESCHED_REDS) {
      yield* ctx.trap({ virtual: true }); // ERTS_BIF_PREP_YIELD1: called again through the export, a fresh slice
      viaExport = true;
      r = ctx.reductionsLeft;
    } else r = L2B_MIN_EXEC_REDS;
  }
  if (only !== undefined) return only; // the `[binary()]` case: no passes, no allocation
  let b: Binary | undefined;
  const pass = { sizing: true }; // the size pass, then the copy pass
  let done = 0; // items of the current pass done
  /** One chunk of the current pass with `r` reductions: true when the pass ends in it. */
  const chunk = (): boolean => {
    if (r <= 0) return false; // iolist_to_buf: `reds_left <= 0` yields at once
    const left = items - done;
    if (left < IOLIST_ITEMS_PER_RED * r) {
      const reds = Math.ceil(left / IOLIST_ITEMS_PER_RED);
      ctx.bumpReductions(reds);
      r -= reds;
      return true;
    }
    done += IOLIST_ITEMS_PER_RED * r - 1; // `--yield_count <= 0` stops before the last item
    return false;
  };
  const makeBinary = (): void => {
    b = result();
    ctx.heap.allocBif(b, { check: false, reserve }); // new_binary's ProcBin
    pass.sizing = false;
    done = 0;
  };
  // the first call (or the one after a yield-first)
  if (chunk()) {
    makeBinary();
    const copyReds = Math.ceil(items / IOLIST_ITEMS_PER_RED) + Math.floor(bytes / IOLIST_TO_BUF_BYTES_PER_RED);
    if (copyReds <= r) {
      // the fast path: erts_iolist_to_buf at once, BUMP_REDS of the estimate
      ctx.bumpReductions(copyReds);
      return finish(ctx, b as Binary, viaExport);
    }
    if (chunk()) return finish(ctx, b as Binary, viaExport);
  }
  // trapped: the state in a magic binary, GC disabled until the last pass is done
  ctx.heap.allocBifGarbage(MAGIC_REF_WORDS, { reserve, vheap: L2B_STATE_VHEAP_WORDS });
  ctx.setGcEnabled(false);
  for (;;) {
    yield* ctx.trap(); // BUMP_ALL_REDS, scheduled out; list_to_binary_continue in the next slice
    r = ctx.reductionsLeft;
    if (pass.sizing) {
      if (!chunk()) continue;
      makeBinary();
      if (r <= 0) continue;
    }
    if (chunk()) break;
  }
  ctx.setGcEnabled(true);
  return finish(ctx, b as Binary, true);
}

/** The BIF's return: call_light_bif's check, or beam_jit_call_bif's when it came through the export. */
function finish(ctx: ProcessContext, b: Binary, viaExport: boolean): Binary {
  if (viaExport) ctx.afterCallBif(b);
  else ctx.afterBif(b);
  return b;
}
