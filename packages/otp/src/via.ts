/**
 * Process names of the gen behaviours (OTP 25 gen.erl: where/register_name/unregister_name/name/
 * get_proc_name) and `{via, Module, Name}` modules.
 *
 * Owns:
 *  - {@link ServerName}: `string` = `{local, Name}` (the scheduler's registered names), a
 *    {@link GlobalName} `{ global: Name }` = `{global, Name}` (global.ts) and a {@link ViaName}
 *    `{ via: Module, name: Name }` = `{via, Module, Name}`. Global and via names may be any term.
 *  - {@link ViaModule}: OTP's via callback module as a JS object (register_name/2 → `yes` | `no`,
 *    unregister_name/1, whereis_name/1 → pid | undefined, send/2 → pid or exit), plus the module
 *    name (`name`) used where OTP prints the module atom (`{via, dummy_via, Name}`,
 *    `{process_not_registered_via, dummy_via}`). Its functions run in the calling process.
 *  - {@link viaRegistry}: one tiny via module (a per-scheduler term-name table, like the
 *    gen_server_SUITE's `dummy_via`), with `reset` for tests.
 *  - The gen helpers: `whereName` (gen:where), `registerServerName` (gen:register_name: true, or
 *    the pid holding the name), `unregisterServerName`, `genName` (gen:name: the atom, the global
 *    or via Name itself), `serverRefTerm` (how a server reference appears in exit reasons) and
 *    `getProcName` (gen:get_proc_name: the process must already be registered under the name,
 *    else exit `process_not_registered` | `process_not_registered_globally` |
 *    `{process_not_registered_via, Mod}`).
 * Invariant: a name given as a string is always a local name (compatible with the string names
 * gen_server accepted before global and via).
 * Difference from OTP: `dummy_via` keeps the name of an exited process until `reset`; the
 * built-in registry drops it, like global (its names are never those of exited processes).
 */
import { atom, Pid, Tuple, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import * as global from "./global.js";
import { NameTable } from "./global.js";
import type { Scheduler } from "@beamlab/scheduler";

/** OTP's via callback module (`Module:register_name/2` …) as a JS object. */
export interface ViaModule {
  /** The module's name: printed as an atom where OTP prints the module. */
  readonly name: string;
  /** `Module:register_name(Name, Pid)` → `yes` | `no`. */
  registerName(ctx: ProcessContext, name: Term, pid: Pid): "yes" | "no";
  /** `Module:unregister_name(Name)`. */
  unregisterName(ctx: ProcessContext, name: Term): void;
  /** `Module:whereis_name(Name)` → the pid, or undefined. */
  whereisName(ctx: ProcessContext, name: Term): Pid | undefined;
  /** `Module:send(Name, Msg)` → the pid; exits (`{badarg, {Name, Msg}}`) when there is none. */
  send(ctx: ProcessContext, name: Term, msg: Term): Pid;
}

/** `{global, Name}`. */
export interface GlobalName {
  readonly global: Term;
}
/** `{via, Module, Name}`. */
export interface ViaName {
  readonly via: ViaModule;
  readonly name: Term;
}
/** `{local, Name}` (a string), `{global, Name}` or `{via, Module, Name}`. */
export type ServerName = string | GlobalName | ViaName;

/** `{global, Name}`. */
export function globalName(name: Term): GlobalName {
  return { global: name };
}
/** `{via, Module, Name}`. */
export function viaName(via: ViaModule, name: Term): ViaName {
  return { via, name };
}

function isGlobal(n: GlobalName | ViaName): n is GlobalName {
  return "global" in n;
}

/** gen:where(Name): the pid registered under the name. */
export function whereName(ctx: ProcessContext, n: ServerName): Pid | undefined {
  if (typeof n === "string") return ctx.whereis(n);
  if (isGlobal(n)) return global.whereisName(ctx, n.global);
  return n.via.whereisName(ctx, n.name);
}

/** gen:register_name(Name) for the calling process: true, or the pid (if any) that has the name. */
export function registerServerName(ctx: ProcessContext, n: ServerName): true | Pid | undefined {
  if (typeof n === "string") {
    try {
      ctx.register(n);
      return true;
    } catch {
      return ctx.whereis(n);
    }
  }
  const ok = isGlobal(n) ? global.registerName(ctx, n.global, ctx.self) : n.via.registerName(ctx, n.name, ctx.self);
  return ok === "yes" ? true : whereName(ctx, n);
}

/** gen:unregister_name(Name): errors are ignored. */
export function unregisterServerName(ctx: ProcessContext, n: ServerName): void {
  if (typeof n === "string") {
    if (ctx.whereis(n) !== undefined) ctx.unregister(n);
  } else if (isGlobal(n)) global.unregisterName(ctx, n.global);
  else n.via.unregisterName(ctx, n.name);
}

/** gen:name(Name): the atom of a local name, the Name of a global or via name. */
export function genName(n: ServerName): Term {
  if (typeof n === "string") return atom(n);
  return isGlobal(n) ? n.global : n.name;
}

/** A server reference as OTP prints it in exit reasons: `Pid`, `Name`, `{global, Name}`, `{via, Mod, Name}`. */
export function serverRefTerm(s: Pid | ServerName): Term {
  if (typeof s === "string") return atom(s);
  if (s instanceof Pid) return s;
  if (isGlobal(s)) return new Tuple([atom("global"), s.global]);
  return new Tuple([atom("via"), atom(s.via.name), s.name]);
}

/** gen:get_proc_name(ServerName) for enter_loop: the name, if the calling process has it; else exits. */
export function getProcName(ctx: ProcessContext, n: Pid | ServerName): Term {
  if (n instanceof Pid) return n;
  const self = ctx.self;
  const mine = (p: Pid | undefined): boolean => p?.id === self.id && p.serial === self.serial;
  if (typeof n === "string") {
    const reg = ctx.processInfo(self, ["registered_name"])?.registered_name;
    if (reg !== n) ctx.exit(atom("process_not_registered"));
    return atom(n);
  }
  if (isGlobal(n)) {
    if (!mine(global.whereisName(ctx, n.global))) ctx.exit(atom("process_not_registered_globally"));
    return n.global;
  }
  if (!mine(n.via.whereisName(ctx, n.name))) ctx.exit(new Tuple([atom("process_not_registered_via"), atom(n.via.name)]));
  return n.name;
}

/** The built-in via module: {@link ViaModule} plus `reset` (forget every name of a scheduler). */
export interface ViaRegistry extends ViaModule {
  /** `dummy_via:reset()`. */
  reset(ctx: ProcessContext): void;
  /** The names registered (of live processes). */
  registeredNames(ctx: ProcessContext): Term[];
}

/**
 * A via module keeping term names per scheduler (the gen_server_SUITE's `dummy_via`):
 * `register_name` is `no` when the name is taken (a pid may have several names here, unlike
 * global), `send` to an unknown name exits `{badarg, {Name, Msg}}`.
 */
export function viaRegistry(name = "dummy_via"): ViaRegistry {
  const tables = new WeakMap<Scheduler, NameTable>();
  const tableOf = (ctx: ProcessContext): NameTable => {
    let t = tables.get(ctx.scheduler);
    if (t === undefined) tables.set(ctx.scheduler, (t = new NameTable()));
    return t;
  };
  const whereisName = (ctx: ProcessContext, n: Term): Pid | undefined => tableOf(ctx).whereis(ctx.scheduler, n);
  return {
    name,
    registerName(ctx, n, pid) {
      const t = tableOf(ctx);
      if (t.whereis(ctx.scheduler, n) !== undefined) return "no";
      t.add(ctx.scheduler, n, pid);
      return "yes";
    },
    unregisterName(ctx, n) {
      tableOf(ctx).remove(n);
    },
    whereisName,
    send(ctx, n, msg) {
      const pid = whereisName(ctx, n);
      if (pid === undefined) return ctx.exit(new Tuple([atom("badarg"), new Tuple([n, msg])]));
      ctx.send(pid, msg);
      return pid;
    },
    reset(ctx) {
      tableOf(ctx).clear();
    },
    registeredNames(ctx) {
      return tableOf(ctx).names(ctx.scheduler);
    },
  };
}
