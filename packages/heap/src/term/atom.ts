/**
 * Atoms and the atom table.
 *
 * Owns: the one `Atom` object per atom text (atoms are interned, so `===` is atom equality) and
 * the atom index, which is what the BEAM hashes when an atom is a map key (an atom's term word is
 * `index << 6 | 0xB`). Invariant: an atom's index never changes once assigned; indices are handed
 * out in creation order, so HAMT layouts with atom keys depend on creation order, as on the BEAM.
 */
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
const byIndex: Atom[] = [];

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
    found = new Atom(name, byIndex.length);
    table.set(name, found);
    byIndex.push(found);
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

/** Number of atoms created so far (`erlang:system_info(atom_count)`). */
export function atomCount(): number {
  return byIndex.length;
}

// The atoms the runtime itself relies on exist from the start, in a fixed order, so that indices
// are deterministic for a given program.
export const am = {
  true: atom("true"),
  false: atom("false"),
  ok: atom("ok"),
  error: atom("error"),
  undefined: atom("undefined"),
  normal: atom("normal"),
  nonode_at_nohost: atom("nonode@nohost"),
} as const;
