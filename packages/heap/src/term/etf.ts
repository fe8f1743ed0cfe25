/**
 * The external term format (`term_to_binary/1`, `binary_to_term/1`), version 131, as OTP 25
 * reads and writes it.
 *
 * Owns: the tag numbers, {@link EtfDecodeError}, and the public entry points; the decoder lives
 * in etf-decode.ts and the encoder in etf-encode.ts.
 *
 * - {@link decodeEtf} builds the *canonical layout*: what `binary_to_term/1` builds on the BEAM
 *   (binaries of ≤ 64 bytes on the heap, larger ones reference counted; a bitstring as a
 *   sub-binary over a fresh binary; pids, ports and refs of the local node as local ones).
 * - {@link encodeEtf} writes exactly the bytes OTP 25's `term_to_binary/1` writes (no options:
 *   minor version 1, latin-1 atoms as `ATOM_EXT`, others UTF-8; no compression).
 */
export { decodeEtf, decodeEtfUsed, type DecodeEtfOptions } from "./etf-decode.js";
export { encodeEtf, type EncodeEtfOptions } from "./etf-encode.js";
export { EtfDecodeError, EtfTag, type EtfDecodeErrorCode } from "./etf-format.js";
