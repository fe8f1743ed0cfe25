/**
 * Where a HAMT built by erl_map.c's heap factory puts its words — on the heap or in heap
 * fragments: `maps:from_list/1` (hashmap_from_validated_list, the workload kit) and the
 * flatmap growing past 32 keys in `M#{K => V}` (erts_gc_update_map_assoc →
 * erts_hashmap_from_ks_and_vs, whose leaves are the factory's first unit: the same placement,
 * as a first unit that does not fit is an HAllocX of its own either way).
 *
 * Owns: the allocation units of a HAMT built from a list and their placement:
 *  1. `HAlloc(2n)` for the n leaf cells `[K|V]`, one run (on the heap when `stop − htop` holds
 *     it, else a fragment of exactly that size);
 *  2. the inner nodes, `1 + k` words each, produced by hashmap_from_chunked_array through a heap
 *     factory (erl_message.c, FACTORY_HALLOC) as each subtree is finished: post-order, the
 *     children of a node from the highest slot to the lowest (the keys sorted by their swizzled
 *     hash, descending) — each `erts_produce_heap(need, HALLOC_EXTRA = 200)`;
 *  3. the head node, `2 + k` words, `erts_produce_heap(need, 0)`, last.
 * The factory starts with the heap's free space as its block; the first unit that does not fit
 * gives the unused rest back (HRelease) and from then on every unit is its own `HAllocX(need,
 * xtra)`: on the heap when the rest still holds it (a smaller node after a larger one does),
 * else in the newest heap fragment when its spare room holds it (erts_heap_alloc), else in a new
 * fragment of `need + xtra` words whose `xtra` stay spare for later units — and for the next
 * BIF's `HAlloc`s, until a collection (or another fragment) ends that fragment's turn.
 * Measured: kit_blocks.json's maps_from_list_hamt loop (200 integer keys: 400 leaf words, 336
 * node words) — with this placement every collection's heap and mbuf sizes are the BEAM's
 * (placing the map as one run put a node's words on the wrong side at 4 collections).
 * Invariant: the units' words add up to the map's HAMT words (`mapWords`).
 */
import type { ErlMap } from "../term/types.js";
import { hamtLayout, type HamtNode } from "../term/hamt.js";
import type { ProcessHeap } from "./process-heap.js";

/** `HALLOC_EXTRA` of erl_map.c: the spare words a factory asks for with each inner node. */
const HALLOC_EXTRA = 200;

/** One allocation: its words and the spare words asked for with it. */
export interface AllocUnit {
  readonly words: number;
  readonly xtra: number;
}

/** The units of `maps:from_list` of a HAMT `m`, in the order the BIF allocates them. */
export function hamtFromListUnits(m: ErlMap): AllocUnit[] {
  const root = hamtLayout(m);
  const units: AllocUnit[] = [{ words: 2 * m.keys.length, xtra: 0 }];
  const visit = (node: HamtNode): void => {
    for (let i = node.children.length - 1; i >= 0; i--) {
      const c = node.children[i] as number | HamtNode;
      if (typeof c !== "number") visit(c);
    }
    if (node !== root) units.push({ words: 1 + node.children.length, xtra: HALLOC_EXTRA });
  };
  visit(root);
  units.push({ words: 2 + root.children.length, xtra: 0 });
  return units;
}

/** The newest heap fragment's spare room, valid while the heap's young generation and mbuf are unchanged. */
interface Spare {
  readonly stamp: number;
  readonly mbuf: number;
  readonly words: number;
}
const spareOf = new WeakMap<ProcessHeap, Spare>();

/** Words of `units` placed on the heap and in fragments, as the factory places them (nothing is placed here). */
export function factoryPlacement(heap: ProcessHeap, units: readonly AllocUnit[], reserve: number): { onHeap: number; inFragments: number } {
  const st = heap.state;
  const known = spareOf.get(heap);
  let spare = known?.stamp === st.newStamp && known.mbuf === st.mbufSz ? known.words : 0;
  let free = Math.max(0, heap.freeWords - reserve);
  let onHeap = 0;
  let inFragments = 0;
  let factoryOnHeap = false; // the factory still runs in the heap block it started with
  units.forEach((u, i) => {
    // unit 0 is a plain HAlloc; the factory begins with unit 1 on the heap's free block
    if (i === 1) factoryOnHeap = true;
    if (factoryOnHeap && u.words <= free) {
      free -= u.words;
      onHeap += u.words;
      return;
    }
    factoryOnHeap = false; // HRelease: the rest of the block goes back, each unit an HAllocX now
    if (u.words <= free) {
      free -= u.words;
      onHeap += u.words;
    } else if (u.words <= spare) {
      spare -= u.words;
      inFragments += u.words;
    } else {
      spare = u.xtra;
      inFragments += u.words;
    }
  });
  spareOf.set(heap, { stamp: st.newStamp, mbuf: st.mbufSz + inFragments, words: spare });
  return { onHeap, inFragments };
}
