/**
 * The heap words a copied message occupies (erts `size_object_litopt`).
 *
 * Owns: counting the words of a term that is on no heap yet (a fresh flat copy), skipping
 * objects that are literals or already placed, exactly as the heap package will count them when
 * the term is placed (nodeWords of every unstamped object). Iterative.
 */
import { Blob, isFlatmap, isHeapObject, mapChildren, nodeWords, Tag, type Term } from "@beamlab/heap";

const STACK: Term[] = [];

export function freshWords(term: Term): number {
  if (typeof term !== "object" || !isHeapObject(term)) return 0;
  const st = STACK;
  st.length = 0;
  st.push(term);
  let words = 0;
  while (st.length > 0) {
    const t = st.pop() as Term;
    if (t instanceof Blob) {
      // a HAMT's inner node (the map's nodes are heap objects of their own)
      if (t.gcStamp !== 0) continue;
      words += t.words;
      for (const c of t.children) st.push(c as Term);
      continue;
    }
    if (typeof t !== "object" || !isHeapObject(t) || t.gcStamp !== 0) continue;
    if (t.tag === Tag.Fun && t.external) continue;
    words += nodeWords(t, false);
    switch (t.tag) {
      case Tag.Cons:
        st.push(t.tail, t.head);
        break;
      case Tag.Tuple:
        for (const e of t.elements) st.push(e);
        break;
      case Tag.Map:
        // a flatmap points at its keys and values; a HAMT at its nodes (heap's hamt-nodes.ts)
        if (isFlatmap(t)) {
          for (const e of t.keys) st.push(e);
          for (const e of t.values) st.push(e);
        } else for (const e of mapChildren(t)) st.push(e);
        break;
      case Tag.SubBinary:
        st.push(t.orig);
        break;
      case Tag.Fun:
        for (const e of t.free) st.push(e);
        break;
      case Tag.Float:
      case Tag.Binary:
      case Tag.Pid:
      case Tag.Port:
      case Tag.Ref:
        break;
    }
  }
  return words;
}
