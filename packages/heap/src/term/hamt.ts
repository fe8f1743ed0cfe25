/**
 * The node layout of a HAMT map (a map of more than 32 keys) on OTP 25.
 *
 * Owns: {@link hamtLayout} (the tree of nodes, in the BEAM's slot order) and
 * {@link hamtNodeWords} (the heap words of those nodes), both cached per map object.
 *
 * The tree is canonical: it depends only on the set of keys, not on insertion order.
 * - Each key has a 32-bit hash `internalHash(key, 0)` (hash.ts). At depth d (root = 0) its
 *   slot is nibble `d mod 8` of the hash, least significant first. Keys equal in all 32 bits
 *   go on below depth 8 with a second hash, `mapHash(key, 1)` (`make_map_hash(Key, Lvl >> 3)`
 *   of `hashmap_restore_hash`, erl_map.h), whose start value we measured (hash.ts); below
 *   depth 16 `mapHash(key, 2)`, and so on. OTP 25 has no collision nodes. Such keys are not
 *   rare: among the integers 1..65536 the pair 40660, 59671 collides.
 * - A slot holding exactly one key points straight at its leaf, a cons cell `[K|V]`
 *   (2 words); a slot holding more keys points at an inner node one level down, even when all
 *   of them share the next nibble too (a chain of one-child nodes).
 * - Head node (the root): header, size, one pointer per used slot: `2 + k` words (a full
 *   root is the array form, `2 + 16`). Inner node: header (with the bitmap) and pointers:
 *   `1 + k` words.
 *
 * Checked against OTP 25.2.3: `erts_debug:flat_size/1` of `maps:from_list` of integer keys for
 * every size 33…1100, 2000, 4096, 10000, 65536 (fixture `hamt_int_keys`, size.test.ts); pair
 * order of `term_to_binary` of random HAMTs and of maps of colliding keys (etf.test.ts,
 * hash.test.ts, with a live node).
 *
 * Iteration order (what `internalHash` of a HAMT and `term_to_binary` walk): depth first, the
 * children of a node from the *highest* slot to the lowest, a leaf's key before its value.
 *
 * Invariants: maps are immutable, so a layout computed once stays valid; it is kept in a
 * WeakMap and dies with its map. Module cycle with hash.ts: see there.
 */
import { mapHash, type AtomIndexOf } from "./hash.js";
import { MAP_SMALL_MAP_LIMIT, type ErlMap, type Term } from "./types.js";

/**
 * One node of a HAMT. `children` are in slot order (lowest slot first): a number is the index
 * of a key (and its value) in `map.keys` / `map.values`, i.e. a leaf cons cell; a node is an
 * inner node one level down.
 */
export class HamtNode {
  constructor(
    /** The map whose keys the leaf indices point into. */
    readonly map: ErlMap,
    /** 16-bit bitmap of the used slots. */
    readonly bitmap: number,
    readonly children: readonly (number | HamtNode)[],
    /** Depth of this node (0 = the head node). */
    readonly depth: number,
  ) {}
}

interface Layout {
  root: HamtNode;
  words: number;
}

const cache = new WeakMap<ErlMap, Layout>();

/** Deepest level any key may need before the BEAM would rehash forever (a broken hash). */
const MAX_DEPTH = 8 * 64;

/**
 * The HAMT of `m` (which must have more than 32 keys): its head node.
 *
 * **Cost**: the first call hashes every key and partitions them, O(n log n) (one 32-bit hash
 * per key; a rehash only for keys that share 32 hash bits); later calls on the same map are a
 * WeakMap lookup. With `atomIndex` (another atom numbering, e.g. a real node's, for tests) the
 * layout is computed afresh and not cached.
 */
export function hamtLayout(m: ErlMap, atomIndex?: AtomIndexOf): HamtNode {
  return atomIndex === undefined ? layoutOf(m).root : build(m, atomIndex).root;
}

/**
 * Heap words of the HAMT nodes of `m` plus one 2-word cons cell per key: `flat_size` of the map
 * minus the sizes of its keys and values. 0 for a flatmap (≤ 32 keys; size.ts sizes those).
 *
 * **Cost**: as {@link hamtLayout}, cached per map.
 */
export function hamtNodeWords(m: ErlMap, atomIndex?: AtomIndexOf): number {
  if (m.keys.length <= MAP_SMALL_MAP_LIMIT) return 0;
  return atomIndex === undefined ? layoutOf(m).words : build(m, atomIndex).words;
}

function layoutOf(m: ErlMap): Layout {
  let layout = cache.get(m);
  if (layout === undefined) {
    layout = build(m, (a) => a.index);
    cache.set(m, layout);
  }
  return layout;
}

/** A node under construction: the key indices it holds, at `depth`. */
interface Pending {
  keys: number[];
  depth: number;
  /** Where to store the finished node: `parent.slots[slot]`. */
  parent: Building | undefined;
  slotIndex: number;
}

interface Building {
  bitmap: number;
  slots: (number | HamtNode | undefined)[];
  depth: number;
  waiting: number;
  parent: Building | undefined;
  slotIndex: number;
}

function build(m: ErlMap, atomIndex: AtomIndexOf): Layout {
  const keys = m.keys;
  const n = keys.length;
  const h0 = new Uint32Array(n);
  for (let i = 0; i < n; i++) h0[i] = mapHash(keys[i] as Term, 0, atomIndex);
  // Rehashes for salt >= 1, computed only for keys that reach depth 8.
  const salted = new Map<number, number[]>();
  const hashAt = (i: number, depth: number): number => {
    const salt = depth >>> 3;
    if (salt === 0) return h0[i] as number;
    let hs = salted.get(i);
    if (hs === undefined) {
      hs = [h0[i] as number];
      salted.set(i, hs);
    }
    while (hs.length <= salt) hs.push(mapHash(keys[i] as Term, hs.length, atomIndex));
    return hs[salt] as number;
  };

  let words = 0;
  let root: HamtNode | undefined;
  const all = new Array<number>(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const work: Pending[] = [{ keys: all, depth: 0, parent: undefined, slotIndex: 0 }];

  const finish = (b: Building): void => {
    // Completes `b` and every ancestor whose last child it was.
    let cur: Building = b;
    for (;;) {
      const node = new HamtNode(m, cur.bitmap, cur.slots as (number | HamtNode)[], cur.depth);
      const parent: Building | undefined = cur.parent;
      if (parent === undefined) {
        root = node;
        return;
      }
      parent.slots[cur.slotIndex] = node;
      parent.waiting--;
      if (parent.waiting > 0) return;
      cur = parent;
    }
  };

  while (work.length > 0) {
    const { keys: ks, depth, parent, slotIndex } = work.pop() as Pending;
    if (depth > MAX_DEPTH) throw new Error("HAMT deeper than any real hash allows: two keys hash identically at every salt");
    const shift = 4 * (depth & 7);
    const buckets: (number[] | undefined)[] = new Array<number[] | undefined>(16);
    let bitmap = 0;
    for (const i of ks) {
      const slot = (hashAt(i, depth) >>> shift) & 15;
      const bucket = buckets[slot];
      if (bucket === undefined) {
        buckets[slot] = [i];
        bitmap |= 1 << slot;
      } else {
        bucket.push(i);
      }
    }
    const slots: (number | HamtNode | undefined)[] = [];
    const b: Building = { bitmap, slots, depth, waiting: 0, parent, slotIndex };
    let k = 0;
    for (let slot = 0; slot < 16; slot++) {
      const bucket = buckets[slot];
      if (bucket === undefined) continue;
      if (bucket.length === 1) {
        slots.push(bucket[0]);
        words += 2; // the leaf cons cell
      } else {
        slots.push(undefined);
        b.waiting++;
        work.push({ keys: bucket, depth: depth + 1, parent: b, slotIndex: k });
      }
      k++;
    }
    words += (depth === 0 ? 2 : 1) + k;
    if (b.waiting === 0) finish(b);
  }
  if (root === undefined) throw new Error("unreachable: HAMT without a root");
  return { root, words };
}

/**
 * Pushes a HAMT node's children onto an explicit work stack in slot order (a leaf slot as its
 * key then value pushed value-first, an inner node as itself), so the highest slot is popped
 * first: the order in which the BEAM walks a HAMT when it hashes or encodes it.
 */
export function pushHamtChildren(stack: { push(item: Term | HamtNode): unknown }, node: HamtNode): void {
  const { children, map } = node;
  for (const child of children) {
    if (typeof child === "number") {
      stack.push(map.values[child] as Term);
      stack.push(map.keys[child] as Term);
    } else {
      stack.push(child);
    }
  }
}

/** The nodes from the head node down to the one holding a key's leaf (see {@link hamtPath}). */
export interface HamtPath {
  /** Heap words of those nodes (head `2 + k`, inner `1 + k`; the leaf cell not included). */
  readonly words: number;
  /** The node that holds the leaf. */
  readonly last: HamtNode;
}

/**
 * The path from the head node of `m` down to the node that holds key `index` of `m` as a leaf,
 * or `undefined` when `m` is a flatmap. This is what `maps:put`/`maps:remove` copy on a HAMT
 * (erl_map.c's hashmap_insert/hashmap_delete rebuild the nodes on that path and share the rest).
 */
export function hamtPath(m: ErlMap, index: number): HamtPath | undefined {
  if (m.keys.length <= MAP_SMALL_MAP_LIMIT) return undefined;
  const stack: [HamtNode, number][] = [[layoutOf(m).root, 0]];
  while (stack.length > 0) {
    const [node, above] = stack.pop() as [HamtNode, number];
    const here = above + (node.depth === 0 ? 2 : 1) + node.children.length;
    for (const c of node.children) {
      if (c === index) return { words: here, last: node };
      if (typeof c !== "number") stack.push([c, here]);
    }
  }
  return undefined;
}
