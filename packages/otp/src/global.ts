/**
 * `global` (kernel's global.erl, OTP 25) for the one node a scheduler simulates: a node-wide
 * table of names that may be any term, and `{global, Name}` for gen_server.
 *
 * Owns: {@link NameTable} (a term name → pid table, also the table of the built-in via registry,
 * via.ts) and the global API, run by the calling process as in OTP: `registerName` (`yes` | `no`:
 * `no` when the name is taken, or when the pid already has another global name — then also the
 * error `global: Pid registered under several names: Names` is logged, as global's
 * check_dupname does), `unregisterName` (always ok), `whereisName` (a pid or undefined), `send`
 * (the pid, or exit `{badarg, {Name, Msg}}`), `registeredNames`; {@link globalVia}: the same
 * functions as a via module (`{via, global, Name}`, as OTP allows).
 * Invariants: a name maps to at most one pid, a pid has at most one global name; a name whose
 * process exited is never returned — it is as if global's name server had already handled the
 * process's 'EXIT' (OTP removes it asynchronously).
 * Differences from OTP, on purpose: there is no `global_name_server` process, no locks and no
 * other nodes — a registration is one table update in the caller (no messages, no reductions,
 * no heap words: the table is off-heap like global's ETS tables); an exited process's names are
 * dropped when next looked at (every lookup checks the pid is alive; `registeredNames` sweeps),
 * which no process can tell from an eager removal; names are compared by their printed form,
 * which is `=:=` for every term a name can sensibly be (numbers, atoms, tuples, lists, binaries,
 * pids); `register_name/3`'s resolve function and `re_register_name` are not modelled.
 */
import { atom, list, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext, Scheduler } from "@beamlab/scheduler";
import { log } from "./common.js";
import type { ViaModule } from "./via.js";

interface Entry {
  readonly name: Term;
  readonly pid: Pid;
}

const pidKey = (p: Pid): string => printTerm(p);

/** Term names → pids for one scheduler; entries of exited processes are dropped when seen. */
export class NameTable {
  private readonly byName = new Map<string, Entry>();
  private readonly byPid = new Map<string, Set<string>>();

  /** The live pid registered as `name`. */
  whereis(s: Scheduler, name: Term): Pid | undefined {
    const k = printTerm(name);
    const e = this.byName.get(k);
    if (e === undefined) return undefined;
    if (s.isAlive(e.pid)) return e.pid;
    this.drop(k, e);
    return undefined;
  }

  /** The names of a live pid (after dropping what belongs to exited processes). */
  namesOf(s: Scheduler, pid: Pid): Term[] {
    const ks = this.byPid.get(pidKey(pid));
    if (ks === undefined) return [];
    const out: Term[] = [];
    for (const k of [...ks]) {
      const e = this.byName.get(k);
      if (e === undefined) continue;
      if (!s.isAlive(e.pid)) this.drop(k, e);
      else out.push(e.name);
    }
    return out;
  }

  /** Adds `name → pid` (the caller checked the name is free). A dead pid is not stored. */
  add(s: Scheduler, name: Term, pid: Pid): void {
    if (!s.isAlive(pid)) return;
    const k = printTerm(name);
    this.byName.set(k, { name, pid });
    const pk = pidKey(pid);
    let ks = this.byPid.get(pk);
    if (ks === undefined) this.byPid.set(pk, (ks = new Set()));
    ks.add(k);
  }

  /** Removes `name` (no-op when absent). */
  remove(name: Term): void {
    const k = printTerm(name);
    const e = this.byName.get(k);
    if (e !== undefined) this.drop(k, e);
  }

  /** Every name of a live process (exited ones are swept). */
  names(s: Scheduler): Term[] {
    const out: Term[] = [];
    for (const [k, e] of [...this.byName]) {
      if (s.isAlive(e.pid)) out.push(e.name);
      else this.drop(k, e);
    }
    return out;
  }

  clear(): void {
    this.byName.clear();
    this.byPid.clear();
  }

  private drop(k: string, e: Entry): void {
    this.byName.delete(k);
    const pk = pidKey(e.pid);
    const ks = this.byPid.get(pk);
    ks?.delete(k);
    if (ks?.size === 0) this.byPid.delete(pk);
  }
}

const tables = new WeakMap<Scheduler, NameTable>();
function tableOf(ctx: ProcessContext): NameTable {
  const s = ctx.scheduler;
  let t = tables.get(s);
  if (t === undefined) tables.set(s, (t = new NameTable()));
  return t;
}

/** global:register_name(Name, Pid) → `yes` | `no`. */
export function registerName(ctx: ProcessContext, name: Term, pid: Pid): "yes" | "no" {
  const t = tableOf(ctx);
  const s = ctx.scheduler;
  if (t.whereis(s, name) !== undefined) return "no";
  const others = t.namesOf(s, pid);
  if (others.length > 0) {
    // global:check_dupname/2 (kernel's global_multi_name_action is not `allow`)
    log(ctx, "global several_names", { pid, names: list([name, ...others]), text: `global: ${printTerm(pid)} registered under several names: ${printTerm(list([name, ...others]))}` });
    return "no";
  }
  t.add(s, name, pid);
  return "yes";
}

/** global:unregister_name(Name) → ok. */
export function unregisterName(ctx: ProcessContext, name: Term): Term {
  tableOf(ctx).remove(name);
  return atom("ok");
}

/** global:whereis_name(Name) → the pid, or undefined (OTP's atom `undefined`). */
export function whereisName(ctx: ProcessContext, name: Term): Pid | undefined {
  return tableOf(ctx).whereis(ctx.scheduler, name);
}

/** global:send(Name, Msg) → the pid the message went to; exit `{badarg, {Name, Msg}}` when unknown. */
export function send(ctx: ProcessContext, name: Term, msg: Term): Pid {
  const pid = whereisName(ctx, name);
  if (pid === undefined) return ctx.exit(new Tuple([atom("badarg"), new Tuple([name, msg])]));
  ctx.send(pid, msg);
  return pid;
}

/** global:registered_names(). */
export function registeredNames(ctx: ProcessContext): Term[] {
  return tableOf(ctx).names(ctx.scheduler);
}

/** `global` as a via module: `{via: globalVia, name}` behaves like `{global, Name}`. */
export const globalVia: ViaModule = {
  name: "global",
  registerName,
  unregisterName: (ctx, name) => {
    unregisterName(ctx, name);
  },
  whereisName,
  send,
};
