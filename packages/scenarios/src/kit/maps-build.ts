/**
 * Workload kit: building and reading maps without updating one (issue 12) — map expressions with
 * literal keys, `maps:get/2` and `maps:from_list/1`. (Updates are kit/maps.ts.)
 *
 * Owns:
 *  - `#{k1 => V1, …, kn => Vn}` with literal keys (n ≤ 32): erlc emits `put_map_assoc` on the
 *    literal `#{}`, which OTP 25's loader turns into `i_new_small_map_lit` with the keys tuple a
 *    LITERAL of the module: the heap gets the flatmap header, size, keys pointer and the n values
 *    — 3 + n words, not the 3 + 1 + 2n a flatmap with its own keys tuple takes. Measured: after a
 *    major GC a process holding `#{a => I, b => I, c => x}` has 6 live words, one holding
 *    `maps:from_list([{a, I}, {b, I}, {c, x}])` 10 (erts_debug:flat_size says 10 for both: it
 *    copies the literal too). The instruction (beam_common.c erts_gc_new_small_map_lit) tests
 *    `HeapWordsLeft(p) < n + 4` (one word more than it writes: {@link mapLiteralNeed}) and
 *    collects with that need; kit_blocks.json's map_literal loop is exact with it.
 *  - `maps:get(K, M)`: erlc compiles it to the guard BIF `map_get` (`bif map_get`): no heap, no
 *    reduction, no call (read off `erlc -S`; a reduction count in kit_blocks.json's maps_get).
 *  - `maps:from_list(L)` (erl_map.c maps_from_list_1, a BIF called with `call_ext`: 1 reduction):
 *    up to 32 pairs one `HAlloc` of 3 + 1 + 2n words (header, keys tuple, values; duplicate keys
 *    leave their words behind as a filler), more pairs a HAMT built node by node by
 *    hashmap_from_validated_list: the leaves' HAlloc, then the nodes through a heap factory, node
 *    by node (@beamlab/heap hamt-factory.ts: which words go on the heap, which to fragments); then the
 *    after-BIF check. Not modelled: the filler a flatmap keeps for duplicate keys (the map
 *    is charged for its distinct keys).
 * Invariant: the input terms are not modified; results are placed on `ctx.heap` (or a fragment).
 */
import { atom, factoryPlacement, hamtFromListUnits, isFlatmap, mapFromEntries, mapGet, markKeysLiteral, MAP_SMALL_MAP_LIMIT, Cons, Tuple, nil, type ErlMap, type Term } from "@beamlab/heap";
import { ErlangError, type Op, type ProcessContext } from "@beamlab/scheduler";
import { BIF_CALL_STACK_WORDS } from "./bifs.js";
import { bifCall } from "./bif-call.js";

/** Words `i_new_small_map_lit` writes for `n` values (the keys tuple is a literal). */
export function mapLiteralWords(n: number): number {
  return 3 + n;
}

/**
 * The need of `i_new_small_map_lit`'s heap test for `n` values: beam_common.c
 * erts_gc_new_small_map_lit asks for `n + 1 (hdr) + 1 (size) + 1 (ptr) + 1 (arity)` — one word
 * more than it writes (the keys tuple's arity word is in the literal area). Measured:
 * kit_blocks.json's map_literal loop collects where a test for 7 fails (one for 6 collected one
 * map later from the 13th event on).
 */
export function mapLiteralNeed(n: number): number {
  return n + 4;
}

/**
 * `#{k1 => V1, …}` with literal keys (at most 32; `keys` are the literals, `values` placed or
 * immediates): the flatmap of {@link mapLiteralWords} words behind the instruction's own heap
 * test. The map's keys are sorted as the BEAM sorts them.
 */
export function mapLiteral(ctx: ProcessContext, keys: readonly Term[], values: readonly Term[]): ErlMap {
  if (keys.length !== values.length) throw new RangeError(`mapLiteral: ${keys.length} keys but ${values.length} values`);
  if (keys.length === 0 || keys.length > MAP_SMALL_MAP_LIMIT) throw new RangeError(`mapLiteral: 1..${MAP_SMALL_MAP_LIMIT} literal keys (a flatmap), got ${keys.length}`);
  // the keys tuple is in the literal area: 0 heap words, shared by every copy (heap's markKeysLiteral)
  const m = markKeysLiteral(mapFromEntries(keys.map((k, i) => [k, values[i] as Term] as const)));
  if (m.size !== keys.length) throw new RangeError("mapLiteral: the literal keys must be distinct");
  // HeapWordsLeft(p) < need: the test_heap's S_RESERVED margin is not part of this test
  return ctx.heap.alloc(m, { need: mapLiteralNeed(m.size) });
}

/** `maps:get(K, M)` (`bif map_get`): the value, or the error `{badkey, K}`. Free: no heap, no reduction. */
export function mapsGet(_ctx: ProcessContext, key: Term, m: ErlMap): Term {
  const v = mapGet(m, key);
  if (v === undefined) throw new ErlangError(new Tuple([atom("badkey"), key]));
  return v;
}

/** The `{K, V}` pairs of a proper list, or the error `badarg`. */
function pairs(list: Term): [Term, Term][] {
  const out: [Term, Term][] = [];
  let rest = list;
  while (rest instanceof Cons) {
    const h = rest.head;
    if (!(h instanceof Tuple) || h.elements.length !== 2) throw new ErlangError(atom("badarg"));
    out.push([h.elements[0] as Term, h.elements[1] as Term]);
    rest = rest.tail;
  }
  if (rest !== nil) throw new ErlangError(atom("badarg"));
  return out;
}

/** `maps:from_list(L)`: the map, its words placed as the BIF's HAlloc does, then the after-BIF check. */
export function* mapsFromList(ctx: ProcessContext, list: Term): Generator<Op, ErlMap, unknown> {
  yield* bifCall(ctx); // call_ext maps:from_list/1
  const ps = pairs(list);
  const m = mapFromEntries(ps);
  if (isFlatmap(m)) ctx.heap.allocBif(m, { check: false, reserve: BIF_CALL_STACK_WORDS });
  else {
    // hashmap_from_validated_list: the leaves' HAlloc, then the nodes through a heap factory
    // (@beamlab/heap hamt-factory.ts); the map object carries the heap's share, the rest is fragment words
    // (a collection copies the live map whole either way)
    const { onHeap, inFragments } = factoryPlacement(ctx.heap, hamtFromListUnits(m), BIF_CALL_STACK_WORDS);
    ctx.heap.alloc(m, { charge: onHeap, need: onHeap });
    if (inFragments > 0) ctx.heap.allocFragmentGarbage(inFragments, { check: false });
  }
  ctx.afterBif(m);
  return m;
}
