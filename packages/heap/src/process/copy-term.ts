/**
 * Copying a term between processes (erts `copy_struct`): what `spawn` arguments and messages
 * get. The copy is *flat*: sharing is lost (a sub-term reachable twice is copied twice, like
 * `erts_debug:flat_size/1` counts it); objects marked as literals are referenced, not copied
 * (`copy_struct_litopt`). The result is a fresh, unstamped term, ready for `alloc` or
 * `allocFragment` on the receiving heap.
 * Cost: O(flat size); iterative (post-order with an explicit stack).
 */
import { Tag } from "../term/tag.js";
import { Binary, Cons, ErlFloat, ErlMap, LocalFun, MAP_SMALL_MAP_LIMIT, SubBinary, Tuple, type Term } from "../term/types.js";
import { hasLiteralKeys, markKeysLiteral } from "../term/map.js";
import { isHeapObject, type HeapObject } from "./node-words.js";
import { LITERAL } from "./stamps.js";
import { Blob } from "./blob.js";
import { hamtHeadChildren } from "./hamt-nodes.js";

interface Task {
  readonly o: HeapObject;
  readonly kids: readonly Term[];
  readonly out: Term[];
}

function kidsOf(o: HeapObject): readonly Term[] {
  switch (o.tag) {
    case Tag.Cons:
      return [(o).head, (o).tail];
    case Tag.Tuple:
      return (o).elements;
    case Tag.SubBinary:
      return [(o).orig];
    case Tag.Map:
      return [...(o).keys, ...(o).values];
    case Tag.Fun:
      return o.external ? [] : o.free;
    case Tag.Float:
    case Tag.Binary:
    case Tag.Pid:
    case Tag.Port:
    case Tag.Ref:
      return [];
  }
}

function rebuild(o: HeapObject, k: Term[]): Term {
  switch (o.tag) {
    case Tag.Cons:
      return new Cons(k[0] as Term, k[1] as Term);
    case Tag.Tuple:
      return (o).elements.length === 0 ? o : new Tuple(k);
    case Tag.Float:
      return new ErlFloat((o).value);
    case Tag.Binary:
      return new Binary((o).data);
    case Tag.SubBinary: {
      const s = o;
      return new SubBinary(k[0] as Binary, s.bitOffset, s.bitSize);
    }
    case Tag.Map: {
      const n = (o).keys.length;
      const m = new ErlMap(k.slice(0, n), k.slice(n));
      // copy_struct_litopt shares literals: a literal keys tuple stays one
      return hasLiteralKeys(o) ? markKeysLiteral(m) : m;
    }
    case Tag.Fun: {
      if (o.external) return o;
      const f = o;
      const c = new LocalFun(f.module, f.index, f.uniq, f.arity, k, f.md5, f.oldIndex, ...(f.pid ? [f.pid] : []));
      c.code = f.code;
      return c;
    }
    case Tag.Pid:
    case Tag.Port:
    case Tag.Ref: {
      // pids, ports and refs are immutable value objects: a fresh identity is enough.
      const c = Object.create(Object.getPrototypeOf(o) as object) as HeapObject;
      Object.assign(c, o);
      c.gcStamp = 0;
      return c;
    }
  }
}

/** A flat copy of `term`, unstamped (literal-marked parts are shared). */
export function copyTerm(term: Term): Term {
  if (!isHeapObject(term) || term.gcStamp === LITERAL) return term;
  const stack: Task[] = [{ o: term, kids: kidsOf(term), out: [] }];
  let result: Term = term;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Task;
    const i = top.out.length;
    if (i < top.kids.length) {
      const k = top.kids[i] as Term;
      if (!isHeapObject(k) || k.gcStamp === LITERAL) top.out.push(k);
      else stack.push({ o: k, kids: kidsOf(k), out: [] });
      continue;
    }
    stack.pop();
    const copy = rebuild(top.o, top.out);
    const parent = stack[stack.length - 1];
    if (parent === undefined) result = copy;
    else parent.out.push(copy);
  }
  return result;
}

/**
 * Marks every object of `term` as a literal (0 heap words, never copied, never traced) — a
 * HAMT's inner nodes and leaf cells too (hamt-nodes.ts), so that `M#{K => V}` on a literal HAMT
 * builds only the inserted path, as erts_hashmap_insert does.
 */
export function markLiteral<T extends Term>(term: T): T {
  const work: (Term | Blob)[] = [term];
  while (work.length > 0) {
    const t = work.pop() as Term | Blob;
    if (t instanceof Blob) {
      if (t.gcStamp === LITERAL) continue;
      t.gcStamp = LITERAL;
      for (const k of t.children) if (typeof k === "object") work.push(k);
      continue;
    }
    if (!isHeapObject(t) || t.gcStamp === LITERAL) continue;
    t.gcStamp = LITERAL;
    for (const k of kidsOf(t)) if (typeof k === "object") work.push(k);
    if (t.tag === Tag.Map && t.keys.length > MAP_SMALL_MAP_LIMIT) work.push(...hamtHeadChildren(t));
  }
  return term;
}
