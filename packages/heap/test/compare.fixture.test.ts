/**
 * Term order and `=:=` against the order table the real BEAM recorded in
 * tooling/beam-oracle/fixtures/terms.json (`order`: every pair of a subset of the corpus, with
 * `<`/`=`/`>` from `erts_cmp` and `=:=`). Runs with or without `erl`. Every ordered term is
 * decoded from its recorded external term format (so closures and identifiers of other nodes are
 * included); where its `~w` text reads back (parseTerm), that reading must order the same way.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { describe, expect, it } from "vitest";
import { compare, compareExact, equals, type Term } from "../src/index.js";
import { decodeEtf } from "../src/term/etf.js";
import { parseTerm } from "../src/term/parse.js";

interface FixtureTerm {
  id: string;
  text: string | null;
  etf: string;
}
interface TermsFixture {
  terms: FixtureTerm[];
  order: { ids: string[]; compare: string; exact_equal: string };
}

const fixture = loadFixture("terms") as TermsFixture;
const byId = new Map(fixture.terms.map((t) => [t.id, t]));
const { ids, compare: cmpChars, exact_equal: exactChars } = fixture.order;

function record(id: string): FixtureTerm {
  const rec = byId.get(id);
  if (rec === undefined) throw new Error(`order id ${id} is not in terms`);
  return rec;
}

/** The term's `~w` text read back, or undefined when `~w` cannot express it. */
function fromText(id: string): Term | undefined {
  const text = record(id).text;
  if (text === null) return undefined;
  try {
    return parseTerm(text);
  } catch {
    return undefined;
  }
}

/** Pairs (i < j, row-major, as the fixture lists them) whose verdicts differ from the BEAM's. */
function mismatches(terms: readonly (Term | undefined)[]): { checked: number; wrong: string[] } {
  const wrong: string[] = [];
  let checked = 0;
  let p = 0;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++, p++) {
      const a = terms[i];
      const b = terms[j];
      if (a === undefined || b === undefined) continue;
      checked++;
      const c = compare(a, b);
      const mine = c < 0 ? "<" : c === 0 ? "=" : ">";
      const exact = equals(a, b) ? "1" : "0";
      const back = compare(b, a);
      if (mine !== cmpChars[p] || exact !== exactChars[p] || back !== (-c || 0) || (compareExact(a, b) === 0) !== (exact === "1")) {
        wrong.push(`${ids[i]} vs ${ids[j]}: beam ${cmpChars[p]}/${exactChars[p]}, here ${mine}/${exact}`);
      }
    }
  }
  return { checked, wrong };
}

describe("term order against the recorded BEAM (fixtures/terms.json)", () => {
  it("the table covers every pair of the ordered subset", () => {
    expect(ids.length).toBeGreaterThan(100);
    expect(cmpChars.length).toBe((ids.length * (ids.length - 1)) / 2);
    expect(exactChars.length).toBe(cmpChars.length);
  });

  it("agrees on <, ==, > and =:= for every recorded pair (terms decoded from their ETF)", () => {
    const terms = ids.map((id) => decodeEtf(Buffer.from(record(id).etf, "base64")));
    const { checked, wrong } = mismatches(terms);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(checked).toBe(cmpChars.length);
  });

  it("agrees for the terms read back from their ~w text", () => {
    const terms = ids.map(fromText);
    const unread = ids.filter((_, i) => terms[i] === undefined);
    // Only what ~w cannot express: identifiers of other nodes and closures.
    for (const id of unread) expect(id).toMatch(/^(pid|port|ref|fun)_/);
    const { checked, wrong } = mismatches(terms);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
