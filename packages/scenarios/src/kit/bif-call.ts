/**
 * The call of a BIF from compiled code on OTP 25's JIT (`call_ext` of a BIF goes through
 * call_light_bif): the process is preempted *before* the BIF when its reductions are used up
 * (FCALLS ≤ 0), then the BIF runs and the call costs one reduction — so a loop of BIF calls is
 * switched out at its own calls (`call_last`, with its frame gone), never inside the BIF call.
 * Measured: kit_blocks.json's binary_part loop is collected when switched out with stack_size 5
 * (between iterations), not 8 (inside one); as router_gc.json showed for send.
 */
import type { Op, ProcessContext } from "@beamlab/scheduler";

/** Preemption check, then the call's reduction (no check after it). */
export function* bifCall(ctx: ProcessContext): Generator<Op, void, unknown> {
  yield* ctx.call(0);
  ctx.chargeCalls(1);
}
