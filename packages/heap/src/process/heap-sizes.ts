/**
 * The BEAM's heap-size table and its "next size" functions (erl_gc.c: `erts_init_gc`,
 * `erts_next_heap_size`, `next_heap_size`; `do_next_vheap_size`, `next_vheap_size`).
 *
 * Owns: the only place heap block sizes are chosen from. Every young heap, old heap and binary
 * virtual heap size in the model comes out of a function here.
 *
 * Invariants:
 * - {@link HEAP_SIZES} is built exactly as `erts_init_gc` builds it on a 64-bit VM: 12, 38, then
 *   23 "Fibonacci + 1" steps, then +20 % steps until a size exceeds 2^53/8 words; like the C loop,
 *   that size *and the one before it* are dropped (`i--; num_heap_sizes = i`).
 *   `erlang:system_info(heap_sizes)` returns the same list (checked live by the tests).
 * - `ertsNextHeapSize(s, 0)` is the smallest table size ≥ s; offset 1 is one step above it.
 * - All arithmetic is on safe integers (the largest size is below 2^50).
 */

function buildTable(): readonly number[] {
  // MAX_HEAP_SIZES = 154 on 64-bit; sizes above 2^53 / sizeof(Eterm) are discarded.
  const MAX_HEAP_SIZES = 154;
  const maxHeapSize = 2 ** 53 / 8;
  const h: number[] = [12, 38];
  for (let i = 2; i < 23; i++) h.push((h[i - 1] as number) + (h[i - 2] as number) + 1);
  let i = 23;
  for (; i < MAX_HEAP_SIZES; i++) {
    const prev = h[i - 1] as number;
    const next = prev + Math.floor(prev / 5);
    h.push(next);
    if (next > maxHeapSize) {
      i--; // the C code's `i--; break;` — num_heap_sizes = i drops this size and the one before it
      break;
    }
  }
  return Object.freeze(h.slice(0, i));
}

/** The heap sizes (words) a process heap can have, ascending: `erlang:system_info(heap_sizes)`. */
export const HEAP_SIZES: readonly number[] = buildTable();

/** `[b]` = index of the first table size ≥ 2^b (b = 0 … 31): where {@link ertsNextHeapSize} starts its scan. */
const FIRST_AT_OR_ABOVE_POW2: readonly number[] = Array.from({ length: 32 }, (_, b) => HEAP_SIZES.findIndex((v) => v >= 2 ** b));

/** `H_MIN_SIZE`: the system default minimum heap size (words). */
export const H_MIN_SIZE = 233;
/** `BIN_VH_MIN_SIZE`: the default minimum binary virtual heap size (words). */
export const BIN_VH_MIN_SIZE = 46422;

/**
 * `erts_next_heap_size(size, offset)`: the smallest table size ≥ `size` (offset 0), or the size
 * one step above it (offset 1). Sizes below 12 give 12. Throws past the end of the table (the
 * BEAM exits the emulator there).
 */
export function ertsNextHeapSize(size: number, offset: 0 | 1 = 0): number {
  const t = HEAP_SIZES;
  if (size < (t[0] as number)) return t[0] as number;
  // below 2^31 words: start at the first entry ≥ 2^⌊log2 size⌋ (a few steps from the answer)
  if (size < 2 ** 31) {
    let i = FIRST_AT_OR_ABOVE_POW2[31 - Math.clz32(size)] as number;
    while ((t[i] as number) < size) i++;
    return at(i + offset, size, offset);
  }
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = t[mid] as number;
    if (size < m) hi = mid;
    else if (size === m) return at(mid + offset, size, offset);
    else if (mid + 1 < t.length && size < (t[mid + 1] as number)) return at(mid + 1 + offset, size, offset);
    else lo = mid + 1;
  }
  throw new RangeError(`no next heap size found: ${size}, offset ${offset}`);
}

function at(i: number, size: number, offset: number): number {
  const v = HEAP_SIZES[i];
  if (v === undefined) throw new RangeError(`no next heap size found: ${size}, offset ${offset}`);
  return v;
}

/** `next_heap_size(p, size, offset)`: {@link ertsNextHeapSize} clamped up to the process's `min_heap_size`. */
export function nextHeapSize(minHeapSize: number, size: number, offset: 0 | 1 = 0): number {
  const s = ertsNextHeapSize(size, offset);
  return s < minHeapSize ? minHeapSize : s;
}

/**
 * `do_next_vheap_size(vheap, vheap_sz)`: grow ×1.618 (truncated) while `vheap/3 > sz/4`, halve when
 * `vheap < sz/4`, else keep. Integer (Uint64) arithmetic as in C.
 */
export function doNextVheapSize(vheap: number, vheapSz: number): number {
  let sz = vheapSz;
  if (Math.floor(vheap / 3) > Math.floor(sz / 4)) {
    while (Math.floor(vheap / 3) > Math.floor(sz / 4)) {
      const n = Math.floor(sz * 1.618);
      if (n < sz) return sz;
      sz = n;
    }
    return sz;
  }
  if (vheap < Math.floor(sz / 4)) return Math.floor(sz / 2);
  return sz;
}

/** `next_vheap_size(p, vheap, vheap_sz)`: {@link doNextVheapSize} clamped to the process's `min_bin_vheap_size`. */
export function nextVheapSize(minVheapSize: number, vheap: number, vheapSz: number): number {
  const s = doNextVheapSize(vheap, vheapSz);
  return s < minVheapSize ? minVheapSize : s;
}
