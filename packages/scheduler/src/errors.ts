/**
 * How a body ends itself or raises an Erlang-style error.
 *
 * Owns: the two throwables the scheduler turns into exit reasons. `ExitThrow` is `exit(Reason)`
 * (the reason as is); `ErlangError` is `erlang:error(Reason)` raised by a built-in (badarg,
 * noproc, system_limit…), whose exit reason is the bare reason (the model keeps no Erlang
 * stacktrace). Any other thrown value becomes `{{js_exception, Name, Message}, Stack}`.
 */
import type { Term } from "@beamlab/heap";

export class ExitThrow extends Error {
  constructor(readonly reason: Term) {
    super("exit");
    this.name = "ExitThrow";
  }
}

export class ErlangError extends Error {
  constructor(readonly reason: Term) {
    super("erlang error");
    this.name = "ErlangError";
  }
}
