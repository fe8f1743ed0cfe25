/**
 * The BEAM's refc-binary constants (OTP 25, 64-bit: erl_binary.h).
 * Owns: nothing but these numbers and the ProcBin's binary-virtual-heap weight.
 */
/** `ERL_ONHEAP_BIN_LIMIT`: binaries of at most this many bytes are heap binaries. */
export const ON_HEAP_BINARY_LIMIT = 64;
/** `PROC_BIN_SIZE`: words of a ProcBin on a process heap. */
export const PROC_BIN_WORDS = 6;
/** `ERL_SUB_BIN_SIZE`: words of a sub-binary on a process heap. */
export const SUB_BIN_WORDS = 5;
/** Words a ProcBin adds to its process's binary virtual heap (`off_heap.overhead`): `size / 8`. */
export function procBinVheapWords(byteSize: number): number {
  return Math.floor(byteSize / 8);
}

/**
 * Bytes `erlang:memory(binary)` counts for one refc binary of `byteSize` bytes: the `Binary`
 * header (flags, refc, orig_size and the allocator's block header: 40 bytes) plus the data,
 * rounded up to 8. Measured on OTP 25 (10,000 binary:copy results per size): 65 B → 112,
 * 100 → 144, 200 → 240, 500 → 544, 1,000 → 1,040, 100,000 → 100,040.
 */
export function binaryAllocatedBytes(byteSize: number): number {
  return Math.ceil((byteSize + BINARY_HEADER_BYTES) / 8) * 8;
}
/** The per-binary header {@link binaryAllocatedBytes} adds (measured). */
export const BINARY_HEADER_BYTES = 40;
