/**
 * Workload kit: map updates with the BEAM's allocation (issue 12).
 *
 * Owns: `M#{K => V}` / `maps:put(K, V, M)` (`put_map_assoc`: one heap test for the words the
 * update builds — a flatmap rebuilt whole, or a HAMT's nodes on the key's path — then the new
 * map), using the heap package's `mapPutWords` (map_ops.json) and its one-object map model
 * (`ageOf`: the new map stays where the old one's nodes are). Checked against
 * kit_blocks.json's maps_put loop (200 keys: flatmaps, then HAMTs).
 * Invariant: the old map is unchanged; the new map is placed on `ctx.heap`.
 */
import { isFlatmap, mapPut, mapPutWords, type ErlMap, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";

/** `M#{K => V}`: the updated map, its words charged as the BEAM builds them. */
export function mapsPut(ctx: ProcessContext, m: ErlMap, key: Term, value: Term): ErlMap {
  const updated = mapPut(m, key, value);
  if (updated === m) return m;
  const words = mapPutWords(m, updated, key);
  // a flatmap (≤ 32 keys) is rebuilt whole: nothing is shared with the old map, the new one is
  // young; a HAMT shares every node off the key's path (the one-object model: `ageOf`)
  if (isFlatmap(updated)) return ctx.alloc(updated, { charge: words, need: words });
  return ctx.alloc(updated, { charge: words, need: words, ageOf: m });
}
