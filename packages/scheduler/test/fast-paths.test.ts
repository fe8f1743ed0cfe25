/**
 * The send/monitor/timer fast paths give exactly what the general code gives.
 */
import { atom, binary, Binary, Cons, copyTerm, equals, ErlFloat, isHeapObject, list, localCreationNumber, localNode, markLiteral, nil, Pid, ProcessHeap, Ref, SubBinary, Tuple, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { copiedObjects, copiedVheap, copiedWords, copyMessage } from "../src/copy-message.js";
import { RefTable } from "../src/ref-table.js";
import { Clock, freshWords, Scheduler, type ProcessContext } from "../src/index.js";

const ref = (n: number): Ref => new Ref(localNode(), [n, 0, 0], localCreationNumber());
const remotePid = new Pid(atom("other@host"), 5, 0, 1);

describe("copyMessage", () => {
  const shared = new Tuple([1, 2]);
  const lit = markLiteral(new Tuple([atom("lit"), 3]));
  const cases: [string, Term][] = [
    ["atom", atom("ok")],
    ["small int", 42],
    ["bignum in a tuple", new Tuple([2n ** 80n, 1])],
    ["bignums in a list", new Cons(-(2n ** 70n), new Cons(1, 2n ** 65n))],
    ["empty tuple", new Tuple([])],
    ["gen_server call", new Tuple([atom("$gen_call"), new Tuple([new Pid(localNode(), 7, 0, localCreationNumber()), new Cons(atom("alias"), ref(9))]), atom("ping")])],
    ["reply", new Tuple([new Cons(atom("alias"), ref(10)), atom("ok")])],
    ["list", list([1, 2, new Tuple([3])])],
    ["improper list", new Cons(1, 2)],
    ["shared subterm", new Tuple([shared, shared])],
    ["literal part", new Tuple([lit, nil])],
    ["remote pid", new Tuple([remotePid])],
    ["heap binary", new Tuple([binary("abc")])],
    ["refc binary", new Tuple([atom("data"), binary("x".repeat(100))])],
    ["sub-binary of a refc binary", new Tuple([atom("result"), 7, new SubBinary(binary("y".repeat(200)), 8, 80)])],
    ["literal binary", new Tuple([markLiteral(binary("z".repeat(100)))])],
  ];
  for (const [name, t] of cases) {
    it(`${name}: same copy and words as copyTerm + freshWords`, () => {
      const c = copyMessage(t);
      expect(c).toBeDefined();
      const words = copiedWords;
      const ref = copyTerm(t);
      expect(equals(c as Term, ref)).toBe(true);
      expect(words).toBe(freshWords(ref));
      if (isHeapObject(t) && t !== lit && !(t instanceof Tuple && t.elements.length === 0)) expect(c).not.toBe(t); // a fresh copy
    });
  }

  /** Every heap object of `t` (and of `u`, its copy, walked in step): whether each is stamped new on its heap. */
  function stampedPairs(t: Term, u: Term, ht: ProcessHeap, hu: ProcessHeap, out: [boolean, boolean][]): void {
    if (typeof t !== "object" || !isHeapObject(t) || typeof u !== "object" || !isHeapObject(u)) return;
    out.push([t.gcStamp === ht.state.newStamp, u.gcStamp === hu.state.newStamp]);
    if (t instanceof Tuple && u instanceof Tuple) t.elements.forEach((e, i) => { stampedPairs(e, u.elements[i] as Term, ht, hu, out); });
    if (t instanceof Cons && u instanceof Cons) {
      stampedPairs(t.head, u.head, ht, hu, out);
      stampedPairs(t.tail, u.tail, ht, hu, out);
    }
    if (t instanceof SubBinary && u instanceof SubBinary) stampedPairs(t.orig, u.orig, ht, hu, out);
  }

  const mso = (h: ProcessHeap): number[] => h.state.youngMso.map((b: Binary) => b.byteSize);
  const twoBinaries = new Tuple([binary("a".repeat(300)), new SubBinary(binary("b".repeat(200)), 0, 80), list([binary("c".repeat(100))])]);
  for (const [name, t] of [...cases, ["ProcBins in a tuple, a sub-binary and a list", twoBinaries] as [string, Term]]) {
    it(`${name}: the heap places the listed copy as it places a walked one (deliverCopied = deliverMessage)`, () => {
      const listedHeap = new ProcessHeap();
      const walkedHeap = new ProcessHeap();
      const c = copyMessage(t) as Term;
      listedHeap.deliverCopied([...copiedObjects], copiedWords, copiedVheap);
      const d = copyTerm(t);
      walkedHeap.deliverMessage(d);
      expect(listedHeap.state.htop).toBe(walkedHeap.state.htop);
      expect(listedHeap.state.vheap).toBe(walkedHeap.state.vheap);
      expect(listedHeap.state.mbufSz).toBe(walkedHeap.state.mbufSz);
      expect(mso(listedHeap)).toEqual(mso(walkedHeap)); // the ProcBins in the walk's order
      const pairs: [boolean, boolean][] = [];
      stampedPairs(c, d, listedHeap, walkedHeap, pairs);
      for (const [listed, walked] of pairs) expect(listed).toBe(walked);
    });
  }

  it("lists each object that takes words once, in the heap walk's order (preorder, elements first to last)", () => {
    const inner = new Tuple([atom("b"), 2]);
    const c = copyMessage(new Tuple([new Cons(1, nil), inner, new Pid(localNode(), 3, 0, localCreationNumber())])) as Tuple;
    // the local pid is an immediate: not listed
    expect(copiedObjects).toEqual([c, c.elements[0], c.elements[1]]);
    expect(new Set(copiedObjects).size).toBe(copiedObjects.length);
  });

  it("falls back (undefined) for maps, floats, funs and large terms", () => {
    expect(copyMessage(new Tuple([new ErlFloat(1.5)]))).toBeUndefined();
    expect(copyMessage(list(Array.from({ length: 100 }, (_, i) => i)))).toBeUndefined();
  });

  it("a copied ref is a fresh, unstamped object equal to the original", () => {
    const r = ref(3);
    r.gcStamp = 5;
    const c = copyMessage(r) as Ref;
    expect(c).not.toBe(r);
    expect(c.gcStamp).toBe(0);
    expect(Object.getPrototypeOf(c)).toBe(Ref.prototype);
    expect(equals(c, r)).toBe(true);
  });
});

describe("RefTable", () => {
  it("keeps insertion order across the array and Map representations", () => {
    const t = new RefTable<number>();
    const rs = Array.from({ length: 20 }, (_, i) => ref(100 + i));
    for (let i = 0; i < 5; i++) t.set(rs[i] as Ref, i);
    t.delete(rs[1] as Ref);
    expect(t.values()).toEqual([0, 2, 3, 4]);
    for (let i = 5; i < 20; i++) t.set(rs[i] as Ref, i);
    expect(t.size).toBe(19);
    t.delete(rs[7] as Ref);
    expect(t.values()).toEqual([0, 2, 3, 4, 5, 6, ...Array.from({ length: 12 }, (_, i) => 8 + i)]);
    expect(t.get(rs[8] as Ref)).toBe(8);
    expect(t.get(ref(100))).toBeUndefined(); // identity, like a Map
    for (const r of rs) t.delete(r);
    expect(t.size).toBe(0);
    t.set(rs[0] as Ref, 1);
    expect(t.entries()).toEqual([[rs[0], 1]]);
  });

  it("'DOWN' messages still go out in monitor creation order (many monitors)", () => {
    const s = new Scheduler();
    const order: number[] = [];
    const target = s.spawn(function* t(ctx: ProcessContext) {
      yield* ctx.receive();
    });
    for (let i = 0; i < 12; i++) {
      s.spawn(function* w(ctx: ProcessContext) {
        const r = ctx.monitor(target);
        if (i % 3 === 0) ctx.demonitor(ctx.monitor(target)); // churn in between
        yield* ctx.receive((m) => m instanceof Tuple && equals(m.elements[1] as Term, r));
        order.push(i);
      });
    }
    s.run();
    s.send(target, atom("go"));
    s.run();
    expect(order).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

describe("Clock.cancel", () => {
  it("removes the newest timer at once, others lazily, and fires the rest in order", () => {
    const c = new Clock();
    const fired: string[] = [];
    const a = c.add(10, () => fired.push("a"));
    c.add(5, () => fired.push("b"));
    const d = c.add(20, () => fired.push("d"));
    c.cancel(d);
    expect(c.pending).toBe(2);
    c.cancel(a);
    expect(c.pending).toBe(1);
    c.now = 30;
    c.fireDue();
    expect(fired).toEqual(["b"]);
  });

  it("a loop of timed receives answered in time leaves no timers behind", () => {
    const s = new Scheduler();
    const n = 1000;
    const server = s.spawn(function* srv(ctx: ProcessContext) {
      for (;;) {
        const m = (yield* ctx.receive()) as Tuple;
        ctx.send(m.elements[0] as Pid, atom("ok"));
      }
    });
    let pendingMid = -1;
    s.spawn(function* cl(ctx: ProcessContext) {
      for (let i = 0; i < n; i++) {
        ctx.send(server, new Tuple([ctx.self]));
        yield* ctx.receive(undefined, { after: 5000 });
        if (i === n / 2) pendingMid = s.clock.pending;
      }
    });
    s.run();
    expect(pendingMid).toBe(0);
  });
});
