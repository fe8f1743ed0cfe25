/**
 * A HAMT map's nodes as heap objects: what a collection copies of a map of more than 32 keys.
 *
 * Owns: the heap objects under a HAMT's head node — each inner node a {@link Blob} of `1 + k`
 * words (header with bitmap, one pointer per used slot), each leaf a real cons cell `[K|V]` —
 * kept per map in slot order (the order of `hamtLayout(m).children`, recursively), and how a
 * `maps:put`/`maps:remove` result shares them with the map it came from.
 *
 * On the BEAM a map is a tree of heap objects: erl_map.c's hashmap_insert/hashmap_delete
 * rebuild only the nodes on the changed key's path and a new leaf, and point at every other
 * node (and leaf cell) of the old map, which may sit in the old generation. So a minor
 * collection that finds the newest map young copies only its path (the model used to keep the
 * map in one object and copy all of it: the DynamicSupervisor with 1,000 children came out 1.27
 * of the BEAM's memory, an Agent-piling supervisor 0.46, and the kit's maps:put loop collected
 * 2.3x as often).
 *
 * Invariants:
 * - The node objects of a map mirror its canonical layout (term/hamt.ts) slot for slot, so the
 *   words of the head (`2 + k`, the map object itself, see node-words.ts), its inner nodes and
 *   its leaves add up to `hamtNodeWords(m)` plus the bignums its keys and values hold.
 * - A map's nodes are made once, when first asked for (the first trace of the map, i.e. when it
 *   is placed on a heap), or by {@link shareHamtNodes} when the map comes from an update of a
 *   map whose nodes exist; they are never changed afterwards (maps are immutable).
 * - Sharing is only with nodes that already exist: a map that was never placed has nothing on
 *   any heap to share, and its update gets nodes of its own (all fresh, as if built whole).
 */
import { hamtLayout, type HamtNode } from "../term/hamt.js";
import { mapHash } from "../term/hash.js";
import { Cons, MAP_SMALL_MAP_LIMIT, type ErlMap, type Term } from "../term/types.js";
import { Blob } from "./blob.js";

/** A child of a HAMT node on the heap: an inner node, or a leaf cell `[K|V]`. */
export type HamtChild = Blob | Cons;

const nodesOf = new WeakMap<ErlMap, readonly HamtChild[]>();

/** Heap words of a HAMT's head node (the map object itself): header, size, one word per used slot. */
export function hamtHeadWords(m: ErlMap): number {
  return 2 + hamtLayout(m).children.length;
}

/**
 * The children of `m`'s head node as heap objects, in slot order (made on first use).
 * `m` must be a HAMT (more than 32 keys).
 */
export function hamtHeadChildren(m: ErlMap): readonly HamtChild[] {
  let kids = nodesOf.get(m);
  if (kids === undefined) {
    kids = freshChildren(hamtLayout(m));
    nodesOf.set(m, kids);
  }
  return kids;
}

/**
 * Gives `updated` (the result of `maps:put(Key, _, Old)` or `maps:remove(Key, Old)`) the node
 * objects the BEAM gives it: new nodes on `key`'s path and a new leaf for a put key, every other
 * node and leaf cell the old map's own objects. Does nothing when either map is a flatmap or
 * when `old`'s nodes were never made (then `updated` gets fresh nodes on first use).
 */
export function shareHamtNodes(old: ErlMap, updated: ErlMap, key: Term): void {
  if (old.keys.length <= MAP_SMALL_MAP_LIMIT || updated.keys.length <= MAP_SMALL_MAP_LIMIT) return;
  const oldKids = nodesOf.get(old);
  if (oldKids === undefined || nodesOf.has(updated)) return;
  const hashes: number[] = [];
  const slotAt = (depth: number): number => {
    const salt = depth >>> 3;
    while (hashes.length <= salt) hashes.push(mapHash(key, hashes.length));
    return ((hashes[salt] as number) >>> (4 * (depth & 7))) & 15;
  };
  nodesOf.set(updated, derive(hamtLayout(updated), hamtLayout(old), oldKids, undefined, slotAt));
}

function freshChildren(node: HamtNode): HamtChild[] {
  const { map, children } = node;
  const out = new Array<HamtChild>(children.length);
  for (let i = 0; i < children.length; i++) {
    const c = children[i] as number | HamtNode;
    out[i] = typeof c === "number" ? new Cons(map.keys[c] as Term, map.values[c] as Term) : new Blob(1 + c.children.length, freshChildren(c));
  }
  return out;
}

/**
 * The node objects of new-layout node `n`, sharing with the old layout node `o` at the same place
 * (`oldKids` its objects), or — below a slot where the old map had a single leaf that the new
 * key now shares (a split) — with that old leaf cell `loose`.
 */
function derive(n: HamtNode, o: HamtNode | undefined, oldKids: readonly HamtChild[] | undefined, loose: Cons | undefined, slotAt: (depth: number) => number): HamtChild[] {
  const keySlot = slotAt(n.depth);
  const out: HamtChild[] = [];
  let ni = 0;
  let oi = 0;
  for (let s = 0; s < 16; s++) {
    const inNew = ((n.bitmap >>> s) & 1) === 1;
    const inOld = o !== undefined && ((o.bitmap >>> s) & 1) === 1;
    const nc = inNew ? (n.children[ni++] as number | HamtNode) : undefined;
    const oc = inOld ? (o.children[oi] as number | HamtNode) : undefined;
    const ok = inOld ? oldKids?.[oi] : undefined;
    if (inOld) oi++;
    if (nc === undefined) continue;
    if (s !== keySlot && ok !== undefined) {
      out.push(ok); // off the key's path: the same keys below, the old node or leaf as it is
      continue;
    }
    if (typeof nc === "number") {
      const k = n.map.keys[nc] as Term;
      const v = n.map.values[nc] as Term;
      out.push(oldLeaf(ok ?? loose, k, v) ?? new Cons(k, v));
    } else if (typeof oc === "object") {
      out.push(new Blob(1 + nc.children.length, derive(nc, oc, (ok as Blob).children as HamtChild[], undefined, slotAt)));
    } else {
      // the old map held one leaf here (or nothing): a split below it
      const leaf = typeof oc === "number" ? (ok as Cons) : loose;
      out.push(new Blob(1 + nc.children.length, derive(nc, undefined, undefined, leaf, slotAt)));
    }
  }
  return out;
}

/**
 * The old leaf cell of key `k` with value `v` at this place, when there is one: the cell itself,
 * or a leaf of an old inner node that a removal collapsed (its parent now points at the leaf).
 */
function oldLeaf(old: HamtChild | undefined, k: Term, v: Term): Cons | undefined {
  if (old === undefined) return undefined;
  if (old instanceof Cons) return old.head === k && old.tail === v ? old : undefined;
  for (const c of old.children) if (c instanceof Cons && c.head === k && c.tail === v) return c;
  return undefined;
}
