/**
 * Term order, `=:=` and `maps:from_list/1` against the live BEAM: a few hundred random and
 * hand-picked terms are printed as Erlang expressions, one `erl -noshell` rebuilds them and
 * reports `<`/`==`/`>` and `=:=` for every pair and, for lists of map entries, which entry's key
 * survives in `maps:from_list/1` and in what order `maps:keys/1` returns them. Runs only when `erl`
 * is on PATH (and then must agree exactly); without it, compare.fixture.test.ts covers the
 * recorded subset.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compare, compareExact, equals, isFlatmap, mapFromEntries, mapGet, type Term } from "../src/index.js";
import { decodeEtf } from "../src/term/etf.js";
import { edgeTerms, entriesArb, identifierTerms, printErlang, termArb } from "./support/compare-terms.js";

const hasErl = spawnSync("erl", ["-version"], { stdio: "ignore" }).status === 0;
const SEED = Number(process.env.BEAMLAB_SEED ?? 20250225);

const SCRIPT = `
[In, Out] = init:get_plain_arguments(),
{ok, B} = file:read_file(In),
{ok, Ts, _} = erl_scan:string(binary_to_list(B)),
{ok, Es} = erl_parse:parse_exprs(Ts),
{value, {Terms, EntryLists}, _} = erl_eval:exprs(Es, []),
T = list_to_tuple(Terms), N = tuple_size(T),
Pairs = [{element(I, T), element(J, T)} || I <- lists:seq(1, N), J <- lists:seq(I + 1, N)],
Cmp = [if A < C -> $<; A == C -> $=; true -> $> end || {A, C} <- Pairs],
Ex = [case A =:= C of true -> $1; false -> $0 end || {A, C} <- Pairs],
LastIdx = fun(Pred, E) -> lists:last([-1 | [J - 1 || {J, X} <- lists:zip(lists:seq(1, length(E)), E), Pred(X)]]) end,
MapLine = fun(E) ->
  M = maps:from_list(E),
  Kind = case erts_internal:term_type(M) of flatmap -> "f"; _ -> "h" end,
  Idx = [LastIdx(fun({K2, _}) -> erts_debug:same(K2, K) end, E) || K <- maps:keys(M)],
  ValOk = lists:all(fun(K) -> {_, V} = lists:nth(LastIdx(fun({K2, _}) -> K2 =:= K end, E) + 1, E), V =:= maps:get(K, M) end, maps:keys(M)),
  [Kind, " ", atom_to_list(ValOk), " ", lists:join(",", [integer_to_list(I) || I <- Idx]), "\\n"]
end,
ok = file:write_file(Out, [Cmp, "\\n", Ex, "\\n", [MapLine(E) || E <- EntryLists]]),
halt().
`;

/** Makes closures of two freshly compiled modules (several indices, free variables, creators). */
const FUN_SCRIPT = `
[Dir, Out] = init:get_plain_arguments(),
Src = fun(M) -> ["-module(", M, ").\\n-export([funs/1]).\\n",
  "funs(X) -> [fun() -> ok end, fun() -> X end, fun(A) -> {A, X} end, fun(A, B) -> {A, B} end, fun() -> [X, X] end].\\n"] end,
Load = fun(M) -> F = filename:join(Dir, M ++ ".erl"), ok = file:write_file(F, Src(M)),
  {ok, Mod, Bin} = compile:file(F, [binary]), {module, Mod} = code:load_binary(Mod, F, Bin), Mod end,
Mods = [Load(M) || M <- ["beamlab_cmp_b", "beamlab_cmp_a"]],
Self = self(),
Other = spawn(fun() -> Self ! {funs, (hd(Mods)):funs(1)} end),
Spawned = receive {funs, Fs} -> Fs end,
_ = Other,
Funs = lists:append([M:funs(X) || M <- Mods, X <- [1, 1.0, a, {x}, [1,2]]]) ++ Spawned ++ [fun lists:map/2, fun erlang:self/0],
T = list_to_tuple(Funs), N = tuple_size(T),
Pairs = [{element(I, T), element(J, T)} || I <- lists:seq(1, N), J <- lists:seq(I + 1, N)],
Cmp = [if A < C -> $<; A == C -> $=; true -> $> end || {A, C} <- Pairs],
Ex = [case A =:= C of true -> $1; false -> $0 end || {A, C} <- Pairs],
Etf = lists:join(" ", [base64:encode(term_to_binary(F)) || F <- Funs]),
ok = file:write_file(Out, [Cmp, "\\n", Ex, "\\n", Etf, "\\n"]),
halt().
`;

/** Runs an Erlang script with two plain arguments (a scratch directory and an output file). */
function runErl(script: string, dir: string, input: string): string[] {
  const output = path.join(dir, "out.txt");
  const r = spawnSync("erl", ["-noshell", "-eval", script, "-extra", input, output], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ERL_CRASH_DUMP_SECONDS: "0" },
  });
  expect(r.status, `erl failed: ${r.stdout}\n${r.stderr}`).toBe(0);
  return readFileSync(output, "utf8").split("\n");
}

/** Last index of `entries` whose key is this very key (by identity; integers by value). */
function survivorIndex(entries: readonly (readonly [Term, Term])[], key: Term): number {
  for (let j = entries.length - 1; j >= 0; j--) {
    const k = (entries[j]!)[0];
    if (typeof k === "object" ? k === key : typeof key !== "object" && equals(k, key)) return j;
  }
  return -1;
}

describe.skipIf(!hasErl)("term order against the live BEAM", () => {
  it("agrees with erl on <, ==, =:= for every pair, and on maps:from_list", () => {
    const terms: Term[] = [...edgeTerms(), ...identifierTerms(), ...fc.sample(termArb, { numRuns: 320, seed: SEED })];
    const entryLists = fc.sample(entriesArb, { numRuns: 120, seed: SEED + 1 });

    const dir = mkdtempSync(path.join(tmpdir(), "beamlab-order-"));
    try {
      const input = path.join(dir, "terms.erl-expr");
      const printedTerms = terms.map((t) => printErlang(t));
      const printedEntries = entryLists.map((es) => `[${es.map(([k, v]) => `{${printErlang(k)},${printErlang(v)}}`).join(",")}]`);
      writeFileSync(input, `{[\n${printedTerms.join(",\n")}\n], [\n${printedEntries.join(",\n")}\n]}.\n`);
      const lines = runErl(SCRIPT, dir, input);
      const beamCmp = lines[0]!;
      const beamExact = lines[1]!;

      const n = terms.length;
      expect(beamCmp.length).toBe((n * (n - 1)) / 2);
      const mismatches: string[] = [];
      let p = 0;
      for (let i = 0; i < n; i++) {
        const a = terms[i]!;
        for (let j = i + 1; j < n; j++, p++) {
          const b = terms[j]!;
          const c = compare(a, b);
          const mine = c < 0 ? "<" : c === 0 ? "=" : ">";
          const exact = equals(a, b) ? "1" : "0";
          // The reverse direction, and the map-key order's notion of equality, must agree too.
          const back = compare(b, a);
          const ce = compareExact(a, b);
          if (mine !== beamCmp[p] || exact !== beamExact[p] || back !== -c || (ce === 0) !== (exact === "1")) {
            if (mismatches.length < 10) {
              mismatches.push(`${printedTerms[i]} vs ${printedTerms[j]}: beam ${beamCmp[p]}/${beamExact[p]}, here ${mine}/${exact} (reverse ${back}, exact order ${ce})`);
            }
          }
        }
      }
      expect(mismatches).toEqual([]);

      const mapLines = lines.slice(2, 2 + entryLists.length);
      for (let e = 0; e < entryLists.length; e++) {
        const entries = entryLists[e]!;
        const [kind, valOk, idx = ""] = (mapLines[e]!).split(" ");
        const m = mapFromEntries(entries);
        expect(valOk, printedEntries[e]).toBe("true");
        expect(isFlatmap(m) ? "f" : "h", printedEntries[e]).toBe(kind);
        const beamIdx = idx === "" ? [] : idx.split(",").map(Number);
        const mine = m.keys.map((k) => survivorIndex(entries, k));
        if (kind === "f") expect(mine, printedEntries[e]).toEqual(beamIdx);
        else expect([...mine].sort((x, y) => x - y), printedEntries[e]).toEqual([...beamIdx].sort((x, y) => x - y));
        // The surviving value is the last one given for the key.
        for (const [k] of entries) {
          let last: Term | undefined;
          for (const [k2, v2] of entries) if (equals(k2, k)) last = v2;
          expect(mapGet(m, k)).toBe(last);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("agrees with erl on the order of closures (module, index, uniq, free variables, creator)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "beamlab-funs-"));
    try {
      const [beamCmp = "", beamExact = "", etf = ""] = runErl(FUN_SCRIPT, dir, dir);
      const funs = etf.split(" ").map((b64) => decodeEtf(Buffer.from(b64, "base64")));
      let p = 0;
      const wrong: string[] = [];
      for (let i = 0; i < funs.length; i++) {
        for (let j = i + 1; j < funs.length; j++, p++) {
          const c = compare(funs[i]!, funs[j]!);
          const mine = c < 0 ? "<" : c === 0 ? "=" : ">";
          const exact = equals(funs[i]!, funs[j]!) ? "1" : "0";
          if (mine !== beamCmp[p] || exact !== beamExact[p]) wrong.push(`fun ${i} vs fun ${j}: beam ${beamCmp[p]}/${beamExact[p]}, here ${mine}/${exact}`);
        }
      }
      expect(p).toBe(beamCmp.length);
      expect(wrong.slice(0, 10)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
