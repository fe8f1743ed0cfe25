import { spawnSync } from "node:child_process";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { flatSize, parseTerm } from "@beamlab/heap";
import { loadFixture } from "@beamlab/beam-oracle";
import { run } from "../src/cli.js";

interface FixtureTerm { id: string; text: string | null; flat_size: number; size: number; category: string; deterministic: boolean }
const fixture = loadFixture("terms") as { terms: FixtureTerm[] };
// Terms with literal syntax whose ~w text the BEAM printed (pids, refs, ports, funs have none).
// A HAMT with an atom key is left to the heap package's test, which hashes atoms by the recording
// node's atom indices: here the CLI's own atom table numbers them, in the order this process
// happened to create them (a new built-in scenario that names an atom shifts every later one).
const atomKeyedHamt = (t: FixtureTerm) => t.category === "hamt" && /(?:^|[{,])[a-z][A-Za-z0-9_@]* =>/.test(t.text ?? "");
const literal = fixture.terms.filter(
  (t) =>
    t.text !== null && t.deterministic && !atomKeyedHamt(t) && !["pid", "port", "reference", "fun"].includes(t.category) && !t.text.includes("#Fun<"),
);

async function cli(argv: string[], stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { stdin: Readable.from([stdin]), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("leak-lab term size", () => {
  it("answers with the BEAM's flat size for every literal term of the oracle corpus", async () => {
    expect(literal.length).toBeGreaterThan(300);
    const { code, out, err } = await cli(["term", "size", "--json", "-"], literal.map((t) => t.text).join("\n"));
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(literal.length);
    out.forEach((line, i) => {
      const want = literal[i]!;
      expect(JSON.parse(line), want.id).toEqual({ term: want.text, flat_size: want.flat_size, size: want.size });
    });
  });

  it("prints words and bytes in text mode", async () => {
    const t = literal.find((x) => x.flat_size > 0)!;
    const { code, out } = await cli(["term", "size", t.text!]);
    expect(code).toBe(0);
    expect(out).toEqual([`${t.text!}  ${t.flat_size} words (${t.flat_size * 8} bytes)`]);
  });

  it("answers the good lines, reports the bad one with its position, and exits 2", async () => {
    const { code, out, err } = await cli(["term", "size", "--json", "-"], "{ok, 1}\n{ok,, 2}\n\n[1,2]\n");
    expect(code).toBe(2);
    expect(out.map((l) => (JSON.parse(l) as { term: string }).term)).toEqual(["{ok, 1}", "[1,2]"]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^leak-lab: stdin line 2: 1:5: /);
    expect(err[0]).toMatch(/found ','/);
  });

  it("reports a bad argument by its position among the arguments", async () => {
    const { code, out, err } = await cli(["term", "size", "ok", "<<1,2"]);
    expect(code).toBe(2);
    expect(out).toHaveLength(1);
    expect(err[0]).toMatch(/^leak-lab: argument 2: 1:6: .*end of input/);
  });
});

describe("leak-lab term parse", () => {
  it("prints the canonical form, which reads back to the same size", async () => {
    const { code, out } = await cli(["term", "parse", "{ ok , [ 1 , 2 | 3 ] , 16#ff , <<\"ab\">> }"]);
    expect(code).toBe(0);
    expect(out).toEqual(["{ok,[1,2|3],255,<<97,98>>}"]);
    expect(flatSize(parseTerm(out[0]!))).toBe(flatSize(parseTerm("{ok,[1,2|3],255,<<\"ab\">>}")));
  });
});

describe("the leak-lab executable", () => {
  it("runs from the repository root as `pnpm leak-lab` does, with exit code 2 on a bad term", () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
    const t = literal.find((x) => x.flat_size > 0)!;
    const r = spawnSync(process.execPath, ["--conditions=@beamlab/source", "--import", "tsx", "apps/leak-lab/src/bin.ts", "term", "size", "--json", t.text!, "{a,"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([{ term: t.text, flat_size: t.flat_size, size: t.size }]);
    expect(r.stderr).toMatch(/argument 2: 1:4: /);
    expect(r.status).toBe(2);
  });
});
