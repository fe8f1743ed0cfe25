/**
 * supervisor:init/1's words on the supervisor's heap, as OTP 25 compiles it (beam_disasm of
 * stdlib 4.2's supervisor.beam), up to the state record init_dynamic/init_children start from.
 *
 * Owns: the garbage of init_state/4 (supname's `{self(), Mod}` is the state's name, built by
 * the caller), check_flags/1's maps:merge, set_flags/2's record copy, and check_startspec's
 * per-spec work (check_childspec's maps:merge, do_check_childspec's default `[M]` modules,
 * validMods' fun, the `#child{}` record and its `{ok, Child}`, `Db#{Id => Child}`, `[Id | Ids]`,
 * lists:reverse and the `{ok, {Ids, Db}}` result).
 * Measured on `erl +S 1` (erts 13.1.5): each function of a recompiled copy of supervisor.erl
 * called in a process with a large min_heap_size, its heap_size read from another process
 * between the calls: init_state/4 47 words, check_startspec/2 of one map spec 49,
 * init_dynamic/2 78, supervisor:init/1 with a callback returning `ignore` 4 (around the
 * callback's `apply`; not named by the disassembly), flatmap merges (erl_map.c's
 * flatmap_merge: a keys tuple for both inputs' keys, 1 + n1 + n2, then the merged map's
 * 3 + n words; the values' excess is released, the keys' is not), lists:reverse/1 of a
 * one-element list 0 (it is returned as is), a fun without free variables 5.
 * Invariant: only garbage and the words a caller keeps are allocated here; the state record
 * itself is supervisor-state.ts's.
 */
import { atom, Cons, emptyMap, list, nil, Tuple, type ErlMap, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import type { CheckedSpec } from "./child-spec.js";

/** The `#state{}` record: the tag and 11 fields, plus the header word. */
const RECORD_WORDS = 13;
/** The flags check_flags/1 merges with (strategy, intensity, period, auto_shutdown). */
const DEFAULT_FLAGS = 4;
/** check_childspec/2's defaults map: #{restart => permanent, type => worker}. */
const DEFAULT_SPEC_KEYS = ["restart", "type"] as const;
/** A fun without free variables (validMods/1's make_fun3). */
const FUN0_WORDS = 5;
/** supervisor:init/1's own words around `Mod:init(Args)` (measured, see the header). */
const INIT_OWN_WORDS = 4;

/** maps:merge(A, B) of two flatmaps with n1 and n2 keys and n keys in the result. */
export const flatmapMergeWords = (n1: number, n2: number, n: number): number => 1 + n1 + n2 + 3 + n;

/** supervisor:init/1's own words around the callback (measured, see the header). */
export function initOwnWords(ctx: ProcessContext): void {
  ctx.heap.allocGarbage(INIT_OWN_WORDS);
}

/** init_state/4 + set_flags/2 (before supname, whose tuple the state keeps):
 * `#state{name, module, args}` (13), check_flags' merge, `State#state{flags}` (setelement,
 * 13), `{ok, State}` (3). `givenFlags`: the keys of the callback's flags map. */
export function initStateWords(ctx: ProcessContext, givenFlags: number): void {
  ctx.heap.allocGarbage(RECORD_WORDS);
  ctx.heap.allocGarbage(flatmapMergeWords(DEFAULT_FLAGS, givenFlags, DEFAULT_FLAGS));
  ctx.heap.allocGarbage(RECORD_WORDS + 3);
}

/** The keys a child spec map gives (id and start always). */
export function specKeys(spec: { readonly restart?: unknown; readonly significant?: unknown; readonly shutdown?: unknown; readonly type?: unknown; readonly modules?: unknown }): string[] {
  const ks = ["id", "start"];
  for (const k of ["restart", "significant", "shutdown", "type", "modules"] as const) if (spec[k] !== undefined) ks.push(k);
  return ks;
}

/**
 * check_startspec/2 of one spec (the per-spec part): check_childspec's maps:merge with the
 * defaults, do_check_childspec's `[M]` when no modules are given (kept in the record), validMods'
 * fun, the `#child{}` record (returned, kept: 10 words; `mfa` — the callback's `{M, F, A}`, a
 * literal or already on the heap — is shared) and its `{ok, Child}`.
 */
export function checkChildspec(ctx: ProcessContext, spec: CheckedSpec, given: readonly string[], mfa: Term): Tuple {
  const merged = new Set([...given, ...DEFAULT_SPEC_KEYS]).size;
  ctx.heap.allocGarbage(flatmapMergeWords(DEFAULT_SPEC_KEYS.length, given.length, merged));
  const modules = given.includes("modules") ? spec.modules : ctx.alloc(spec.modules);
  if (modules instanceof Cons || modules === nil) ctx.heap.allocGarbage(FUN0_WORDS);
  const rec = ctx.alloc(new Tuple([atomChild, atomUndefined, spec.id, mfa, atomOf(spec.restart), spec.significant ? atomTrue : atomFalse, typeof spec.shutdown === "number" ? spec.shutdown : atomOf(spec.shutdown), atomOf(spec.type), modules]), { charge: 10 });
  ctx.heap.allocGarbage(3); // {ok, Child}
  return rec;
}

/** check_startspec/4's fold and its end: `Db#{Id => Child}` (put_map_assoc), `[Id | Ids]`,
 * then lists:reverse(Ids) and `{ok, {Ids, Db}}`. Returns the `{Ids, Db}` tuple (kept). */
export function checkStartspec(ctx: ProcessContext, children: readonly { id: Term; rec: Tuple }[]): { ids: Term; db: ErlMap; children: Tuple } {
  let db: ErlMap = emptyMap; // check_startspec/2's `#{}`: a literal
  let rev: Term = nil;
  for (const c of children) {
    db = ctx.putMapAssoc(db, c.id, c.rec);
    rev = ctx.alloc(new Cons(c.id, rev));
  }
  const ids = children.length <= 1 ? rev : ctx.alloc(list(children.map((c) => c.id)));
  const t = ctx.alloc(new Tuple([ids, db]));
  ctx.heap.allocGarbage(3); // {ok, {Ids, Db}}
  return { ids, db, children: t };
}

const atomChild = atom("child");
const atomUndefined = atom("undefined");
const atomTrue = atom("true");
const atomFalse = atom("false");
const atomOf = (s: string): Term => atom(s);
