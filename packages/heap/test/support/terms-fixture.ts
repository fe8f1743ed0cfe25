/**
 * Test support: the real BEAM's recording of term sizes and encodings
 * (tooling/beam-oracle/fixtures/terms.json, written by recorders/terms.escript), typed, plus the
 * one thing the recording lacks: the BEAM's atom-table indices.
 *
 * A HAMT map (more than 32 keys) with atom keys is laid out by the atoms' *indices*, which differ
 * between our atom table and the recording node's. The recording does not store those indices,
 * but its external format lists the pairs in the BEAM's layout order, which pins them down:
 * {@link inferAtomIndices} searches for a numbering under which our encoder reproduces the
 * recorded bytes exactly (one unknown: every atom key is created by `list_to_atom` in the order
 * of its numeric suffix, so the indices are consecutive from an unknown base; a single atom key
 * is searched alone).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { Tag, encodeEtf, type Atom, type AtomIndexOf, type Term } from "../../src/index.js";

export interface FixtureTerm {
  id: string;
  category: string;
  source: string;
  text: string | null;
  etf: string;
  deterministic: boolean;
  flat_size: number;
  size: number;
  term_type: string;
}

export interface FixtureShared {
  id: string;
  bindings: [string, string][];
  body: string;
  flat_size: number;
  size: number;
}

export interface FixtureConstructed {
  id: string;
  op: string;
  parent: string;
  args: number[];
  flat_size: number;
  size: number;
  term_type: string;
  flat_size_after_gc: number;
  term_type_after_gc: string;
}

export interface TermsFixture {
  otp_release: string;
  node: string;
  creation: number;
  terms: FixtureTerm[];
  shared: FixtureShared[];
  constructed: FixtureConstructed[];
  hamt_int_keys: [number, number][];
}

export const fixture = loadFixture("terms") as TermsFixture;

export function etfBytes(rec: { etf: string }): Uint8Array {
  return new Uint8Array(Buffer.from(rec.etf, "base64"));
}

/** Atoms among the keys of the HAMT maps (> 32 keys) inside `t`: these decide its layout. */
export function hamtKeyAtoms(t: Term): Atom[] {
  const found = new Set<Atom>();
  const stack: { t: Term; inHamtKey: boolean }[] = [{ t, inHamtKey: false }];
  for (;;) {
    const item = stack.pop();
    if (item === undefined) return [...found];
    const x = item.t;
    if (typeof x !== "object") continue;
    switch (x.tag) {
      case Tag.Atom:
        if (item.inHamtKey) found.add(x);
        break;
      case Tag.Map: {
        const hamt = x.keys.length > 32;
        for (const k of x.keys) stack.push({ t: k, inHamtKey: item.inHamtKey || hamt });
        for (const v of x.values) stack.push({ t: v, inHamtKey: item.inHamtKey });
        break;
      }
      case Tag.Cons:
        stack.push({ t: x.head, inHamtKey: item.inHamtKey }, { t: x.tail, inHamtKey: item.inHamtKey });
        break;
      case Tag.Tuple:
        for (const e of x.elements) stack.push({ t: e, inHamtKey: item.inHamtKey });
        break;
      case Tag.Fun:
        if (!x.external) for (const e of x.free) stack.push({ t: e, inHamtKey: item.inHamtKey });
        break;
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

/**
 * Every atom numbering (see the module header) under which `encodeEtf(t)` equals `recorded`,
 * as functions; empty when there is none. Searches bases 0..`maxIndex`.
 */
export function inferAtomIndices(t: Term, recorded: Uint8Array, maxIndex = 1 << 15): AtomIndexOf[] {
  const atoms = hamtKeyAtoms(t);
  const suffix = (a: Atom): number => Number(/(\d+)$/.exec(a.name)?.[1] ?? 0);
  const minSuffix = Math.min(...atoms.map(suffix));
  const target = Buffer.from(recorded);
  const out: AtomIndexOf[] = [];
  for (let base = 0; base <= maxIndex; base++) {
    const index: AtomIndexOf = (a) => (atoms.includes(a) ? base + suffix(a) - minSuffix : a.index);
    if (target.equals(encodeEtf(t, { atomIndex: index }))) out.push(index);
  }
  return out;
}
