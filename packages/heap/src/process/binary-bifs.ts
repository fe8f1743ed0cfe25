/**
 * Binary operations with the BEAM's allocation (OTP 25, JIT), as helpers on a {@link ProcessHeap}.
 *
 * Owns: which term each operation produces and where it is allocated. Measured on OTP 25.2.3
 * (tooling/beam-oracle/recorders/refc_traces.escript and the "constructed" section of
 * terms.json), parent a refc binary, a part of K bytes:
 *
 * | operation                                   | K ≤ 64                          | K > 64                      |
 * |---------------------------------------------|---------------------------------|-----------------------------|
 * | `binary:part/3` (`binaryPart`)              | heap binary, in a heap fragment | sub-binary (5), fragment    |
 * | `<<_:P/binary, X:K/binary, _/binary>>` (`matchBinary`) | 5-word match context + heap binary copy, on the heap | context + sub-binary (5) |
 * | `split_binary/2` (`splitBinary`)            | tuple 3 + each part: heap binary if ≤ 64 bytes, else sub-binary 5; on the heap (HAlloc) |
 * | `binary:copy/1` (`binaryCopy`)              | heap binary (HAlloc)            | new refc binary: ProcBin 6 + vheap K/8 |
 * | `<<0:(N*8)>>` (`makeBinary`)                | heap binary                     | ProcBin 6 (+ vheap N/8), heap test with the vheap test |
 *
 * A sub-binary keeps its whole parent alive (and pinned in the refc store) until a collection
 * finds it dead — or turns it into a heap binary when it is byte-aligned and ≤ 24 bytes.
 * `binary:copy/1` of a part makes an independent binary: the parent is released at the next
 * collection that finds the part's sub-binary dead.
 * Invariant: helpers never mutate their arguments; parts of a sub-binary point at its original.
 */
import { Binary, LazyBytes, SubBinary, Tuple, type BitString, ON_HEAP_BINARY_LIMIT } from "../term/types.js";
import type { ProcessHeap } from "./process-heap.js";
import { heapBinWords, PROC_BIN_WORDS, SUB_BIN_WORDS } from "./node-words.js";

/** Words of the match context `bs_start_match` creates (`ErlBinMatchState`), garbage after the match. */
export const MATCH_CONTEXT_WORDS = 5;

interface Window {
  readonly orig: Binary;
  /** Byte offset into `orig`. */
  readonly offset: number;
  readonly size: number;
}

function windowOf(b: BitString): Window {
  if (b instanceof Binary) return { orig: b, offset: 0, size: b.byteSize };
  if (b.bitOffset % 8 !== 0 || b.bitSize % 8 !== 0) throw new RangeError("binary helpers take byte-aligned binaries");
  return { orig: b.orig, offset: b.bitOffset / 8, size: b.bitSize / 8 };
}

function checkRange(w: Window, pos: number, len: number): void {
  if (!Number.isInteger(pos) || !Number.isInteger(len) || pos < 0 || len < 0 || pos + len > w.size) throw new RangeError(`badarg: part ${pos}+${len} of a ${w.size}-byte binary`);
}

/** The part as a term: a heap binary (a copy) when ≤ 64 bytes, else a sub-binary into the original. */
function partTerm(w: Window, pos: number, len: number): BitString {
  if (len <= ON_HEAP_BINARY_LIMIT) return new Binary(w.orig.slice(w.offset + pos, w.offset + pos + len));
  return new SubBinary(w.orig, (w.offset + pos) * 8, len * 8);
}

/** Heap words of {@link partTerm}'s result. */
function partWords(len: number): number {
  return len <= ON_HEAP_BINARY_LIMIT ? heapBinWords(len) : SUB_BIN_WORDS;
}

/** `binary:part(Bin, Pos, Len)` (guard BIF `binary_part/3`): the result is built in a heap fragment, then the BIF's safe point. */
export function binaryPart(heap: ProcessHeap, bin: BitString, pos: number, len: number): BitString {
  const w = windowOf(bin);
  checkRange(w, pos, len);
  return heap.allocFragment(partTerm(w, pos, len));
}

/**
 * `<<_:Pos/binary, X:Len/binary, _/binary>> = Bin`: a 5-word match context (garbage at once),
 * then X — a heap binary copy when Len ≤ 64, else a sub-binary — both on the heap through the
 * heap test. `need` (default: each allocation's own words) is what the compiled code's heap tests ask.
 */
export function matchBinary(heap: ProcessHeap, bin: BitString, pos: number, len: number, opts: { readonly contextNeed?: number; readonly need?: number } = {}): BitString {
  const w = windowOf(bin);
  checkRange(w, pos, len);
  heap.allocGarbage(MATCH_CONTEXT_WORDS, { need: opts.contextNeed ?? MATCH_CONTEXT_WORDS });
  return heap.alloc(partTerm(w, pos, len), { need: opts.need ?? partWords(len) });
}

/** `split_binary(Bin, Pos)`: `{Left, Right}` built with HAlloc (heap when it fits, else a fragment). */
export function splitBinary(heap: ProcessHeap, bin: BitString, pos: number): Tuple {
  const w = windowOf(bin);
  checkRange(w, pos, 0);
  return heap.allocBif(new Tuple([partTerm(w, 0, pos), partTerm(w, pos, w.size - pos)]));
}

/**
 * `binary:copy(Bin)`: a fresh binary with its own bytes (HAlloc: heap when it fits, else a
 * fragment). Above 64 bytes it is a new refc binary: the copy no longer pins the original.
 */
export function binaryCopy(heap: ProcessHeap, bin: BitString): Binary {
  const w = windowOf(bin);
  return heap.allocBif(new Binary(w.orig.slice(w.offset, w.offset + w.size)));
}

/**
 * `<<0:(Size*8)>>` (bs_create_bin): a new binary of `size` zero bytes; above 64 bytes a refc
 * binary (ProcBin 6 words + size/8 virtual heap words), whose heap test also collects when the
 * binary virtual heap would be full. `need`: the heap test's need (default the ProcBin's or
 * heap binary's words).
 */
export function makeBinary(heap: ProcessHeap, size: number, opts: { readonly need?: number; readonly fill?: number } = {}): Binary {
  // a refc binary is its size and identity: its bytes are made only where read
  const fill = Uint8Array.of(opts.fill ?? 0);
  const b = size > ON_HEAP_BINARY_LIMIT ? new Binary(new LazyBytes(size, fill)) : new Binary(new Uint8Array(size).fill(fill[0] as number));
  return heap.alloc(b, { need: opts.need ?? (b.isRefc ? PROC_BIN_WORDS : heapBinWords(size)), vheapTest: true });
}
