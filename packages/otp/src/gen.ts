/**
 * `gen`: the call protocol shared by gen_server, supervisor, sys and Agent (OTP 25 gen:call).
 *
 * Owns: `genCall` — a call to itself exits with `calling_self`; monitor the server (a name is resolved first: unknown → exit `noproc`),
 * send `{Label, {self(), [alias | Mref]}, Request}`, then wait for `{[alias | Mref], Reply}` or
 * the monitor's `'DOWN'` (→ exit with its reason) or the timeout (→ demonitor with flush, one
 * last look for the reply with `after 0`, else exit `timeout`); `reply(From, Reply)`.
 * The alias: OTP 25 makes the monitor an alias deactivated by the demonitor, so a reply that comes
 * after the caller gave up is dropped by the runtime. The scheduler has no `alias`, so the alias
 * is emulated (common.ts): the reply is dropped at the sender when the alias is no longer active.
 * Invariant: when genCall returns or throws, the caller holds no monitor and no active alias.
 */
import { atom, Cons, equals, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { A, activateAlias, aliasActive, deactivateAlias, demonitorFlush, type Gen } from "./common.js";

export type Timeout = number | "infinity";
export type ServerRef = Pid | string;

/** gen:call(Process, Label, Request, Timeout): the reply, or throws exit(Reason). */
export function* genCall(ctx: ProcessContext, server: ServerRef, label: Term, request: Term, timeout: Timeout): Gen<Term> {
  let pid: Pid;
  if (typeof server === "string") {
    const p = ctx.whereis(server);
    if (p === undefined) ctx.exit(A.noproc);
    pid = p;
  } else pid = server;
  if (pid.id === ctx.self.id && pid.serial === ctx.self.serial) ctx.exit(atom("calling_self"));
  const mref = ctx.monitor(pid);
  const tag = new Cons(A.alias, mref);
  activateAlias(ctx, tag);
  ctx.send(pid, new Tuple([label, new Tuple([ctx.self, tag]), request]));
  const isReply = (m: Term): boolean => m instanceof Tuple && m.elements.length === 2 && equals(m.elements[0] as Term, tag);
  const isDown = (m: Term): boolean => m instanceof Tuple && m.elements.length === 5 && m.elements[0] === A.DOWN && equals(m.elements[1] as Term, mref);
  const m = yield* ctx.receive((x) => isReply(x) || isDown(x), timeout === "infinity" ? {} : { after: timeout });
  if (m !== undefined && isReply(m)) {
    demonitorFlush(ctx, mref);
    deactivateAlias(ctx, tag);
    return (m as Tuple).elements[1] as Term;
  }
  if (m !== undefined) {
    deactivateAlias(ctx, tag);
    ctx.exit((m as Tuple).elements[4] as Term);
  }
  demonitorFlush(ctx, mref);
  deactivateAlias(ctx, tag);
  const late = yield* ctx.receive(isReply, { after: 0 });
  if (late !== undefined) return (late as Tuple).elements[1] as Term;
  return ctx.exit(A.timeout);
}

/** gen:reply({To, Tag}, Reply): `{Tag, Reply}` to the caller, dropped if its alias is inactive. */
export function reply(ctx: ProcessContext, from: Term, value: Term): Term {
  if (!(from instanceof Tuple) || from.elements.length !== 2) return ctx.error(new Tuple([A.error, from]));
  const [to, tag] = from.elements as [Pid, Term];
  if (tag instanceof Cons && tag.head === A.alias && !aliasActive(ctx, tag)) return A.ok;
  ctx.send(to, new Tuple([tag, value]));
  return A.ok;
}
