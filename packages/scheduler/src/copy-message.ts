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
 * It also lists the copy's objects that take heap words ({@link copiedObjects}, with their
 * ProcBins' virtual-heap words in {@link copiedVheap}) in the order the heap's claimFresh walk
 * would visit them — preorder, a tuple's elements first to last, a cons's head before its tail,
 * a sub-binary before its binary — so the receiver's heap places the message without walking it
 * again (`ProcessHeap.deliverCopied`).
 */
import { Binary, Cons, integerWords, isHeapObject, LITERAL_STAMP, nodeWords, Pid, procBinVheapWords, Ref, SubBinary, Tag, Tuple, type HeapObject, type Term } from "@beamlab/heap";

const MAX_OBJECTS = 32;
const FAIL: unique symbol = Symbol("fail");

let budget = 0;
/** Words of the last successful {@link copyMessage}. */
export let copiedWords = 0;
/** The last successful copy's objects that take heap words, in claimFresh's order (a new array per copy: truncating a reused one costs more than making one). */
export let copiedObjects: HeapObject[] = [];
/** Σ virtual-heap words of the ProcBins among {@link copiedObjects}. */
export let copiedVheap = 0;

/** A flat copy of `term` (sets {@link copiedWords}, {@link copiedObjects}, {@link copiedVheap}), or undefined when the fast path does not apply. */
export function copyMessage(term: Term): Term | undefined {
  budget = MAX_OBJECTS;
  copiedWords = 0;
  copiedVheap = 0;
  copiedObjects = [];
  const c = copy(term);
  return c === FAIL ? undefined : c;
}

/** A place in {@link copiedObjects} for an object whose children are copied before it exists (preorder). */
function reserve(): number {
  copiedObjects.push(PLACEHOLDER);
  return copiedObjects.length - 1;
}
const PLACEHOLDER = new Cons(0, 0) as HeapObject;

/**
 * Counts a new object of the copy (`w`: its nodeWords, never 0: copy() only reaches what
 * isHeapObject accepts, and a local pid or port — the immediates claimFresh skips — is not);
 * `at`: its reserved place, or -1 to append it.
 */
function counted(c: HeapObject, w: number, at: number): void {
  copiedWords += w;
  if (at >= 0) copiedObjects[at] = c;
  else copiedObjects.push(c);
  copiedVheap += procBinVheapWords(c);
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
      const at = reserve();
      // a packed array, as tuple literals make (a holey one would make every tuple site polymorphic)
      const out: Term[] = [];
      // nodeWords of the copy: header, elements, and the words of the bignums it holds
      let w = 1 + n;
      for (let i = 0; i < n; i++) {
        const x = es[i] as Term;
        if (typeof x === "bigint") w += integerWords(x);
        const e = typeof x === "object" ? copy(x) : x;
        if (e === FAIL) return FAIL;
        out.push(e);
      }
      const r = new Tuple(out);
      counted(r, w, at);
      return r;
    }
    case Tag.Cons: {
      const at = reserve();
      const h = copy(t.head);
      if (h === FAIL) return FAIL;
      const tl = copy(t.tail);
      if (tl === FAIL) return FAIL;
      const r = new Cons(h, tl);
      counted(r, 2 + (typeof h === "bigint" ? integerWords(h) : 0) + (typeof tl === "bigint" ? integerWords(tl) : 0), at);
      return r;
    }
    case Tag.Ref:
    case Tag.Pid:
    case Tag.Port: {
      // immutable value objects: a fresh identity, as copyTerm makes (a plain Ref or Pid by its
      // constructor: the same fields, without Object.assign's slow path)
      const proto = Object.getPrototypeOf(t) as object;
      const c =
        proto === Ref.prototype
          ? new Ref((t as Ref).node, (t as Ref).ids, (t as Ref).creation, (t as Ref).kind)
          : proto === Pid.prototype
            ? new Pid((t as Pid).node, (t as Pid).id, (t as Pid).serial, (t as Pid).creation)
            : freshIdentity(t);
      counted(c, nodeWords(c, false), -1);
      return c;
    }
    case Tag.Binary: {
      // copyTerm's copy: a new Binary over the same data (a refc binary's ProcBin, or a heap binary)
      const c = new Binary(t.data);
      counted(c, nodeWords(c, false), -1);
      return c;
    }
    case Tag.SubBinary: {
      const at = reserve();
      const orig = copy(t.orig);
      if (orig === FAIL) return FAIL;
      const c = new SubBinary(orig as Binary, t.bitOffset, t.bitSize);
      counted(c, nodeWords(c, false), at);
      return c;
    }
    case Tag.Float:
    case Tag.Map:
    case Tag.Fun:
      return FAIL;
  }
}
