/**
 * `spawn(fun() -> … end)` as the routers twin starts its processes: the fun, and what the
 * child's heap holds before its body runs.
 *
 * Owns: {@link spawnFun} (the twin's fun as a term: the spawning process builds it with
 * `make_fun3`, and the model copies the spawn's arguments `[F]` onto the child's heap) and
 * {@link spawnFunArgs}.
 * Measured (tooling/beam-oracle/fixtures/spawn_heap.json, erts 13.1.5): a child of `spawn(F)`
 * waiting in its first receive has heap_size = size(F) + 2 — the fun (5 words + its free
 * variables, erts_debug:size) and one 2-word cell, for 0…3 free variables. The model copies a
 * spawn's arguments onto the child's heap as the list `[A1, …, An]` (heap package,
 * ProcessHeap `spawnArgs`), so `[F]` places exactly those words.
 * Invariant: the copied fun is garbage once the body runs (nothing roots it), as on the BEAM,
 * where apply/2 moves the fun's free variables into registers and drops the fun.
 */
import { atom, LocalFun, type Term } from "@beamlab/heap";

const MODULE = atom("beamlab_twin_routers");

/** The twin's fun numbered `index` (erlc's `'-F/A-fun-<index>-'`) with these free variables. */
export function spawnFun(index: number, free: readonly Term[]): LocalFun {
  return new LocalFun(MODULE, index, 0, 0, free);
}

/**
 * The spawn arguments of `spawn(F)` for the twin's `index`th fun with these free variables;
 * pass them as `ctx.spawn(body, spawnFunArgs(…), …)` (the body ignores them).
 */
export function spawnFunArgs(index: number, free: readonly Term[]): Term[] {
  return [spawnFun(index, free)];
}
