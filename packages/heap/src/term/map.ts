/**
 * Building and reading maps.
 *
 * Owns: the only way to make an {@link ErlMap}. Invariant of every map built here: `keys` are
 * strictly increasing in map-key order ({@link compareExact}, OTP 25's `erts_cmp(A, B, 1, 0)`:
 * term order with every integer before every float), so no two keys are `=:=`, and `values[i]`
 * belongs to `keys[i]`. That is the order `maps:to_list/1` returns for a flatmap (≤ 32 keys) on
 * OTP 25; a HAMT (> 32 keys) holds the same keys in hash order on the BEAM, but its term order
 * and equality are defined by this sorted order too.
 */
import { shareHamtNodes } from "../process/hamt-nodes.js";
import { LITERAL } from "../process/stamps.js";
import { compareExact } from "./compare.js";
import { hamtPath } from "./hamt.js";
import { mapWords } from "./size.js";
import { ErlMap, MAP_SMALL_MAP_LIMIT, type Term } from "./types.js";

/**
 * The empty map `#{}`: one shared object, so it is a literal (stamp LITERAL: 0 heap words,
 * never copied or claimed) — as on the BEAM, where `#{}` and
 * `maps:new()` are the literal. Unmarked, the first heap to place it claimed it and every later
 * simulation in the same JS process counted it differently (found by a run-twice check).
 */
export const emptyMap: ErlMap = new ErlMap([], []);
(emptyMap as unknown as { gcStamp: number }).gcStamp = LITERAL;

const literalKeys = new WeakSet<ErlMap>();

/**
 * Marks flatmap `m`'s keys tuple as a literal (in the literal area, 0 heap words, shared by every
 * copy): what the BEAM builds for a map expression with constant keys from the empty map
 * (`#{a => X, b => Y}`: the loader's `i_new_small_map_lit`), and what an update of existing keys
 * keeps (`maps:put` of a present key, `M#{k := V}`). Its heap words are then `3 + n` (header,
 * size, keys pointer, values). Measured: Elixir's DynamicSupervisor flags map (5 constant keys)
 * is 8 live words on OTP 25 (the supervisor's live heap, dynsup_memory.escript's init checks).
 * Returns `m`; must be called before `m` is placed (words are cached per map).
 */
export function markKeysLiteral(m: ErlMap): ErlMap {
  if (m.keys.length > 0 && m.keys.length <= MAP_SMALL_MAP_LIMIT) literalKeys.add(m);
  return m;
}

/** Whether flatmap `m`'s keys tuple is a literal (see {@link markKeysLiteral}). */
export function hasLiteralKeys(m: ErlMap): boolean {
  return literalKeys.has(m);
}

/**
 * A map of `entries`, like `maps:from_list/1`: when two keys are `=:=`, the later entry wins.
 * **Cost**: O(n log n) comparisons; one sort of the entry indices.
 */
export function mapFromEntries(entries: Iterable<readonly [Term, Term]>): ErlMap {
  const ks: Term[] = [];
  const vs: Term[] = [];
  for (const [k, v] of entries) {
    ks.push(k);
    vs.push(v);
  }
  const n = ks.length;
  if (n === 0) return emptyMap;
  // Sort indices by key; among equal keys the later index sorts last, and it is the one kept.
  const order = new Array<number>(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (sorted && i > 0 && compareExact(ks[i - 1] as Term, ks[i] as Term) >= 0) sorted = false;
  }
  if (sorted) return new ErlMap(ks, vs);
  order.sort((i, j) => compareExact(ks[i] as Term, ks[j] as Term) || i - j);
  const keys: Term[] = [];
  const values: Term[] = [];
  for (let p = 0; p < n; p++) {
    const i = order[p] as number;
    const next = order[p + 1];
    if (next !== undefined && compareExact(ks[i] as Term, ks[next] as Term) === 0) continue;
    keys.push(ks[i] as Term);
    values.push(vs[i] as Term);
  }
  return new ErlMap(keys, values);
}

/**
 * Position of `key` in `m.keys` when present (≥ 0), else `-(insertion point) - 1`.
 * **Cost**: O(log n) comparisons.
 */
export function mapIndexOf(m: ErlMap, key: Term): number {
  const keys = m.keys;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareExact(keys[mid] as Term, key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/**
 * The value of `key` (matched with `=:=`, like `maps:get/2`), or `undefined` when absent.
 * **Cost**: O(log n) comparisons.
 */
export function mapGet(m: ErlMap, key: Term): Term | undefined {
  const i = mapIndexOf(m, key);
  return i >= 0 ? m.values[i] : undefined;
}

/**
 * `maps:put(Key, Value, M)`: a new map; `m` is unchanged. When a key `=:=` to `key` is present, its
 * key object is kept and only the value replaced; when that value is already `value` (the same
 * object), `m` itself is returned, as the BEAM does.
 * **Cost**: O(log n) to find the slot, O(n) to copy the arrays.
 */
export function mapPut(m: ErlMap, key: Term, value: Term): ErlMap {
  const i = mapIndexOf(m, key);
  if (i >= 0) {
    // As on the BEAM: the same value (same object) gives back the same map; the stored key stays.
    if (m.values[i] === value) return m;
    const values = m.values.slice();
    values[i] = value;
    const updated = new ErlMap(m.keys.slice(), values);
    if (literalKeys.has(m)) literalKeys.add(updated); // the keys tuple is shared
    shareHamtNodes(m, updated, key);
    return updated;
  }
  const at = -i - 1;
  const keys = m.keys.slice();
  const values = m.values.slice();
  keys.splice(at, 0, key);
  values.splice(at, 0, value);
  const updated = new ErlMap(keys, values);
  shareHamtNodes(m, updated, key);
  return updated;
}

/** The entries in map-key order (`maps:to_list/1` of a flatmap on OTP 25). O(n). */
export function mapEntries(m: ErlMap): [Term, Term][] {
  const out = new Array<[Term, Term]>(m.keys.length);
  for (let i = 0; i < m.keys.length; i++) out[i] = [m.keys[i] as Term, m.values[i] as Term];
  return out;
}

/** Whether the BEAM stores `m` as a flatmap (at most 32 keys) rather than a HAMT. */
export function isFlatmap(m: ErlMap): boolean {
  return m.keys.length <= MAP_SMALL_MAP_LIMIT;
}

/**
 * The heap words `maps:put(Key, Value, Old)` allocates on the BEAM when it gives `updated`
 * (`mapPut(old, key, value)`): a flatmap with a new key is built whole (keys tuple and values);
 * a flatmap update copies the values part only (the keys tuple is shared: `3 + n`); on a HAMT
 * the nodes on the key's path and a new leaf cell (2) — the other nodes are shared. 0 when
 * `updated` is `old` itself. A new key on a flatmap costs one word more than the new map's
 * words, except into the empty map (map_ops.json, recorded by map_ops.escript: every put,
 * update and remove there is reproduced exactly).
 */
export function mapPutWords(old: ErlMap, updated: ErlMap, key: Term): number {
  if (updated === old) return 0;
  const n = updated.keys.length;
  const i = mapIndexOf(updated, key);
  const isNew = old.keys.length !== n;
  // a new key: the new flatmap and one word more, except into the empty map (erts_maps_put
  // builds a 1-key map exactly)
  if (n <= 32) return isNew ? mapWords(updated) + (old.keys.length === 0 ? 0 : 1) : 3 + n;
  if (old.keys.length <= 32) return mapWords(updated); // flatmap → HAMT: built whole
  return (hamtPath(updated, i)?.words ?? 0) + 2;
}

/** Heap words of a flatmap of `n` keys with its own keys tuple: header, size, keys pointer, n values, keys tuple 1 + n. */
export function flatmapWords(n: number): number {
  return 3 + n + 1 + n;
}

/**
 * The heap words the map syntax `M#{Key => Value}` (the `put_map_assoc` instruction,
 * erts_gc_update_map_assoc) allocates when it gives `updated`, which differ from the
 * `maps:put/3` BIF's ({@link mapPutWords}) on flatmaps: the instruction builds the whole new
 * flatmap, keys tuple included — a new key costs exactly its words, an update one word more
 * (where the BIF shares the keys tuple: `3 + n`) — and a flatmap that grows past 32 keys is
 * first built as a 33-key flatmap, then turned into a HAMT (both allocated). On a HAMT it is
 * the BIF's path copy. Checked against map_ops.json's assoc_new/assoc_update rows.
 */
export function mapAssocWords(old: ErlMap, updated: ErlMap, key: Term): number {
  if (updated === old) return 0;
  if (old.keys.length > MAP_SMALL_MAP_LIMIT) return mapPutWords(old, updated, key);
  const n = updated.keys.length;
  const flat = flatmapWords(n);
  if (n > MAP_SMALL_MAP_LIMIT) return flat + mapWords(updated);
  return old.keys.length === n ? flat + 1 : flat;
}

/**
 * The heap words `maps:remove(Key, Old)` allocates when it gives `updated`: a flatmap is built
 * whole; on a HAMT the nodes on the removed key's path, one slot smaller — except that an
 * inner node left with a single leaf is dropped (its parent points at the leaf). 0 when the key
 * was absent (the same map). Checked against map_ops.json.
 */
export function mapRemoveWords(old: ErlMap, updated: ErlMap, key: Term): number {
  if (updated === old || updated.keys.length === old.keys.length) return 0;
  if (updated.keys.length <= 32) return mapWords(updated);
  const p = hamtPath(old, mapIndexOf(old, key));
  if (p === undefined) return 0;
  const kids = p.last.children;
  const collapses = p.last.depth > 0 && kids.length === 2 && kids.every((c) => typeof c === "number");
  return collapses ? p.words - (1 + kids.length) : p.words - 1;
}

/** `maps:remove/2`: `m` without `key` (the same object when `key` is absent; a new empty map, not the literal, when it was the last). O(n). */
export function mapRemove(m: ErlMap, key: Term): ErlMap {
  const i = mapIndexOf(m, key);
  if (i < 0) return m;
  const keys = m.keys.slice();
  const values = m.values.slice();
  keys.splice(i, 1);
  values.splice(i, 1);
  // the last key removed: the BIF builds an empty flatmap on the heap (3 words, map_ops.json),
  // not the `#{}` literal
  const updated = new ErlMap(keys, values);
  shareHamtNodes(m, updated, key);
  return updated;
}
