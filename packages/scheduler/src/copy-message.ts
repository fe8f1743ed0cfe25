/**
 * The send path's copy of a small message: `copyTerm` and {@link freshWords} in one pass.
 *
 * Owns: a fast path for the messages most sends carry (tuples and lists of atoms, small numbers,
 * pids, refs, binaries and sub-binaries, at most {@link MAX_OBJECTS} heap objects — a gen_server
 * call or reply, a worker's result). It makes exactly the copy `copyTerm` makes (literal-marked
 * parts and empty tuples shared, every other heap object a fresh unstamped object, shared
 * subterms copied once per occurrence) and counts exactly the words `freshWords` would count on
 * that copy. Any other term (maps, funs, floats, more objects) returns undefined: the caller
 * uses copyTerm and freshWords.
 */
import { Binary, Cons, isHeapObject, LITERAL_STAMP, nodeWords, Ref, SubBinary, Tag, Tuple, type HeapObject, type Term } from "@beamlab/heap";

const MAX_OBJECTS = 32;
const FAIL: unique symbol = Symbol("fail");

let budget = 0;
/** Words of the last successful {@link copyMessage}. */
export let copiedWords = 0;

/** A flat copy of `term` (sets {@link copiedWords}), or undefined when the fast path does not apply. */
export function copyMessage(term: Term): Term | undefined {
  budget = MAX_OBJECTS;
  copiedWords = 0;
  const c = copy(term);
  return c === FAIL ? undefined : c;
}

function freshIdentity(t: HeapObject): HeapObject {
  const c = Object.create(Object.getPrototypeOf(t) as object) as HeapObject;
  Object.assign(c, t);
  c.gcStamp = 0;
  return c;
}

function copy(t: Term): Term | typeof FAIL {
  if (typeof t !== "object" || !isHeapObject(t) || t.gcStamp === LITERAL_STAMP) return t;
  if (--budget < 0) return FAIL;
  switch (t.tag) {
    case Tag.Tuple: {
      const es = t.elements;
      const n = es.length;
      if (n === 0) return t; // copyTerm shares it (and it has no words)
      const out: Term[] = new Array<Term>(n);
      for (let i = 0; i < n; i++) {
        const e = copy(es[i] as Term);
        if (e === FAIL) return FAIL;
        out[i] = e;
      }
      const r = new Tuple(out);
      copiedWords += nodeWords(r, false);
      return r;
    }
    case Tag.Cons: {
      const h = copy(t.head);
      if (h === FAIL) return FAIL;
      const tl = copy(t.tail);
      if (tl === FAIL) return FAIL;
      const r = new Cons(h, tl);
      copiedWords += nodeWords(r, false);
      return r;
    }
    case Tag.Ref:
    case Tag.Pid:
    case Tag.Port: {
      // immutable value objects: a fresh identity, as copyTerm makes (a plain Ref by its
      // constructor: the same fields, without Object.assign's slow path)
      const c = Object.getPrototypeOf(t) === Ref.prototype ? new Ref((t as Ref).node, (t as Ref).ids, (t as Ref).creation, (t as Ref).kind) : freshIdentity(t);
      copiedWords += nodeWords(c, false);
      return c;
    }
    case Tag.Binary: {
      // copyTerm's copy: a new Binary over the same data (a refc binary's ProcBin, or a heap binary)
      const c = new Binary(t.data);
      copiedWords += nodeWords(c, false);
      return c;
    }
    case Tag.SubBinary: {
      const orig = copy(t.orig);
      if (orig === FAIL) return FAIL;
      const c = new SubBinary(orig as Binary, t.bitOffset, t.bitSize);
      copiedWords += nodeWords(c, false);
      return c;
    }
    case Tag.Float:
    case Tag.Map:
    case Tag.Fun:
      return FAIL;
  }
}
