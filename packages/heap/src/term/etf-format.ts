/**
 * Shared definitions of the external term format: tag bytes and the decode error.
 * Used by etf-decode.ts and etf-encode.ts; re-exported by etf.ts.
 */
/** Tag bytes of the external term format (erts/emulator/beam/external.h). */
export const EtfTag = {
  Version: 131,
  Compressed: 80,
  NewFloat: 70,
  BitBinary: 77,
  AtomCacheRef: 82,
  NewPid: 88,
  NewPort: 89,
  NewerReference: 90,
  SmallInteger: 97,
  Integer: 98,
  Float: 99,
  Atom: 100,
  Reference: 101,
  Port: 102,
  Pid: 103,
  SmallTuple: 104,
  LargeTuple: 105,
  Nil: 106,
  String: 107,
  List: 108,
  Binary: 109,
  SmallBig: 110,
  LargeBig: 111,
  NewFun: 112,
  Export: 113,
  NewReference: 114,
  SmallAtom: 115,
  Map: 116,
  AtomUtf8: 118,
  SmallAtomUtf8: 119,
  V4Port: 120,
} as const;

/** What was wrong with an external-format binary. */
export type EtfDecodeErrorCode =
  | "truncated"
  | "bad_version"
  | "bad_tag"
  | "bad_atom"
  | "bad_value"
  | "bad_compressed"
  | "duplicate_key";

/**
 * A binary that `binary_to_term/1` would reject with `badarg`. `offset` is the byte where the
 * problem was found (inside the decompressed data for a compressed term, which the message says).
 */
export class EtfDecodeError extends Error {
  override readonly name = "EtfDecodeError";
  constructor(
    readonly code: EtfDecodeErrorCode,
    readonly offset: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`invalid external term format at byte ${offset}: ${detail}`, options);
  }
}
