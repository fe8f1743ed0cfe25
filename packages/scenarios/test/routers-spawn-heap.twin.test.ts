/**
 * What `spawn(fun() -> … end)` leaves on the child's heap, against the BEAM
 * (fixtures/spawn_heap.json): the routers scenario starts its consumers, routers and producers
 * with spawnFunArgs, so each starts with the words the real child starts with — one message
 * fewer fits a router's heap than without them, which moved its collection (issue 11 item 5).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { spawnEach } from "../src/routers/spawn-each.js";
import { spawnFun, spawnFunArgs } from "../src/routers/spawn-fun.js";
import { seq } from "../src/kit/lists.js";

interface Row {
  free_variables: number;
  fun_words: number;
  child_heap_size: number;
  child_heap_size_after_put: number;
}
const fixture = loadFixture("spawn_heap") as { spawns: Row[]; reductions_per_element: Record<string, number> };
const rows = fixture.spawns;

/** The young heap words in use of a child spawned with `free` free variables (and a put first). */
function childHeap(free: number, put: boolean): number {
  const s = new Scheduler({ seed: 1, refc: new RefcStore({}) });
  let words = -1;
  s.spawn(function* parent(ctx: ProcessContext) {
    const vars: Term[] = Array.from({ length: free }, () => ctx.self);
    const child: Pid = ctx.spawn(
      function* w(c: ProcessContext) {
        if (put) c.put(atom("$beamlab_role"), atom("router"));
        yield* c.receive((t) => t instanceof Tuple);
      },
      spawnFunArgs(1, vars),
    );
    yield* ctx.sleep(1);
    words = ctx.processInfo(child, ["garbage_collection_info"])?.garbage_collection_info.heap_size ?? -1;
  });
  s.run({ until: 2 });
  return words;
}

describe("spawn(fun() -> … end): the child's heap before its body builds anything", () => {
  it("holds the fun and a 2-word cell, as the BEAM's child does (0…3 free variables, with and without put)", () => {
    expect(rows.map((r) => r.free_variables)).toEqual([0, 1, 2, 3]);
    for (const r of rows) {
      expect(childHeap(r.free_variables, false)).toBe(r.child_heap_size);
      expect(childHeap(r.free_variables, true)).toBe(r.child_heap_size_after_put);
    }
  });
});

/** The reductions a process counts for spawnEach over n elements (the list built first, big heap). */
function eachReductions(n: number, monitor: boolean, free: number): number {
  const s = new Scheduler({ seed: 1, refc: new RefcStore({}) });
  let reds = -1;
  s.spawn(
    function* parent(ctx: ProcessContext) {
      const l = yield* seq(ctx, 1, n);
      const r0 = ctx.reductionsLeft; // one slice: 20 elements are far fewer than 4,000 reductions
      yield* spawnEach(ctx, l, {
        yRegs: free + 1,
        fun: () => spawnFun(0, Array.from({ length: free }, () => ctx.self)),
        spawn: (c, _, fun) => {
          const body = function* (w: ProcessContext) {
            yield* w.receive();
          };
          if (!monitor) return c.spawn(body, [fun]);
          const [pid, ref] = c.spawnMonitor(body, [fun]);
          return c.alloc(new Tuple([pid, ref]));
        },
      });
      reds = r0 - ctx.reductionsLeft;
    },
    [],
    { minHeapSize: 10_000 },
  );
  s.run({ until: 1 });
  return reds;
}

describe("the routers twin's spawning comprehensions (spawnEach)", () => {
  it("cost the BEAM's reductions per element (spawn_heap.json: 20 elements less 10)", () => {
    const per = (monitor: boolean, free: number) => (eachReductions(20, monitor, free) - eachReductions(10, monitor, free)) / 10;
    expect(per(false, 0)).toBe(fixture.reductions_per_element.spawn0);
    expect(per(false, 2)).toBe(fixture.reductions_per_element.spawn2);
    expect(per(true, 3)).toBe(fixture.reductions_per_element.spawn_monitor3);
  });
});
