/**
 * Elixir's `DynamicSupervisor`: a one_for_one supervisor of children started on demand.
 *
 * Owns: init options (max_restarts 3, max_seconds 5, max_children infinity, extra_arguments []:
 * Elixir's defaults), start_child (`{error, max_children}` when full; the child's start function
 * gets `extra_arguments ++ args`; `{ok, Pid}` | `{ok, Pid, Info}` | `ignore` | `{error, R}`),
 * terminate_child by pid (`{error, not_found}`), which_children (`{undefined, Pid, Type,
 * Modules}`), count_children (a map: specs, active, supervisors, workers), restarts on
 * `{'EXIT', Pid, Reason}` with the same rules as supervisor.ts (a failed restart is retried via
 * `{try_again_restart, Pid}`), and shutdown of every child (in no particular order in Elixir:
 * here newest first) when it terminates.
 * Memory: the state is Elixir's `%DynamicSupervisor{}` struct with its `children` map
 * (pid => {MFA, Restart, Shutdown, Type, Modules}) on the supervisor's heap, rebuilt per change
 * as Elixir does (supervisor-state.ts); the JS children table mirrors it for the logic.
 * start_child is Elixir 1.14's: the caller validates the spec and calls with
 * `{start_child, {{M, F, Args}, Restart, Shutdown, Type, Modules}}`; the supervisor keeps the
 * message's `{M, F, Args}` (shared, not copied: only the 6-word child tuple is new) in its map.
 * The JS start function travels beside the message, in a per-supervisor FIFO (`startQueue`):
 * a gen_server takes calls in arrival order, so the n-th start_child handled is the n-th sent.
 * Invariants: every child in the table is linked; `children.size <= maxChildren`.
 */
import { atom, Cons, list, LocalFun, mapFromEntries, markKeysLiteral, nil, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { Frame } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { A, caught, isGen, isNormalish, log, tuple, type Gen } from "./common.js";
import { checkChildSpec, ChildSpecError, startModuleName, type CheckedSpec, type ChildSpec, type StartMFA } from "./child-spec.js";
import * as GS from "./gen-server.js";
import { allocateIn, callAllocate, callAt } from "./frames.js";
import { resolveServer, type ServerRef } from "./gen.js";
import { shutdownChild } from "./supervisor.js";
import { DynSupStateTerm, type ChildSteps } from "./supervisor-state.js";

export interface DynamicSupervisorOptions {
  readonly name?: string;
  readonly maxRestarts?: number;
  readonly maxSeconds?: number;
  readonly maxChildren?: number;
  readonly extraArguments?: readonly Term[];
  /**
   * What the callback module's `init/1` does before `DynamicSupervisor.init(...)` (e.g. tag the
   * process with a role): runs in the supervisor, on its heap.
   */
  readonly onInit?: (ctx: ProcessContext) => void;
}

const INITIAL_CALL = atom("$initial_call");
const DYNSUP_MODULE = atom("Elixir.DynamicSupervisor");
/** save_child/7's inner fun ('-save_child/7-fun-0-'): its index in the module (beam_disasm). */
const SAVE_CHILD_FUN0 = 12;

interface DChild {
  pid: Pid | "restarting";
  readonly spec: CheckedSpec;
}

/** Per scheduler, per supervisor pid (`id.serial`): the JS specs of start_child calls in flight,
 * oldest first (see the header). A dead supervisor's queue goes with its scheduler. */
interface SupEntry {
  readonly queue: CheckedSpec[];
  /** The restart type of a spec that names none (Task.Supervisor's: temporary). */
  defaultRestart: ChildSpec["restart"];
}
const supervisors = new WeakMap<object, Map<string, SupEntry>>();
function supEntry(ctx: ProcessContext, sup: Pid): SupEntry {
  let bySup = supervisors.get(ctx.scheduler);
  if (bySup === undefined) {
    bySup = new Map<string, SupEntry>();
    supervisors.set(ctx.scheduler, bySup);
  }
  const k = `${sup.id}.${sup.serial}`;
  let e = bySup.get(k);
  if (e === undefined) bySup.set(k, (e = { queue: [], defaultRestart: "permanent" }));
  return e;
}
const START_CHILD = atom("start_child");
const START_LINK = atom("start_link");

/** Elixir's validated child `{{M, F, Args}, Restart, Shutdown, Type, Modules}` (the call's payload). */
function childTuple(spec: CheckedSpec, mfa?: Tuple): Tuple {
  const args = list([...(spec.start.args ?? [])]);
  return tuple(mfa ?? tuple(atom(startModuleName(spec.start)), START_LINK, args), atom(spec.restart), typeof spec.shutdown === "number" ? spec.shutdown : atom(spec.shutdown), atom(spec.type), spec.modules);
}

function* startSpec(ctx: ProcessContext, spec: CheckedSpec, extra: readonly Term[]): Gen<Term> {
  try {
    const r = spec.start.fn(ctx, ...extra, ...(spec.start.args ?? []));
    const v = isGen(r) ? yield* r : r;
    if (v instanceof Tuple && v.elements[0] === A.ok) return v;
    if (v === A.ignore) return v;
    if (v instanceof Tuple && v.elements[0] === A.error) return v;
    return tuple(A.error, v);
  } catch (err) {
    const k = caught(err);
    return tuple(A.error, tuple(A.EXIT, k.cls === A.exit ? k.reason : tuple(k.reason, k.stack)));
  }
}

/**
 * Elixir 1.14's save_child/7 around the state change `save` (the child tuple, the children map's
 * put, the struct update), instruction by instruction as compiled (`beam_disasm` of
 * Elixir.DynamicSupervisor, Map and Access; frames.ts for the stack rules): save_child is
 * called from handle_start_child's trimmed frame (`allocate 6`), builds its fun-1 (6 free
 * variables: 11 words) at stack 28, trims to its return address and calls
 * Map.get_and_update!/3 (`allocate 3`), whose `call_fun` runs fun-1: fun-0 (5 free: 10 words)
 * at 27, then Access.get_and_update → Map.get_and_update/3 (tail calls, `allocate 4`), whose
 * `call_fun` runs fun-0: one `test_heap 9` for the child tuple and `{nil, Child}` at 32; back
 * in Map.get_and_update the inlined Map.put (`put_map_assoc`) and `{Get, Children}` at 31;
 * back in get_and_update! the struct update (`put_map_exact`) and `{get, State}` at 26, with
 * `{Get, Children}` live across both.
 * `r` (the start result, replied later) stays live throughout (a y register of the caller).
 */
function saveChild(ctx: ProcessContext, r: Term, child: Tuple, save: (steps: ChildSteps) => Term): Term {
  const heap = ctx.heap;
  const keep = heap.pushFrame(0);
  keep.hold(r);
  const sc = callAllocate(heap, 6); // save_child/7
  // mfa_for_restart/2 (call): a temporary child's `{M, F, undefined}` (test_heap 4), kept in
  // the child tuple; other children keep the message's MFA
  let restartMfa: Tuple | undefined;
  if (child.elements[1] === atom("temporary")) {
    const mfa = child.elements[0] as Tuple;
    sc.stackWords += 1;
    restartMfa = keep.hold(ctx.alloc(tuple(mfa.elements[0] as Term, mfa.elements[1] as Term, A.undefined)));
    sc.stackWords -= 1;
  }
  heap.allocGarbage(11); // fun-1
  sc.stackWords = 1; // trim 6, 0: only the return address stays
  const gu = callAllocate(heap, 3); // Map.get_and_update!/3
  gu.stackWords += 1; // call_fun fun-1: its return address
  // fun-0 closes over the child's five parts (the message's terms): Map.get_and_update keeps it
  // in a y register until its call_fun (a gc trace at its `allocate 4` finds its 10 words live)
  const fun0 = gu.hold(ctx.alloc(new LocalFun(DYNSUP_MODULE, SAVE_CHILD_FUN0, 0, 1, child.elements)));
  allocateIn(heap, gu, 4); // Access.get_and_update → Map.get_and_update/3 (tail calls): allocate 4
  let inFun0 = false;
  let getChildren: Tuple | undefined;
  const state = save({
    ...(restartMfa !== undefined ? { restartMfa } : {}),
    beforeChild: () => {
      // Map.get_and_update kills its y register holding fun-0 (init_yregs) before call_fun
      gu.release(fun0);
      gu.stackWords += 1; // call_fun fun-0
      inFun0 = true;
      heap.heapTest(9); // fun-0's test_heap 9: the child tuple and {nil, Child}
    },
    afterChild: () => {
      heap.allocGarbage(3); // fun-0's {nil, Child}
      if (inFun0) gu.stackWords -= 1;
    },
    afterChildren: (children) => {
      // Map.get_and_update's {Get, Children}: get_and_update! reads it (x0) across its struct
      // update and the {get, State} test (Live 2)
      getChildren = gu.hold(ctx.alloc(tuple(nil, children)));
      gu.stackWords = 1 + 3; // back in Map.get_and_update!/3
    },
  });
  keep.hold(state);
  heap.allocGarbage(3); // Map.get_and_update!'s {get, State}
  if (getChildren !== undefined) gu.release(getChildren);
  heap.popFrame(gu);
  heap.popFrame(sc);
  heap.popFrame(keep);
  return state;
}

function callbacks(o: DynamicSupervisorOptions, defaultRestart: ChildSpec["restart"]): GS.GenServerModule {
  const children = new Map<string, DChild>();
  const maxR = o.maxRestarts ?? 3;
  const maxS = o.maxSeconds ?? 5;
  const maxC = o.maxChildren ?? Infinity;
  const extra = o.extraArguments ?? [];
  let restarts: number[] = [];
  const key = (p: Pid): string => `${p.id}.${p.serial}`;
  let mirror: DynSupStateTerm | undefined;
  const stateT = (): Term => mirror?.term ?? nil;
  /** The children table: JS for the logic, mirrored on the heap as Elixir's state. */
  /** `message` = the start_child payload whose {M, F, Args} the state shares (none on restarts). */
  const put = (k: string, c: DChild, message?: Tuple, steps?: ChildSteps): void => {
    const had = children.get(k);
    if (had !== undefined && had.pid !== "restarting") mirror?.removeChild(had.pid);
    children.set(k, c);
    if (c.pid !== "restarting") mirror?.addChild(c.pid, c.spec, message, steps);
  };
  const del = (k: string): void => {
    const had = children.get(k);
    children.delete(k);
    if (had !== undefined && had.pid !== "restarting") mirror?.removeChild(had.pid);
  };
  const name = (ctx: ProcessContext): Term => (o.name !== undefined ? atom(o.name) : ctx.self);
  const addRestart = (ctx: ProcessContext): boolean => {
    const now = Math.floor(ctx.now() / 1000);
    restarts = [now, ...restarts.filter((r) => r >= now - maxS)];
    mirror?.setRestarts(restarts);
    return restarts.length <= maxR;
  };
  function* restartChild(ctx: ProcessContext, oldKey: string, c: DChild): Gen<boolean> {
    if (!addRestart(ctx)) {
      log(ctx, "supervisor shutdown", { supervisor: name(ctx), reason: atom("reached_max_restart_intensity") });
      del(oldKey);
      return false;
    }
    const r = yield* startSpec(ctx, c.spec, extra);
    del(oldKey);
    const e = r instanceof Tuple ? r.elements : [];
    if (e[0] === A.ok) {
      const pid = e[1] as Pid;
      put(key(pid), { pid, spec: c.spec });
    } else if (r !== A.ignore) {
      log(ctx, "supervisor start_error", { supervisor: name(ctx), reason: e[1] as Term });
      put(oldKey, { pid: "restarting", spec: c.spec });
      GS.cast(ctx, ctx.self, tuple(atom("try_again_restart"), atom(oldKey)));
    }
    return true;
  }
  /**
   * handle_info({:EXIT, Pid, Reason}, State) for a child that is not restarted (temporary, or
   * transient with Reason normal/shutdown/{shutdown, _}) as Elixir 1.14 compiles it (beam_disasm
   * of Elixir.DynamicSupervisor; entered through gen_server's compiled info path at stack 21):
   * handle_info's `allocate 0`, `call` maybe_restart_child/3 (the child fetched from the map),
   * its `call_only` to maybe_restart_child/5 (`allocate 0`), `call` delete_child/2 (`allocate 1`):
   * maps:remove/2 (a BIF) and the struct's `put_map_exact`; maybe_restart_child's `{ok, State}`
   * and handle_info's `{noreply, State}`. `remove` updates the children (the state mirror).
   */
  function* forgetExited(ctx: ProcessContext, remove: () => void): Gen<Term> {
    const heap = ctx.heap;
    const hi = heap.pushFrame(0); // handle_info/2 (its entry word is the gen_server path's)
    allocateIn(heap, hi, 0);
    const mr = heap.pushFrame(1); // maybe_restart_child/3
    yield* callAt(ctx, mr);
    yield* callAt(ctx, mr); // maybe_restart_child/5 (call_only)
    allocateIn(heap, mr, 0);
    const dc = heap.pushFrame(1); // delete_child/2
    yield* callAt(ctx, dc);
    allocateIn(heap, dc, 1);
    ctx.bif(); // maps:remove(Pid, Children)
    remove();
    heap.popFrame(dc);
    const state = hi.hold(stateT());
    ctx.alloc(tuple(A.ok, state)); // test_heap 3
    heap.popFrame(mr);
    const r = ctx.alloc(GS.noreply(state)); // test_heap 3
    heap.popFrame(hi);
    return r;
  }
  return {
    name: "Elixir.DynamicSupervisor",
    init(ctx, arg) {
      o.onInit?.(ctx);
      // DynamicSupervisor.init({Mod, InitArg, Name}) as Elixir 1.14 compiles it (beam_disasm):
      // Process.put(:"$initial_call", {:supervisor, Mod, 1}) (replacing proc_lib's), trap_exit,
      // Mod.init(InitArg) (Supervisor.Default: InitArg itself), the name {self(), Mod} or
      // {:local, Name}, then the struct (DynSupStateTerm) keeping InitArg as `args`
      const [mod, initArg, nameArg] = (arg as Tuple).elements as [Term, Term, Term];
      ctx.put(INITIAL_CALL, ctx.alloc(tuple(atom("supervisor"), mod, 1)));
      ctx.trapExit(true);
      const name = ctx.alloc(nameArg === nil ? tuple(ctx.self, mod) : tuple(atom("local"), nameArg));
      supEntry(ctx, ctx.self).defaultRestart = defaultRestart;
      mirror = new DynSupStateTerm(ctx, { name, args: initArg, extraArguments: list([...extra]), maxChildren: Number.isFinite(maxC) ? maxC : A.infinity, maxRestarts: maxR, maxSeconds: maxS, module: "Elixir.DynamicSupervisor" });
      return GS.ok(stateT());
    },
    *handleCall(ctx, req) {
      const e = (req as Tuple).elements;
      const tag = e[0];
      const done = (v: Term): Term => GS.reply(v, stateT());
      if (tag === START_CHILD) {
        const child = e[1] as Tuple;
        const queued = supEntry(ctx, ctx.self).queue.shift();
        const mfa = child.elements[0] as Tuple;
        if (queued === undefined || mfa.elements[0] !== atom(startModuleName(queued.start))) return done(tuple(A.error, atom("badcall")));
        // the child starts with the arguments of the received message (the supervisor's copy)
        const args: Term[] = [];
        for (let l = mfa.elements[2]; l instanceof Cons; l = l.tail) args.push(l.head);
        const spec: CheckedSpec = { ...queued, start: { ...queued.start, args } };
        if (children.size >= maxC) return done(tuple(A.error, atom("max_children")));
        // handle_call/3 tail-calls handle_start_child/2 (allocate 4), which calls start_child/3
        // (allocate 3, its try): apply(M, F, Args) is entered at stack 28 (frames.ts)
        const heap = ctx.heap;
        const hsc = heap.pushFrame(0);
        yield* callAt(ctx, hsc); // handle_start_child/2 (call_only from handle_call/3)
        allocateIn(heap, hsc, 4);
        const sc = callAllocate(heap, 3);
        const r = yield* startSpec(ctx, spec, extra);
        heap.popFrame(sc);
        hsc.stackWords = 1; // trim 3, 1 before save_child: y0 (the result) stays
        const x = r instanceof Tuple ? r.elements : [];
        if (x[0] === A.ok && x[1] !== A.undefined) {
          const state = saveChild(ctx, r, child, (steps) => {
            put(key(x[1] as Pid), { pid: x[1] as Pid, spec }, child, steps);
            return stateT();
          });
          // handle_start_child's test_heap 4: {reply, Result, State}, inside its frame
          const rep = ctx.alloc(GS.reply(r, state));
          heap.popFrame(hsc);
          return rep;
        }
        heap.popFrame(hsc);
        return done(r);
      }
      if (tag === atom("terminate_child")) {
        const pid = e[1] as Pid;
        const c = children.get(key(pid));
        if (c === undefined || c.pid === "restarting") return done(tuple(A.error, A.not_found));
        del(key(pid));
        const r = yield* shutdownChild(ctx, pid, c.spec.shutdown, c.spec.restart);
        if (r !== A.ok) log(ctx, "supervisor shutdown_error", { supervisor: name(ctx), reason: (r as Tuple).elements[1] as Term });
        return done(A.ok);
      }
      if (tag === atom("which_children")) {
        return done(list([...children.values()].map((c) => tuple(A.undefined, c.pid === "restarting" ? atom("restarting") : c.pid, atom(c.spec.type), c.spec.modules))));
      }
      if (tag === atom("count_children")) {
        const all = [...children.values()];
        const sups = all.filter((c) => c.spec.type === "supervisor").length;
        return done(
          mapFromEntries([
            [atom("specs"), all.length],
            [atom("active"), all.filter((c) => c.pid !== "restarting").length],
            [atom("supervisors"), sups],
            [atom("workers"), all.length - sups],
          ]),
        );
      }
      return done(tuple(A.error, atom("badcall")));
    },
    *handleCast(ctx, msg) {
      const e = (msg as Tuple).elements;
      if (e[0] === atom("try_again_restart")) {
        const k = (e[1] as { name: string }).name;
        const c = children.get(k);
        if (c?.pid === "restarting" && !(yield* restartChild(ctx, k, c))) return GS.stop(A.shutdown, stateT());
      }
      return GS.noreply(stateT());
    },
    *handleInfo(ctx, msg) {
      const e = msg instanceof Tuple ? msg.elements : [];
      if (e[0] !== A.EXIT || e.length !== 3) {
        log(ctx, "supervisor unexpected_message", { supervisor: name(ctx), message: msg });
        return GS.noreply(stateT());
      }
      const pid = e[1] as Pid;
      const k = key(pid);
      const c = children.get(k);
      if (c === undefined) return GS.noreply(stateT());
      const reason = e[2] as Term;
      const rt = c.spec.restart;
      if (rt !== "permanent" && isNormalish(reason)) return yield* forgetExited(ctx, () => {
          del(k);
        });
      if (rt === "temporary") {
        log(ctx, "supervisor child_terminated", { supervisor: name(ctx), reason, pid });
        del(k);
        ctx.heap.allocGarbage(3); // maybe_restart_child/5's {ok, delete_child(Pid, State)}
        return GS.noreply(stateT());
      }
      log(ctx, "supervisor child_terminated", { supervisor: name(ctx), reason, pid });
      if (!(yield* restartChild(ctx, k, c))) return GS.stop(A.shutdown, stateT());
      return GS.noreply(stateT());
    },
    *terminate(ctx) {
      const all = [...children.values()].reverse();
      children.clear();
      for (const c of all) if (c.pid !== "restarting") yield* shutdownChild(ctx, c.pid, c.spec.shutdown, c.spec.restart);
      return A.ok;
    },
  };
}

/** DynamicSupervisor.start_link(opts) (`restart` default for children: permanent). */
export function startLink(ctx: ProcessContext, o: DynamicSupervisorOptions = {}, defaultRestart: ChildSpec["restart"] = "permanent"): Gen<Term> {
  // DynamicSupervisor.start_link(opts), in the caller: init(sup_opts) makes the flags map (a map
  // expression with constant keys: its keys tuple is a literal) and {:ok, Flags}; start_link/3
  // passes {Supervisor.Default, {:ok, Flags}, Name} to GenServer.start_link, whose spawn copies it
  const flags = ctx.alloc(
    markKeysLiteral(
      mapFromEntries([
        [atom("extra_arguments"), list([...(o.extraArguments ?? [])])],
        [atom("intensity"), o.maxRestarts ?? 3],
        [atom("max_children"), o.maxChildren !== undefined && Number.isFinite(o.maxChildren) ? o.maxChildren : A.infinity],
        [atom("period"), o.maxSeconds ?? 5],
        [atom("strategy"), atom("one_for_one")],
      ]),
    ),
  );
  const initArg = ctx.alloc(tuple(atom("Elixir.Supervisor.Default"), tuple(A.ok, flags), o.name !== undefined ? atom(o.name) : nil));
  return GS.startLink(ctx, callbacks(o, defaultRestart), initArg, { callbackPathStack: true, compiledCallPath: true, compiledInfoPath: true, ...(o.name !== undefined ? { name: o.name } : {}) });
}
/**
 * `DynamicSupervisor.start_child(Sup, Spec)`: the spec is validated here, in the caller (an
 * invalid one is `{error, Reason}` without a call, as in Elixir), then sent in the call.
 * A spec without `restart` takes the supervisor's default (permanent; temporary under
 * Task.Supervisor).
 */
export function startChild(ctx: ProcessContext, sup: ServerRef, spec: ChildSpec): Gen<Term> {
  return startValidated(ctx, sup, spec, undefined);
}

/** A `{Module, Arg}` child as Elixir's Agent and Task spell it (see {@link startChildModuleArg}). */
export interface ModuleArgChild {
  /** e.g. `"Elixir.Agent"`: the child spec's id and the start MFA's module. */
  readonly module: string;
  readonly arg: Term;
  /** The module's start_link/1. */
  readonly start: StartMFA["fn"];
  /** A restart key in the module's child_spec/1 map (Task's `restart: :temporary`); none: permanent. */
  readonly restart?: ChildSpec["restart"];
}

/**
 * `DynamicSupervisor.start_child(Sup, {Module, Arg})` as Elixir 1.14 compiles it, on the
 * caller's heap (`beam_disasm` of Elixir.DynamicSupervisor, Supervisor, Agent and Task; measured
 * with gc traces of `:erlang.garbage_collect()` around one call: 65 words for `{Agent, fun}` with
 * a 2-free-variable fun, 67 for `{Task, fun}`):
 * the `{Module, Arg}` tuple (3 words, and Arg when it is new), `Supervisor.child_spec/2` →
 * `Module.child_spec(Arg)`: `[Arg]` (2), `{Module, start_link, [Arg]}` (4) and the map
 * `%{id: Module, start: MFA}` (+ `restart:` for Task; a flatmap: 2n + 4 words), then the 5-word
 * fun it hands to Enum.reduce over the (empty) overrides; validate_child builds `[Module]` (2),
 * the child `{MFA, Restart, Shutdown, Type, Modules}` (6) and `{ok, Child}` (3);
 * validate_and_start_child builds `{start_child, Child}` (3) and calls with timeout infinity
 * (gen.ts's plain-monitor clause). The message shares the map's MFA tuple.
 */
export function* startChildModuleArg(ctx: ProcessContext, sup: ServerRef, c: ModuleArgChild): Gen<Term> {
  const heap = ctx.heap;
  const m = atom(c.module);
  // start_child/2's frame (allocate 1) keeps Sup across Supervisor.child_spec
  const frame = heap.pushFrame(START_CHILD_FRAME);
  frame.hold(ctx.alloc(tuple(m, c.arg)));
  const mfa = tuple(m, START_LINK, list([c.arg]));
  const entries: [Term, Term][] = [
    [atom("id"), m],
    [atom("start"), mfa],
  ];
  if (c.restart !== undefined) entries.push([atom("restart"), atom(c.restart)]);
  frame.hold(ctx.alloc(mapFromEntries(entries)));
  heap.allocGarbage(5); // the fun Supervisor.child_spec/2 reduces the overrides with
  const r = yield* startValidated(ctx, sup, { id: m, start: { fn: c.start, module: c.module, args: [c.arg] }, ...(c.restart !== undefined ? { restart: c.restart } : {}) }, mfa, frame);
  return r;
}

/** start_child/2's and validate_and_start_child/2's frames: allocate 1 (2 words). */
const START_CHILD_FRAME = 2;

function* startValidated(ctx: ProcessContext, sup: ServerRef, spec: ChildSpec, mfa: Tuple | undefined, frame?: Frame): Gen<Term> {
  const pid = resolveServer(ctx, sup);
  const entry = supEntry(ctx, pid);
  const checked = checkChildSpec(typeof spec === "object" ? { restart: entry.defaultRestart, ...spec } : spec);
  if (checked instanceof ChildSpecError) {
    if (frame !== undefined) ctx.heap.popFrame(frame);
    return tuple(A.error, checked.term);
  }
  entry.queue.push(checked);
  let request: Tuple;
  if (mfa !== undefined) {
    // validate_child: the child tuple ({ok, Child} is garbage once matched); the request
    const child = ctx.alloc(childTuple(checked, mfa));
    frame?.hold(child);
    ctx.heap.allocGarbage(3);
    request = ctx.alloc(tuple(START_CHILD, child));
  } else request = tuple(START_CHILD, childTuple(checked));
  if (frame !== undefined) ctx.heap.popFrame(frame);
  return yield* GS.call(ctx, pid, request, "infinity");
}
export function terminateChild(ctx: ProcessContext, sup: ServerRef, pid: Pid): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("terminate_child"), pid), "infinity");
}
export function whichChildren(ctx: ProcessContext, sup: ServerRef): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("which_children")), "infinity");
}
export function countChildren(ctx: ProcessContext, sup: ServerRef): Gen<Term> {
  return GS.call(ctx, sup, tuple(atom("count_children")), "infinity");
}
