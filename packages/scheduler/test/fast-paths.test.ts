/**
 * The send/monitor/timer fast paths give exactly what the general code gives.
 */
import { atom, binary, Cons, copyTerm, equals, ErlFloat, isHeapObject, list, localCreationNumber, localNode, markLiteral, nil, Pid, Ref, SubBinary, Tuple, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { copiedWords, copyMessage } from "../src/copy-message.js";
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
