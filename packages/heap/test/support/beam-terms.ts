/**
 * Test support for term sizes, the internal hash and the external format against a live BEAM.
 *
 * {@link askBeam} sends terms to one `erl -noshell` as `term_to_binary` bytes (our encoder) and
 * gets back, for each, what the BEAM made of it: its own `term_to_binary` of the decoded term,
 * `make_internal_hash` (via `erts_debug:get_internal_state({internal_hash, T})`), `flat_size`
 * and `size`. It also resolves the BEAM's atom index of every atom we used, so our hash can be
 * computed with the BEAM's numbering ({@link BeamAnswer.atomIndex}).
 *
 * {@link randomTerms} and {@link specialTerms} produce the corpus: random nested terms plus
 * every encoding corner (long lists and strings, large tuples, long and unicode atoms, huge
 * bignums, HAMTs with all kinds of keys, bitstrings at odd offsets, local and external pids,
 * ports, refs, funs).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { liveErlRelease, liveErlRequired } from "@beamlab/beam-oracle";
import fc from "fast-check";
import {
  Binary,
  ExternalFun,
  LocalFun,
  Pid,
  Port,
  Ref,
  SubBinary,
  Tag,
  atom,
  binary,
  bitstring,
  encodeEtf,
  float,
  hamtNodeWords,
  int,
  internalHashWith,
  list,
  localCreationNumber,
  localNode,
  mapFromEntries,
  nil,
  tuple,
  type Atom,
  type AtomIndexOf,
  type Term,
} from "../../src/index.js";
import { termArb } from "./compare-terms.js";

/** Whether a live `erl` is on PATH (then the live tests run and must agree exactly). */
export const hasErl = liveErlRelease() !== undefined;
/** Whether the live tests are mandatory (CI): then a missing `erl` is a failure, not a skip. */
export const erlRequired = liveErlRequired();

/** What the BEAM made of one term we sent. */
export interface BeamTermAnswer {
  /** `term_to_binary(binary_to_term(Ours))`. */
  etf: Uint8Array;
  hash: number;
  flatSize: number;
  /** `erts_debug:size/1`, or −1 when not asked (it is quadratic on long lists: flat size > 4000). */
  size: number;
  /** `term_to_binary(T, [{compressed, 9}])` (uncompressed when compression does not pay). */
  compressed: Uint8Array;
}

export interface BeamAnswer {
  terms: BeamTermAnswer[];
  /** The BEAM's atom-table index of each atom we used (by identity). */
  atomIndex: (a: Atom) => number;
}

const SCRIPT = `
try
[In, AtomsIn, Out] = init:get_plain_arguments(),
erts_debug:set_internal_state(available_internal_state, true),
Lines = fun(F) -> {ok, B} = file:read_file(F), [L || L <- binary:split(B, <<"\\n">>, [global]), L =/= <<>>] end,
H = fun(T) -> erts_debug:get_internal_state({internal_hash, T}) end,
Res = [begin T = try binary_to_term(base64:decode(L)) catch _:_ -> erlang:error({badarg_at, L}) end,
         F = erts_debug:flat_size(T),
         %% erts_debug:size/1 is written in Erlang and quadratic in list length: skip big terms.
         S = if F =< 4000 -> erts_debug:size(T); true -> -1 end,
         [base64:encode(term_to_binary(T)), " ", integer_to_list(H(T)), " ",
          integer_to_list(F), " ", integer_to_list(S), " ",
          base64:encode(term_to_binary(T, [{compressed, 9}])), "\\n"] end
       || L <- Lines(In)],
ARes = [[integer_to_list(H(binary_to_atom(base64:decode(A), utf8))), "\\n"] || <<"=", A/binary>> <- Lines(AtomsIn)],
ok = file:write_file(Out, [Res, "--\\n", integer_to_list(erlang:system_info(atom_count)), "\\n", ARes]),
halt()
catch C:E:S -> io:format(standard_error, "~p:~P~n~P~n", [C, E, 30, S, 30]), halt(2)
end.
`;

/** Every atom in `terms` (iterative walk). */
export function atomsOf(terms: readonly Term[]): Atom[] {
  const seen = new Set<Atom>();
  const visited = new Set<object>();
  const stack: Term[] = [...terms];
  for (;;) {
    const t = stack.pop();
    if (t === undefined) break;
    if (typeof t !== "object" || visited.has(t)) continue;
    visited.add(t);
    switch (t.tag) {
      case Tag.Atom:
        seen.add(t);
        break;
      case Tag.Cons:
        stack.push(t.head, t.tail);
        break;
      case Tag.Tuple:
        stack.push(...t.elements);
        break;
      case Tag.Map:
        stack.push(...t.keys, ...t.values);
        break;
      case Tag.Pid:
      case Tag.Port:
      case Tag.Ref:
        seen.add(t.node);
        break;
      case Tag.Fun:
        seen.add(t.module);
        if (t.external) seen.add(t.name);
        else {
          stack.push(...t.free);
          if (t.pid) stack.push(t.pid);
        }
        break;
      case Tag.Nil:
      case Tag.Float:
      case Tag.Binary:
      case Tag.SubBinary:
        break;
    }
  }
  return [...seen];
}

/** Sends `terms` to a live BEAM (see the module header). Throws when erl fails. */
export function askBeam(terms: readonly Term[], encoded: readonly Uint8Array[] = terms.map((t) => encodeEtf(t))): BeamAnswer {
  const atoms = atomsOf(terms);
  const dir = mkdtempSync(path.join(tmpdir(), "beamlab-terms-"));
  try {
    const input = path.join(dir, "in.txt");
    const atomsIn = path.join(dir, "atoms.txt");
    const output = path.join(dir, "out.txt");
    writeFileSync(input, encoded.map((b) => Buffer.from(b).toString("base64")).join("\n") + "\n");
    // "=" keeps the empty atom's line non-empty
    writeFileSync(atomsIn, atoms.map((a) => "=" + Buffer.from(a.name, "utf8").toString("base64")).join("\n") + "\n");
    const r = spawnSync("erl", ["-noshell", "-eval", SCRIPT, "-extra", input, atomsIn, output], {
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ERL_CRASH_DUMP_SECONDS: "0" },
    });
    if (r.status !== 0) throw new Error(`erl failed (${r.status}): ${r.stdout}\n${r.stderr}`);
    const [termPart = "", atomPart = ""] = readFileSync(output, "utf8").split("--\n");
    const answers = termPart
      .split("\n")
      .filter((l) => l !== "")
      .map((l): BeamTermAnswer => {
        const [etf = "", hash = "", flat = "", size = "", compressed = ""] = l.split(" ");
        const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, "base64"));
        return { etf: bytes(etf), hash: Number(hash), flatSize: Number(flat), size: Number(size), compressed: bytes(compressed) };
      });
    const [count = "0", ...hashes] = atomPart.split("\n").filter((l) => l !== "");
    // Invert "hash of atom with index i" for every index in use on that node.
    const byHash = new Map<number, number>();
    const probe = atom("beamlab_probe");
    for (let i = 0; i < Number(count); i++) byHash.set(internalHashWith(probe, 0, () => i), i);
    const index = new Map<Atom, number>();
    atoms.forEach((a, k) => {
      const i = byHash.get(Number(hashes[k]));
      if (i === undefined) throw new Error(`no BEAM atom index hashes to ${hashes[k]} (atom ${a.name})`);
      index.set(a, i);
    });
    return {
      terms: answers,
      atomIndex: (a) => {
        const i = index.get(a);
        if (i === undefined) throw new Error(`atom ${a.name} was not sent to the BEAM`);
        return i;
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whether our hash of `t` can equal the BEAM's: false when `t` holds something the BEAM hashes
 * by a VM address (external pid/port/ref, `fun M:F/A`).
 */
export function hashReproducible(t: Term): boolean {
  const stack: Term[] = [t];
  for (;;) {
    const x = stack.pop();
    if (x === undefined) return true;
    if (typeof x !== "object") continue;
    switch (x.tag) {
      case Tag.Pid:
      case Tag.Port:
        if (x.node !== localNode() || x.creation !== localCreationNumber()) return false;
        break;
      case Tag.Ref:
        if (x.node !== localNode() || x.creation !== localCreationNumber()) return false;
        break;
      case Tag.Fun:
        if (x.external) return false;
        stack.push(...x.free);
        break;
      case Tag.Cons:
        stack.push(x.head, x.tail);
        break;
      case Tag.Tuple:
        stack.push(...x.elements);
        break;
      case Tag.Map:
        stack.push(...x.keys, ...x.values);
        break;
      case Tag.Atom:
      case Tag.Nil:
      case Tag.Float:
      case Tag.Binary:
      case Tag.SubBinary:
        break;
    }
  }
}

const local = (): Atom => localNode();

/** Terms at every corner of the encoding and of the hash. */
export function specialTerms(): Term[] {
  const out: Term[] = [];
  // integers at every tag boundary
  for (const v of [0, 1, 255, 256, -1, -256, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1)]) out.push(v);
  for (const v of [2n ** 53n, 2n ** 59n - 1n, 2n ** 59n, -(2n ** 59n), -(2n ** 59n) - 1n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n), 2n ** 128n, 2n ** 2039n, 2n ** 2040n, -(2n ** 2100n) + 12345n]) {
    out.push(int(v));
  }
  // floats
  for (const v of [0, -0, 1.5, -1.5, 1e300, 5e-324, Number.MAX_VALUE, 2 ** 53, 0.1]) out.push(float(v));
  // atoms
  for (const n of ["", "a", "ok", "nonode@nohost", "ÿ", "é", "Ā", "\u{1F600}", "x".repeat(255), "é".repeat(255), "Ā".repeat(255), "\u{1F600}".repeat(63), "\u{1F600}".repeat(64)]) {
    out.push(atom(n));
  }
  // lists and strings
  out.push(nil, list([1, 2, 3]), list([0, 255]), list([256]), list([1, 2], 3), list([1, 2], binary([1])), list([atom("a"), 1, 2, 3, 4, 5]));
  out.push(list(Array.from({ length: 65535 }, (_, i) => i % 256)), list(Array.from({ length: 65536 }, (_, i) => i % 256)));
  out.push(list([1, 2, 3, 4, 5, 6, 7, list([8, 9]), atom("x"), 10, 11, 12, 13, 14]), list([list([]), nil, list([1])]));
  out.push(list(Array.from({ length: 1000 }, (_, i) => tuple(i, i * 2))));
  // tuples
  out.push(tuple(), tuple(1), tuple(...Array.from({ length: 255 }, (_, i) => i)), tuple(...Array.from({ length: 256 }, (_, i) => i)));
  // binaries and bitstrings, aligned and not
  const bytes = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
  out.push(binary([]), binary(bytes.slice(0, 1)), binary(bytes.slice(0, 12)), binary(bytes.slice(0, 13)), binary(bytes.slice(0, 64)), binary(bytes.slice(0, 65)), binary(bytes));
  for (const bits of [1, 7, 9, 15, 17, 63, 65, 511, 513]) out.push(bitstring(bytes, bits));
  for (const [off, size] of [[3, 16], [3, 9], [8, 8], [8, 24], [5, 0], [1, 95], [12, 520], [0, 600], [7, 1]] as const) {
    out.push(new SubBinary(new Binary(bytes.slice(0, 100)), off, size), new SubBinary(new Binary(bytes.slice(0, 40)), off, Math.min(size, 40 * 8 - off)));
  }
  // maps: flat and HAMT with many kinds of keys
  out.push(mapFromEntries([]), mapFromEntries([[1, 2]]), mapFromEntries([[atom("a"), 1], [float(1), 2], [1, 3]]));
  for (const n of [32, 33, 40, 100, 300, 1000]) out.push(mapFromEntries(Array.from({ length: n }, (_, i) => [i, i] as const)));
  const kinds = (i: number): Term => {
    switch (i % 9) {
      case 0:
        return i;
      case 1:
        return float(i / 3);
      case 2:
        return binary(new TextEncoder().encode(`k${i}`));
      case 3:
        return tuple(i, atom("t"));
      case 4:
        return list([i, i + 1]);
      case 5:
        return int(2n ** 70n + BigInt(i));
      case 6:
        return bitstring([i & 0xff, 0xff], 11);
      case 7:
        return mapFromEntries([[i, i]]);
      default:
        return atom(`key_${i}`);
    }
  };
  for (const n of [33, 90, 500]) out.push(mapFromEntries(Array.from({ length: n }, (_, i) => [kinds(i), i] as const)));
  out.push(mapFromEntries(Array.from({ length: 40 }, (_, i) => [mapFromEntries(Array.from({ length: 33 }, (_, j) => [j + i, j] as const)), i] as const)));
  // identifiers
  const node = local();
  out.push(new Pid(node, 0, 0, 0), new Pid(node, 80, 0, 0), new Pid(node, 32767, 8191, 0), new Pid(node, 7311, 1, 0));
  out.push(new Port(node, 0n, 0), new Port(node, 3n, 0), new Port(node, 2n ** 28n - 1n, 0));
  out.push(new Ref(node, [89348, 318767105, 3988878744], 0), new Ref(node, [1, 0x32fa0002, 7], 0, "magic"), new Ref(node, [0, 0, 0], 0));
  const other = atom("a@b");
  out.push(new Pid(other, 5, 7, 1), new Port(other, 5n, 1), new Port(other, 2n ** 40n, 1), new Ref(other, [1, 2, 3], 1), new Ref(other, [], 2), new Ref(other, [1, 2, 3, 4, 5], 3));
  out.push(new Pid(node, 5, 0, 3)); // nonode@nohost with another creation: external
  // funs
  const md5 = "4a91e8e787939b40952df0b873dc0ea0";
  out.push(new LocalFun(atom("e1"), 1, 39096135, 0, [], md5, 1, new Pid(node, 9, 0, 0)));
  out.push(new LocalFun(atom("mod"), 3, 12345, 2, [1, atom("x"), list([1, 2])], md5, 3, new Pid(node, 9, 0, 0)));
  out.push(new LocalFun(atom("mod"), 4, 77, 1, [float(2.5)], md5, 9, new Pid(node, 9, 0, 0)));
  out.push(new ExternalFun(atom("lists"), atom("map"), 2), new ExternalFun(atom("erlang"), atom("self"), 0));
  return out;
}

/** Random nested terms (compare-terms' generator), reproducible from `seed`. */
export function randomTerms(count: number, seed: number): Term[] {
  return fc.sample(termArb, { numRuns: count, seed });
}

/**
 * How many words `flatSize` (or, with `shared`, `sharedSize`) of `t` changes when its HAMT maps
 * are laid out with another atom numbering (a real node's): the layout of a HAMT with atom keys
 * depends on atom indices, which differ between our table and the BEAM's.
 */
export function hamtWordsDelta(t: Term, atomIndex: AtomIndexOf, shared: boolean): number {
  let delta = 0;
  const seen = new Set<object>();
  const stack: Term[] = [t];
  for (;;) {
    const x = stack.pop();
    if (x === undefined) return delta;
    if (typeof x !== "object") continue;
    if (shared) {
      if (seen.has(x)) continue;
      seen.add(x);
    }
    switch (x.tag) {
      case Tag.Map:
        delta += hamtNodeWords(x, atomIndex) - hamtNodeWords(x);
        stack.push(...x.keys, ...x.values);
        break;
      case Tag.Cons:
        stack.push(x.head, x.tail);
        break;
      case Tag.Tuple:
        stack.push(...x.elements);
        break;
      case Tag.Fun:
        if (!x.external) stack.push(...x.free);
        break;
      case Tag.Atom:
      case Tag.Nil:
      case Tag.Float:
      case Tag.Binary:
      case Tag.SubBinary:
      case Tag.Pid:
      case Tag.Port:
      case Tag.Ref:
        break;
    }
  }
}

const ACCEPT_SCRIPT = `
try
[In, Out] = init:get_plain_arguments(),
{ok, B} = file:read_file(In),
%% each line is "=" followed by base64 ("=" keeps an empty binary's line non-empty)
Ls = [L || <<"=", L/binary>> <- binary:split(B, <<"\\n">>, [global])],
Res = [try T = binary_to_term(base64:decode(L)), [base64:encode(term_to_binary(T)), "\\n"]
       catch error:badarg -> "badarg\\n" end || L <- Ls],
ok = file:write_file(Out, Res),
halt()
catch C:E:S -> io:format(standard_error, "~p:~P~n~P~n", [C, E, 30, S, 30]), halt(2)
end.
`;

/**
 * For each binary: what `binary_to_term/1` does with it on the live BEAM: `"badarg"`, or the
 * BEAM's `term_to_binary` of the decoded term.
 */
export function beamDecode(binaries: readonly Uint8Array[]): (Uint8Array | "badarg")[] {
  const dir = mkdtempSync(path.join(tmpdir(), "beamlab-etf-"));
  try {
    const input = path.join(dir, "in.txt");
    const output = path.join(dir, "out.txt");
    writeFileSync(input, binaries.map((b) => "=" + Buffer.from(b).toString("base64")).join("\n") + "\n");
    const r = spawnSync("erl", ["-noshell", "-eval", ACCEPT_SCRIPT, "-extra", input, output], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, ERL_CRASH_DUMP_SECONDS: "0" },
    });
    if (r.status !== 0) throw new Error(`erl failed (${r.status}): ${r.stdout}\n${r.stderr}`);
    return readFileSync(output, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => (l === "badarg" ? "badarg" : new Uint8Array(Buffer.from(l, "base64"))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
