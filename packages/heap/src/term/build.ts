/**
 * Term constructors: the small functions a TypeScript program uses to write Erlang terms.
 * Each returns a term in canonical form (integers normalised, lists built front to back without
 * recursion). Maps are built in map.ts, which needs term order.
 */
import { atom, type Atom } from "./atom.js";
import { Binary, Cons, ErlFloat, LazyBytes, nil, SubBinary, Tuple, type ErlInteger, type Term } from "./types.js";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An Erlang integer in canonical form: a `number` when it is a safe integer, else a `bigint`.
 * Throws on a non-integer number (use {@link float}).
 */
export function int(value: number | bigint): ErlInteger {
  if (typeof value === "bigint") {
    return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
  }
  if (!Number.isInteger(value)) throw new TypeError(`not an integer: ${value} (use float())`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not exact in a JS number: pass a bigint`);
  return value;
}

/** An Erlang float. */
export function float(value: number): ErlFloat {
  return new ErlFloat(value);
}

export { atom };
export type { Atom };

/** A tuple of the given elements (`tuple()` is `{}`). */
export function tuple(...elements: Term[]): Tuple {
  return new Tuple(elements);
}

/** A proper list of `items`, or an improper one ending in `tail`. Iterative: any length works. */
export function list(items: Iterable<Term>, tail: Term = nil): Term {
  let first: Cons | undefined;
  let last: Cons | undefined;
  for (const item of items) {
    const cell = new Cons(item, nil);
    if (last === undefined) first = cell;
    else last.tail = cell;
    last = cell;
  }
  if (last === undefined) return tail;
  last.tail = tail;
  return first as Cons;
}

/** An Erlang string: the list of the text's Unicode code points. */
export function charlist(text: string): Term {
  const codes: number[] = [];
  for (const ch of text) codes.push(ch.codePointAt(0) as number);
  return list(codes);
}

/** A binary holding a copy of `bytes` (or the UTF-8 encoding of a string). */
export function binary(bytes: Uint8Array | readonly number[] | string): Binary {
  if (typeof bytes === "string") return new Binary(new TextEncoder().encode(bytes));
  return new Binary(Uint8Array.from(bytes));
}

/**
 * A binary of `size` bytes repeating `pattern` (default one zero byte) whose bytes are made only
 * where read ({@link LazyBytes}): `binary:copy(<<I:8>>, 1024)` is `lazyBinary(1024, [I])`.
 * Sizes, ProcBins, sub-binaries and the refc store behave exactly as for a binary of real bytes.
 */
export function lazyBinary(size: number, pattern: Uint8Array | readonly number[] = [0]): Binary {
  return new Binary(new LazyBytes(size, Uint8Array.from(pattern)));
}

/**
 * A bitstring of `bitSize` bits taken from the start of `bytes` (the last byte's low bits are
 * ignored and zeroed). Whole-byte sizes give a {@link Binary}; others a {@link SubBinary} over a
 * binary of ⌈bitSize/8⌉ bytes, which is how the BEAM stores a bitstring.
 */
export function bitstring(bytes: Uint8Array | readonly number[], bitSize: number): Binary | SubBinary {
  const byteLength = Math.ceil(bitSize / 8);
  if (byteLength > bytes.length) throw new RangeError(`${bitSize} bits need ${byteLength} bytes, got ${bytes.length}`);
  const data = Uint8Array.from(bytes.slice(0, byteLength));
  const rest = bitSize % 8;
  if (rest === 0) return new Binary(data);
  data[byteLength - 1] = (data[byteLength - 1] as number) & ((0xff << (8 - rest)) & 0xff);
  return new SubBinary(new Binary(data), 0, bitSize);
}
