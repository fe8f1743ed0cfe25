/**
 * Atoms and the atom table.
 *
 * Owns: the one `Atom` object per atom text (atoms are interned, so `===` is atom equality) and
 * the atom index, which is what the BEAM hashes when an atom is a map key (an atom's term word is
 * `index << 6 | 0xB`). Invariant: an atom's index never changes once assigned. The table starts as
 * a booted node's (`erl +S 1 -noshell`, recorded in booted-atoms.ts): an atom the boot created has
 * that node's index; any other atom gets the next index in creation order, after all of them, as
 * on a node. So HAMT layouts with atom keys match a real node's for boot atoms, and for others
 * depend on creation order, as on the BEAM.
 */
import { BOOTED_ATOM_COUNT, BOOTED_ATOM_NAMES } from "./booted-atoms.js";
import type { Tag } from "./tag.js";

/** Longest atom the BEAM accepts, in characters. */
export const MAX_ATOM_CHARACTERS = 255;

export class Atom {
  declare readonly tag: typeof Tag.Atom;
  /** @internal use {@link atom} */
  constructor(
    /** The atom's text. */
    readonly name: string,
    /** Position in the atom table (what the BEAM's internal hash of an atom is computed from). */
    readonly index: number,
  ) {}

  toString(): string {
    return this.name;
  }
}

const table = new Map<string, Atom>();
/** Next index for an atom the boot did not create. */
let nextIndex = BOOTED_ATOM_COUNT;
/** The booted node's index of each of its atoms; built on first use (cheap module load). */
let bootIndices: Map<string, number> | undefined;

function bootIndexOf(name: string): number | undefined {
  if (bootIndices === undefined) {
    bootIndices = new Map();
    let i = 0;
    for (const n of BOOTED_ATOM_NAMES.split("\n")) bootIndices.set(n, i++);
  }
  return bootIndices.get(name);
}

/**
 * The atom with this text, created on first use.
 *
 * **Gotchas**: like the BEAM's atom table, the table only grows. An atom longer than 255
 * characters is a `system_limit` error on the BEAM, and a `RangeError` here.
 */
export function atom(name: string): Atom {
  let found = table.get(name);
  if (found === undefined) {
    const characters = codePoints(name);
    if (characters > MAX_ATOM_CHARACTERS) {
      throw new RangeError(`atom too long: ${characters} characters (the BEAM allows ${MAX_ATOM_CHARACTERS})`);
    }
    found = new Atom(name, bootIndexOf(name) ?? nextIndex++);
    table.set(name, found);
  }
  return found;
}

/** Number of Unicode code points in `text` (the BEAM's atom length unit). */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}

/**
 * Number of atoms in the table (`erlang:system_info(atom_count)`): the booted node's, plus the
 * ones created since.
 */
export function atomCount(): number {
  return nextIndex;
}

// The atoms the runtime itself relies on (all boot atoms, so their indices are the node's).
export const am = {
  true: atom("true"),
  false: atom("false"),
  ok: atom("ok"),
  error: atom("error"),
  undefined: atom("undefined"),
  normal: atom("normal"),
  nonode_at_nohost: atom("nonode@nohost"),
} as const;
