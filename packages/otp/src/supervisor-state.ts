/**
 * The supervisor's state as OTP 25's supervisor.erl keeps it, on the supervisor's own heap.
 *
 * Owns: the `#state{}` record term — `{state, Name, Strategy, {Ids, Db}, Dynamics, Intensity,
 * Period, Restarts, DynamicRestarts, AutoShutdown, Module, Args}` where `Ids` are the static
 * children's ids (newest first), `Db` a map `Id => #child{}` and `Dynamics` is `undefined` or,
 * for simple_one_for_one, `{mapsets, #{Pid => []}}` (temporary children: their arguments are
 * not kept) or `{maps, #{Pid => Args}}` — and what updating it costs: every change builds the
 * changed parts and a new record, as the Erlang code does (`State#state{...}` copies the
 * 12-word record; a child update copies the 9-word `#child{}` record; maps grow and shrink
 * with maps:put/maps:remove, whose path-copy words come from @beamlab/heap's mapPutWords and
 * mapRemoveWords). The old versions are garbage for the next GC.
 * `#child{}` is `{child, Pid, Id, {M, F, A}, RestartType, Significant, Shutdown, ChildType,
 * Modules}`; `A` is `undefined` for temporary children (OTP stores no arguments for them).
 * Invariant: `term` is the newest record; it and everything it references are on the heap of
 * the process whose context built it (the gen_server loop keeps it as its state, the root).
 */
import { atom, Cons, emptyMap, ErlMap, markKeysLiteral, markLiteral, equals, isFlatmap, list, mapFromEntries, mapGet, mapRemove, mapRemoveWords, nil, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { A } from "./common.js";
import { startModuleName, type CheckedSpec } from "./child-spec.js";

const K = { state: atom("state"), child: atom("child"), maps: atom("maps"), mapsets: atom("mapsets") };

export interface SupStateFields {
  readonly name: Term;
  readonly strategy: string;
  readonly intensity: number;
  readonly period: number;
  readonly autoShutdown: string;
  readonly module: string;
  readonly args: Term;
}

/** A child's `{M, F, A}` as a supervisor stores it: `A` is `undefined` for a temporary child. */
function mfaTerm(spec: CheckedSpec): Tuple {
  const args = spec.restart === "temporary" ? A.undefined : list([...(spec.start.args ?? [])]);
  return new Tuple([atom(startModuleName(spec.start)), atom("start_link"), args]);
}

const shutdownTerm = (spec: CheckedSpec): Term => (typeof spec.shutdown === "number" ? spec.shutdown : atom(spec.shutdown));

/** `maps:remove(Key, Old)` on the process's heap (the same map when `key` is absent). */
function removeOnHeap(ctx: ProcessContext, old: ErlMap, key: Term): ErlMap {
  const m = mapRemove(old, key);
  return m === old ? old : bifResult(ctx, m, mapRemoveWords(old, m, key));
}

/**
 * A map BIF's result (maps:put/maps:remove): HAlloc'd — on the heap when it fits, else in a heap
 * fragment, no heap test — then call_light_bif's after-BIF check. A flatmap is one object in
 * the model, charged the words the BIF builds; a HAMT's fresh nodes are exactly those words.
 */
function bifResult(ctx: ProcessContext, m: ErlMap, words: number): ErlMap {
  return ctx.bifResult(m, isFlatmap(m) ? { charge: words } : {});
}

/** The `#child{}` record of a spec with the given pid (`undefined` | `restarting` | a pid). */
export function childRecord(spec: CheckedSpec, pid: Term): Tuple {
  return new Tuple([K.child, pid, spec.id, mfaTerm(spec), atom(spec.restart), spec.significant ? A.true : A.false, shutdownTerm(spec), atom(spec.type), spec.modules]);
}

export class SupStateTerm {
  private record: Tuple;
  private ids: Term = nil;
  private db: ErlMap = emptyMap;
  private dyn: ErlMap | undefined;
  private dynKind: Term = A.undefined;
  private restarts: Term = nil;
  private children: Tuple | undefined;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly f: SupStateFields,
    place = true,
  ) {
    this.record = place ? ctx.alloc(this.build(A.undefined, nil)) : this.build(A.undefined, nil);
  }

  /**
   * init_dynamic/2's state (simple_one_for_one), from check_startspec's `{Ids, Db}` (on the heap
   * already, supervisor-init.ts): `State#state{children = Children}` (setelement: a 13-word
   * copy, garbage) and dyn_init's `State#state{dynamics = {mapsets | maps, #{}}}` (setelement
   * with a literal: the 13-word record). `f.name` is on the heap (supname's tuple).
   */
  static simple(ctx: ProcessContext, f: SupStateFields, children: Tuple, temporary: boolean): SupStateTerm {
    const s = new SupStateTerm(ctx, f, false);
    s.children = children;
    s.ids = children.elements[0] as Term;
    s.db = children.elements[1] as ErlMap;
    ctx.heap.allocGarbage(13);
    s.dyn = emptyMap;
    s.dynKind = temporary ? K.mapsets : K.maps;
    s.record = ctx.alloc(s.build(markLiteral(s.dynamicsTerm()), s.childrenTerm()), { charge: 13 });
    return s;
  }

  /** The newest `#state{}` record (the gen_server state). */
  get term(): Tuple {
    return this.record;
  }

  /** dyn_init: simple_one_for_one's store of dynamic children. */
  initDynamic(temporary: boolean): void {
    this.dyn = emptyMap;
    this.dynKind = temporary ? K.mapsets : K.maps;
    this.commit(this.dynamicsTerm(), this.childrenTerm(), 0);
  }

  /** A static child added (init, start_child) or its pid changed; `fresh` when new. */
  setChild(spec: CheckedSpec, pid: Term): void {
    const rec = this.ctx.alloc(childRecord(spec, pid));
    const isNew = mapGet(this.db, spec.id) === undefined;
    this.db = this.ctx.putMapAssoc(this.db, spec.id, rec); // do_save_child: Db#{Id => Child} (put_map_assoc, beam_disasm)
    if (isNew) this.ids = this.ctx.alloc(list([spec.id], this.ids));
    this.commit(this.dynamicsTerm(), this.childrenTerm(), 3);
  }

  /** A static child forgotten (temporary child gone, delete_child). */
  removeChild(id: Term): void {
    const old = this.db;
    this.db = removeOnHeap(this.ctx, old, id);
    if (this.db === old) return;
    this.ids = this.ctx.alloc(list(idsWithout(this.ids, id))); // lists:delete: new cells (the BEAM shares the tail after the id)
    this.commit(this.dynamicsTerm(), this.childrenTerm(), 3);
  }

  /** dyn_store: a dynamic child started with `args`. */
  addDynamic(pid: Pid, args: Term): void {
    this.dyn = this.ctx.putMapAssoc(this.dyn ?? emptyMap, pid, this.dynKind === K.mapsets ? nil : args); // dyn_store: Db#{Pid => …}
    this.commitDynamics();
  }

  /** dyn_store/dyn_erase's `State#state{dynamics = {Kind, Db}}` (beam_disasm): test_heap 3 for
   * the tuple, then erlang:setelement/3 (a BIF: HAlloc of the 13-word copy, no heap test). */
  private commitDynamics(): void {
    const dynamics = this.ctx.alloc(new Tuple([this.dynKind, this.dyn ?? emptyMap]));
    this.record = this.ctx.bifResult(this.build(dynamics, this.childrenTerm()), { charge: 13 });
  }

  /** dyn_erase: a dynamic child gone. `beforeSetelement`: what the caller's frames do between
   * the `{Kind, Db}` tuple and the record's setelement (dyn_erase's `call_ext_last`). */
  removeDynamic(pid: Pid, beforeSetelement?: () => void): void {
    const old = this.dyn ?? emptyMap;
    this.dyn = removeOnHeap(this.ctx, old, pid);
    if (this.dyn === old) return;
    const dynamics = this.ctx.alloc(new Tuple([this.dynKind, this.dyn]));
    beforeSetelement?.();
    this.record = this.ctx.bifResult(this.build(dynamics, this.childrenTerm()), { charge: 13 });
  }

  /** The `#child{}` record stored under `id` (simple_one_for_one: the template), on the heap. */
  childRecordOf(id: Term): Tuple | undefined {
    return mapGet(this.db, id) as Tuple | undefined;
  }

  /** What the dynamic store keeps for `pid` (`[]` in mapsets, the arguments in maps). */
  dynamicValue(pid: Pid): Term | undefined {
    return this.dyn === undefined ? undefined : mapGet(this.dyn, pid);
  }

  /** `mapsets` (temporary children: no arguments kept) or `maps`. */
  get keepsArgs(): boolean {
    return this.dynKind === K.maps;
  }

  /** add_restart: the restart times list (newest first, whole seconds). */
  setRestarts(times: readonly number[]): void {
    this.restarts = this.ctx.alloc(list([...times]));
    this.commit(this.dynamicsTerm(), this.childrenTerm(), 0);
  }

  private dynamicsTerm(): Term {
    return this.dyn === undefined ? A.undefined : new Tuple([this.dynKind, this.dyn]);
  }

  /** `{Ids, Db}`: one object while neither changes (a record copy shares it, as setelement does). */
  private childrenTerm(): Term {
    const c = this.children;
    if (c?.elements[0] === this.ids && c.elements[1] === this.db) return c;
    this.children = new Tuple([this.ids, this.db]);
    return this.children;
  }

  /** Allocates the new record (and the new dynamics/children tuples: `extra` of their words
   * are new in this change). */
  private commit(dynamics: Term, children: Term, extra: number): void {
    const rec = this.build(dynamics, children);
    // the record (13 words) plus the changed wrapper tuple(s); unchanged wrappers are shared
    this.record = this.ctx.alloc(rec, { charge: 13 + extra });
  }

  private build(dynamics: Term, children: Term): Tuple {
    const f = this.f;
    return new Tuple([K.state, f.name, atom(f.strategy), children === nil ? new Tuple([nil, emptyMap]) : children, dynamics, f.intensity, f.period, this.restarts, 0, atom(f.autoShutdown), atom(f.module), f.args]);
  }
}

function idsWithout(ids: Term, id: Term): Term[] {
  const out: Term[] = [];
  for (let l = ids; l instanceof Cons; l = l.tail) if (!equals(l.head, id)) out.push(l.head);
  return out;
}

const E = {
  struct: atom("__struct__"),
  dynSup: atom("Elixir.DynamicSupervisor"),
  keys: ["args", "children", "extra_arguments", "max_children", "max_restarts", "max_seconds", "mod", "name", "restarts", "strategy"].map((k) => atom(k)),
};

/** `%DynamicSupervisor{}`'s keys: `__struct__` and its 10 fields. */
const STRUCT_KEYS = 1 + 10;

export interface DynSupStateFields {
  readonly name: Term;
  readonly args: Term;
  readonly extraArguments: Term;
  readonly maxChildren: Term;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly module: string;
}

/**
 * Elixir's `%DynamicSupervisor{}` state on the supervisor's heap: an 11-key struct (a flatmap;
 * `%{state | children: …}` copies its values part, 3 + 11 words) whose `children` map holds
 * `pid => {{M, F, Args}, Restart, Shutdown, Type, Modules}` (Args `undefined` for temporary
 * children, as Elixir's mfa_for_restart stores them). Maps grow and shrink with the words
 * maps:put/maps:remove allocate (mapPutWords/mapRemoveWords).
 */
/** What a caller allocates between DynSupStateTerm.addChild's steps (Elixir's save_child). */
export interface ChildSteps {
  /** Before the child tuple is built (its heap test). */
  beforeChild(): void;
  /** After the child tuple is built. */
  afterChild(): void;
  /** After the children map is updated (`children`: the new map), before the struct. */
  afterChildren(children: Term): void;
  /** mfa_for_restart's result when the caller built it already (a temporary child's
   * `{M, F, undefined}`, on the heap). */
  readonly restartMfa?: Tuple;
}

export class DynSupStateTerm {
  private record: Term;
  private children: ErlMap = emptyMap;
  private restarts: Term = nil;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly f: DynSupStateFields,
  ) {
    // DynamicSupervisor.init/1: %DynamicSupervisor{mod: …, args: …, name: …} is put_map_assoc on the
    // struct literal with three new keys (the whole flatmap, 3 + 11 + 1 + 11 words, one heap
    // test), then init/2's %{state | …} puts the flags (3 + 11 words, sharing that keys tuple).
    // The keys tuple is one heap object every later version shares (put_map_exact keeps the
    // keys): a root of the supervisor while its state lives, each version then 3 + 11 words.
    // Measured: a minor collection after the struct's first update promotes those 12 words
    // (dynsup_memory's supervisor, gc trace: 52 promoted words where per-version keys gave 40).
    ctx.heap.heapTest(1 + STRUCT_KEYS + 3 + STRUCT_KEYS);
    const keys = ctx.alloc(new Tuple([E.struct, ...E.keys]));
    ctx.heap.addRootSource({
      forEachRoot: (visit) => {
        visit(keys);
      },
    });
    ctx.alloc(this.build());
    this.record = ctx.alloc(this.build());
  }

  get term(): Term {
    return this.record;
  }

  /**
   * save_child: `pid => {MFA, Restart, Shutdown, Type, Modules}`. With `message` (the received
   * start_child payload `{{M, F, Args}, Restart, Shutdown, Type, Modules}`) the new tuple shares
   * the message's terms, as Elixir's does — only the 6-word tuple (and, for a temporary child,
   * the 4-word `{M, F, undefined}`) is built; without it (a restart) everything is new.
   */
  addChild(pid: Pid, spec: CheckedSpec, message?: Tuple, steps?: ChildSteps): void {
    let child: Tuple;
    steps?.beforeChild();
    if (message !== undefined) {
      const [mfa, restart, shutdown, type, modules] = message.elements as [Tuple, Term, Term, Term, Term];
      const kept = steps?.restartMfa ?? (spec.restart === "temporary" ? new Tuple([mfa.elements[0] as Term, mfa.elements[1] as Term, A.undefined]) : mfa);
      child = this.ctx.alloc(new Tuple([kept, restart, shutdown, type, modules]));
    } else child = this.ctx.alloc(new Tuple([mfaTerm(spec), atom(spec.restart), shutdownTerm(spec), atom(spec.type), spec.modules]));
    // the words made between the steps (save_child's tuples) with the new terms live, as in x registers
    const live = this.ctx.heap.pushFrame(0);
    live.hold(child);
    steps?.afterChild();
    // Map.get_and_update/3's inlined Map.put: put_map_assoc (beam_disasm of Elixir 1.14's Map)
    this.children = this.ctx.putMapAssoc(this.children, pid, child); // Map.get_and_update's put_map_assoc
    live.hold(this.children);
    steps?.afterChildren(this.children);
    this.ctx.heap.popFrame(live);
    this.commit();
  }

  removeChild(pid: Pid): void {
    const old = this.children;
    this.children = removeOnHeap(this.ctx, old, pid);
    if (this.children === old) return;
    this.commit();
  }

  setRestarts(times: readonly number[]): void {
    this.restarts = this.ctx.alloc(list([...times]));
    this.commit();
  }

  /** `%{state | …}`: a new struct sharing the keys tuple (3 + 11 words). */
  private commit(): void {
    this.record = this.ctx.alloc(this.build());
  }

  private build(): Term {
    const f = this.f;
    const values: Term[] = [f.args, this.children, f.extraArguments, f.maxChildren, f.maxRestarts, f.maxSeconds, atom(f.module), f.name, this.restarts, atom("one_for_one")];
    // its keys tuple is the shared one (the constructor): no words of its own
    return markKeysLiteral(mapFromEntries([[E.struct, E.dynSup], ...E.keys.map((k, i) => [k, values[i] as Term] as const)]));
  }
}
