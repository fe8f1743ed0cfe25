/**
 * The atom table starts as a booted node's (fixture atom_table.json, recorders/atom_table.escript):
 * the embedded list agrees with the fixture, every boot atom has the node's index, atoms created
 * later come after them, and HAMTs keyed by boot atoms have the node's flat sizes. Only the first
 * `stable_count` atoms come in the same order on every boot (see the recorder's header); the rest
 * are embedded in the order one boot created them.
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, atomCount, flatSize, mapFromEntries } from "../src/index.js";
import { BOOTED_ATOM_COUNT, BOOTED_ATOM_NAMES } from "../src/term/booted-atoms.js";

const fixture = loadFixture("atom_table") as { atom_count: number; stable_count: number; atoms: string[]; hamts: [number, number, number][] };

describe("the booted node's atom table", () => {
  it("is embedded as recorded (regenerate with tooling/beam-oracle/atom-table-data.mjs)", () => {
    expect(BOOTED_ATOM_NAMES.split("\n")).toEqual(fixture.atoms);
    expect(BOOTED_ATOM_COUNT).toBe(fixture.atom_count);
  });

  it("gives every boot atom the node's index, and a new atom the next index after them", () => {
    const wrong = fixture.atoms.map((n, i) => [n, i, atom(n).index] as const).filter(([, i, got]) => i !== got);
    expect(wrong).toEqual([]);
    const before = atomCount();
    expect(before).toBeGreaterThanOrEqual(fixture.atom_count);
    const fresh = atom("beamlab_atom_not_on_a_booted_node");
    expect(fresh.index).toBe(before);
    expect(atomCount()).toBe(before + 1);
  });

  it("lays out HAMTs keyed by boot atoms as the node does (flat_size of every recorded map)", () => {
    expect(fixture.hamts.length).toBeGreaterThan(10);
    // the keys lie in the part of the table every boot orders the same (the rest varies by boot)
    expect(Math.max(...fixture.hamts.map(([offset, n]) => offset + n))).toBeLessThanOrEqual(fixture.stable_count);
    const got = fixture.hamts.map(([offset, n]) => {
      const keys = fixture.atoms.slice(offset, offset + n);
      return [offset, n, flatSize(mapFromEntries(keys.map((k, i) => [atom(k), i + 1] as const)))];
    });
    expect(got).toEqual(fixture.hamts);
  });
});
