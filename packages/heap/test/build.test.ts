import { describe, expect, it } from "vitest";
import { Binary, Cons, SubBinary, Tag, atom, bitstring, int, list, nil, tuple } from "@beamlab/heap";

describe("term constructors", () => {
  it("normalises integers: number when safe, bigint outside", () => {
    expect(int(5n)).toBe(5);
    expect(int(2n ** 60n)).toBe(2n ** 60n);
    expect(() => int(1.5)).toThrow(/not an integer/);
  });
  it("interns atoms", () => {
    expect(atom("hello")).toBe(atom("hello"));
    expect(atom("hello").tag).toBe(Tag.Atom);
  });
  it("builds long lists without recursion", () => {
    const l = list(Array.from({ length: 1000 }, (_, i) => i));
    expect(l).toBeInstanceOf(Cons);
    let n = 0;
    for (let c = l; c instanceof Cons; c = c.tail) n++;
    expect(n).toBe(1000);
    expect(list([])).toBe(nil);
    expect(tuple().elements).toHaveLength(0);
  });
  it("stores a bitstring as a sub-binary over whole bytes", () => {
    const b = bitstring([0xff], 3);
    expect(b).toBeInstanceOf(SubBinary);
    expect((b as SubBinary).orig.bytes[0]).toBe(0xe0);
    expect(bitstring([1, 2], 16)).toBeInstanceOf(Binary);
  });
});
