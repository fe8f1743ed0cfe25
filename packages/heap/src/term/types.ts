/**
 * The Erlang term model.
 *
 * Owns: one TypeScript representation per Erlang term type, chosen so that the *canonical
 * layout* (what `binary_to_term(term_to_binary(T))` builds, i.e. what a process holds after
 * receiving T) can be sized exactly as the BEAM sizes it (see `size.ts`).
 *
 * | Erlang                         | here                                   | BEAM heap words          |
 * |--------------------------------|----------------------------------------|--------------------------|
 * | integer                        | `number` (safe integer) or `bigint`    | 0 if small, else bignum  |
 * | float                          | {@link ErlFloat}                       | 2                        |
 * | atom                           | {@link Atom} (interned)                | 0                        |
 * | `[]`                           | {@link nil}                            | 0                        |
 * | cons cell                      | {@link Cons}                           | 2                        |
 * | tuple                          | {@link Tuple}                          | 1 + arity (`{}`: 0)      |
 * | binary / bitstring             | {@link Binary}, {@link SubBinary}      | see size.ts              |
 * | map                            | {@link ErlMap} (flatmap or HAMT)       | see size.ts              |
 * | pid, port, reference           | {@link Pid}, {@link Port}, {@link Ref} | 0 local / 3+ (see size)  |
 * | fun                            | {@link Fun}                            | 5 + free variables       |
 *
 * Invariants:
 * - Terms are immutable once they are handed out. (`Cons.tail` is writable only so that builders
 *   can append in place before publishing a list.)
 * - An integer is a `number` exactly when it is a safe integer; `bigint` is used only outside
 *   ±(2^53 − 1). Use {@link int} to normalise. A non-integer `number` is not a term.
 * - `gcStamp` is the only mutable field: the process heap that owns an object records there which
 *   generation it is in (see `../process/`); it is never part of the term's value.
 * - Object identity is sharing: the same JS object reachable twice is one term stored once
 *   (what `erts_debug:size/1` counts). Bignums are JS `bigint` primitives and have no identity,
 *   so a shared bignum is counted at each occurrence (a documented gap).
 */
import { Atom } from "./atom.js";
import { Tag } from "./tag.js";

export { Atom } from "./atom.js";
export { Tag } from "./tag.js";

/** An Erlang integer: a safe JS integer, or a `bigint` outside the safe range. */
export type ErlInteger = number | bigint;

export type Term =
  | ErlInteger
  | ErlFloat
  | Atom
  | Nil
  | Cons
  | Tuple
  | Binary
  | SubBinary
  | ErlMap
  | Pid
  | Port
  | Ref
  | Fun;

export class ErlFloat {
  declare readonly tag: typeof Tag.Float;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(readonly value: number) {
    if (!Number.isFinite(value)) throw new RangeError(`not an Erlang float: ${value} (the BEAM has no NaN or infinity)`);
  }
}

export class Nil {
  declare readonly tag: typeof Tag.Nil;
}
/** The empty list `[]`. */
export const nil: Nil = new Nil();

export class Cons {
  declare readonly tag: typeof Tag.Cons;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(
    readonly head: Term,
    /** Writable only while a builder owns the cell; never change a published list. */
    public tail: Term,
  ) {}
}

export class Tuple {
  declare readonly tag: typeof Tag.Tuple;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(readonly elements: readonly Term[]) {}
  get arity(): number {
    return this.elements.length;
  }
}

/** Largest binary the BEAM keeps on the process heap; larger ones are reference counted. */
export const ON_HEAP_BINARY_LIMIT = 64;

/**
 * The bytes of a binary that exist only where they are read: `size` bytes repeating `pattern`
 * (`binary:copy(Pattern, N)`, a payload of a given size). Simulating gigabytes of binaries costs
 * their count, not their bytes; reading a window (`slice`) makes only that window.
 */
export class LazyBytes {
  constructor(
    readonly size: number,
    readonly pattern: Uint8Array,
    /** Makes bytes `[from, to)` when they follow no repeating pattern (e.g. digits of 1..N). */
    private readonly read?: (from: number, to: number) => Uint8Array,
  ) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`a binary's size must be a non-negative integer, got ${size}`);
    if (read === undefined && pattern.length === 0 && size > 0) throw new RangeError("a lazy binary needs a non-empty fill pattern");
  }

  /** Bytes `[start, end)`, made now (not kept). */
  slice(start: number, end: number): Uint8Array {
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    if (this.read !== undefined) return this.read(from, to);
    const out = new Uint8Array(to - from);
    const p = this.pattern;
    if (p.length === 1) return out.fill(p[0] as number);
    for (let i = from; i < to; i++) out[i - from] = p[i % p.length] as number;
    return out;
  }
}

/**
 * A whole binary (a whole number of bytes) that owns its bytes: a *heap binary* when it has at
 * most 64 bytes, a *refc binary* (a ProcBin pointing at shared off-heap bytes) above that.
 * `data` is the identity of the bytes: a ProcBin copied to another process shares it, and the
 * refc store counts references per `data`. It is a `Uint8Array`, or {@link LazyBytes} whose
 * bytes are made on each read of `bytes` (read `slice` for a window).
 */
export class Binary {
  declare readonly tag: typeof Tag.Binary;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  readonly byteSize: number;
  constructor(readonly data: Uint8Array | LazyBytes) {
    this.byteSize = data instanceof LazyBytes ? data.size : data.length;
  }
  /** The bytes (a lazy binary's are made on each read: prefer `slice` for a window). */
  get bytes(): Uint8Array {
    const d = this.data;
    return d instanceof LazyBytes ? d.slice(0, d.size) : d;
  }
  /** Bytes `[start, end)` without making the rest. */
  slice(start: number, end: number): Uint8Array {
    const d = this.data;
    return d instanceof LazyBytes ? d.slice(start, end) : d.slice(start, end);
  }
  get bitSize(): number {
    return this.byteSize * 8;
  }
  /** True when the BEAM stores it off-heap, reference counted (more than 64 bytes). */
  get isRefc(): boolean {
    return this.byteSize > ON_HEAP_BINARY_LIMIT;
  }
}

/**
 * A sub-binary: a window of `bitSize` bits starting `bitOffset` bits into `orig`. It keeps all
 * of `orig` alive. A bitstring whose size is not a whole number of bytes is always a sub-binary
 * (the BEAM has no other way to express a bit length).
 */
export class SubBinary {
  declare readonly tag: typeof Tag.SubBinary;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(
    readonly orig: Binary,
    readonly bitOffset: number,
    readonly bitSize: number,
  ) {
    if (!Number.isInteger(bitOffset) || !Number.isInteger(bitSize) || bitOffset < 0 || bitSize < 0 || bitOffset + bitSize > orig.bitSize) {
      throw new RangeError(`sub-binary ${bitOffset}+${bitSize} bits outside its ${orig.bitSize}-bit binary`);
    }
  }
}

/** Any binary or bitstring term. */
export type BitString = Binary | SubBinary;

/**
 * A map. Keys are kept in the order the BEAM's flatmaps keep them (term order with integers
 * before floats, i.e. `compareKeys` in compare.ts); the representation on the BEAM is a flatmap
 * up to 32 keys and a HAMT above (see size.ts for the HAMT layout).
 */
export class ErlMap {
  declare readonly tag: typeof Tag.Map;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  /** @internal build maps with `mapFromEntries` (map.ts), which sorts and deduplicates keys. */
  constructor(
    readonly keys: readonly Term[],
    readonly values: readonly Term[],
  ) {}
  get size(): number {
    return this.keys.length;
  }
}

/** Largest map the BEAM stores as a flatmap; larger maps are HAMTs. */
export const MAP_SMALL_MAP_LIMIT = 32;

/**
 * A process identifier. Local to the simulated node when `node` is the local node
 * (see `localNode` in node.ts): then it is an immediate (0 words); otherwise external (4 words).
 */
export class Pid {
  declare readonly tag: typeof Tag.Pid;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(
    readonly node: Atom,
    readonly id: number,
    readonly serial: number,
    readonly creation: number,
  ) {}
}

export class Port {
  declare readonly tag: typeof Tag.Port;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(
    readonly node: Atom,
    readonly id: bigint,
    readonly creation: number,
  ) {}
}

/**
 * What a local reference is on the heap: an ordinary ref (`make_ref()`, monitors: 3 words), a
 * pid-ref (`alias()`: 4 words), or a magic ref (ETS tables, atomics, NIF resources: 3 words, on
 * the off-heap list).
 */
export type RefKind = "ordinary" | "pid" | "magic";

export class Ref {
  declare readonly tag: typeof Tag.Ref;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  constructor(
    readonly node: Atom,
    /** The 32-bit id words, as in the external term format (3 for ordinary refs, 5 for pid-refs). */
    readonly ids: readonly number[],
    readonly creation: number,
    readonly kind: RefKind = "ordinary",
  ) {}
}

/**
 * A fun. An *external* fun (`fun M:F/A`) names an exported function and has no environment.
 * A *local* fun (a closure) names the `index`th fun of `module` (with its `uniq` code checksum)
 * and carries its free variables.
 */
export type Fun = LocalFun | ExternalFun;

export class LocalFun {
  declare readonly tag: typeof Tag.Fun;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  readonly external = false;
  /**
   * The code behind the fun when a host language supplies it (the otp package's `fun()` puts
   * its JS function here). Not part of the term: no words, not printed, not compared; copies
   * made by the heap (messages, spawn arguments) carry it, so the code lives exactly as long as
   * some term refers to it (the BEAM's fun entry is likewise kept by the funs that refer to it).
   */
  code: unknown = undefined;
  constructor(
    readonly module: Atom,
    readonly index: number,
    readonly uniq: number,
    readonly arity: number,
    readonly free: readonly Term[],
    /** The 16-byte MD5 of the module code (NEW_FUN_EXT `Uniq`), hex; "" when unknown. */
    readonly md5 = "",
    readonly oldIndex: number = index,
    /** Pid of the creator; on the BEAM every local fun records one. */
    readonly pid?: Pid,
  ) {}
}

export class ExternalFun {
  declare readonly tag: typeof Tag.Fun;
  /** @internal GC bookkeeping of the process heap that holds this object (see process-heap); 0 = on no heap. */
  gcStamp = 0;
  readonly external = true;
  constructor(
    readonly module: Atom,
    readonly name: Atom,
    readonly arity: number,
  ) {}
}

// Tags live on the prototypes: no per-term memory, and a monomorphic read in hot loops.
for (const [cls, tag] of [
  [ErlFloat, Tag.Float],
  [Atom, Tag.Atom],
  [Nil, Tag.Nil],
  [Cons, Tag.Cons],
  [Tuple, Tag.Tuple],
  [Binary, Tag.Binary],
  [SubBinary, Tag.SubBinary],
  [ErlMap, Tag.Map],
  [Pid, Tag.Pid],
  [Port, Tag.Port],
  [Ref, Tag.Ref],
  [LocalFun, Tag.Fun],
  [ExternalFun, Tag.Fun],
] as const) {
  Object.defineProperty(cls.prototype, "tag", { value: tag, writable: false, enumerable: false });
}

/** The tag of any term; integers have none (check `typeof` first). */
export function tagOf(t: Exclude<Term, ErlInteger>): Tag {
  return t.tag;
}
