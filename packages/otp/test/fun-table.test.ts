/**
 * `fun()`'s table keeps no code alive: dropped funs are collected (no leak in a leak simulator),
 * while a fun copied into another process keeps working after the original term is gone.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { atom, type Term } from "@beamlab/heap";
import { Scheduler } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { applyFun, fun, liveFunCount } from "../src/index.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Collects until the finalizers have run (they run on a later macrotask). */
async function collect(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

function makeMany(n: number): number {
  let made = 0;
  for (let i = 0; i < n; i++) {
    const k = i;
    const f = fun(() => k);
    if (f.index > 0) made++;
  }
  return made;
}

describe("fun table", () => {
  it("20,000 dropped funs leave (almost) nothing in the table", async () => {
    await collect();
    const before = liveFunCount();
    expect(makeMany(20_000)).toBe(20_000);
    expect(liveFunCount()).toBeGreaterThan(before);
    await collect();
    expect(liveFunCount()).toBeLessThan(before + 100);
  });

  it("one function is one fun index (like one fun in a module's code)", () => {
    const f = () => atom("ok");
    expect(fun(f).index).toBe(fun(f).index);
    expect(fun(f).index).not.toBe(fun(() => atom("ok")).index);
  });

  it("a fun sent to another process still runs after the sender dropped its term", async () => {
    const s = new Scheduler();
    const results: Term[] = [];
    const rx = s.spawn(function* (ctx) {
      const f = yield* ctx.receive();
      yield* ctx.sleep(10); // the sender's term is gone by now
      results.push(applyFun(ctx, f, []) as Term);
    });
    s.spawn(function* (ctx) {
      ctx.send(rx, fun(() => atom("still_here")));
      yield* ctx.call();
    });
    s.run({ until: 5 });
    await collect();
    s.run();
    expect(results).toEqual([atom("still_here")]);
  });
});
