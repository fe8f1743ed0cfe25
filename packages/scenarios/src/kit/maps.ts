/**
 * Workload kit: map updates with the BEAM's allocation (issue 12).
 *
 * Owns: `maps:put(K, V, M)` (the BIF, erts_maps_put) and the map syntax `M#{K => V}` (the
 * `put_map_assoc` instruction) — one heap test for the words the update builds, then the new
 * map. The two differ on flatmaps (heap package: `mapPutWords` vs `mapAssocWords`, both
 * recorded in map_ops.json): the BIF shares the keys tuple on an update and allocates one
 * word more for a new key; the syntax builds the whole flatmap, and a flatmap growing past 32
 * keys as a 33-key flatmap before the HAMT. On a HAMT both copy the key's path and a new leaf;
 * the other nodes are the old map's own heap objects (heap's hamt-nodes.ts), wherever they are.
 * Checked against kit_blocks.json's maps_put loop (`M#{I => I}`, 200 keys: flatmaps, then HAMTs).
 * Invariant: the old map is unchanged; the new map is placed on `ctx.heap`.
 */
import { isFlatmap, mapPut, mapPutWords, type ErlMap, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";

/**
 * `maps:put(K, V, M)`: the updated map, its words charged as the BIF builds them. A BIF does
 * no heap test: its `HAlloc` puts the map on the heap when it fits (BIF_CALL_STACK_WORDS below
 * a heap test's room), else in a heap fragment; then call_light_bif's after-BIF check.
 */
export function* mapsPut(ctx: ProcessContext, m: ErlMap, key: Term, value: Term): Generator<Op, ErlMap, unknown> {
  yield* ctx.call(); // call_ext maps:put/3
  const updated = mapPut(m, key, value);
  if (updated === m) return m;
  return ctx.bifResult(updated, isFlatmap(updated) ? { charge: mapPutWords(m, updated, key) } : {});
}

/**
 * `M#{K => V}`: the updated map, its words charged as `put_map_assoc` builds them
 * (`ProcessContext.putMapAssoc`): a heap test for the whole new flatmap; on a HAMT an HAlloc'd
 * path with no test, so it spills into heap fragments until the next heap test collects
 * (kit_blocks.json's maps_put: a 4,818-word fragment by the end of a round).
 */
export function putMapAssoc(ctx: ProcessContext, m: ErlMap, key: Term, value: Term): ErlMap {
  return ctx.putMapAssoc(m, key, value);
}
