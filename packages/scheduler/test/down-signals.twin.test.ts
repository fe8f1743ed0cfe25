/**
 * 'DOWN' signals pending when a process is scheduled in, against the BEAM
 * (fixtures/down_signals.json): a process with work to do converts them into messages on its
 * heap only up to ERTS_SIG_HANDLE_REDS_MAX_PREFERED (100 reductions' worth, 9 units of 1/4
 * reduction each: 45 'DOWN's), and pays those reductions from its new slice; the rest wait for
 * its receive. The routers scenario's driver meets this between its spawning slices.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, type Pid } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

interface Run {
  downs: number;
  reductions: number;
  heap_words: number;
}
const fixture = loadFixture("down_signals") as { runs: Run[] };
const START = atom("start");

/** W's reductions used by its schedule-in and receive, and the 9-word 'DOWN' messages its heap gained. */
function model(k: number): { used: number; downsOnHeap: number } {
  const s = new Scheduler({ seed: 1, refc: new RefcStore({}) });
  let used = -1;
  let onHeap = -1;
  let w: Pid | undefined;
  const children: Pid[] = [];
  s.spawn(
    function* parent(ctx: ProcessContext) {
      w = ctx.spawn(
        function* worker(c: ProcessContext) {
          for (let i = 0; i < k; i++) children.push(c.spawnMonitor(function* child(x: ProcessContext) { yield* x.receive(); })[0]);
          const before = c.heap.gcInfo().heap_size;
          yield* c.receive((m) => m === START);
          used = 4000 - c.reductionsLeft;
          onHeap = (c.heap.gcInfo().heap_size - before) / 9;
          yield* c.receive(() => false);
        },
        [],
        { minHeapSize: 10_000 },
      );
      yield* ctx.sleep(1);
      for (const c of children) ctx.send(c, atom("go"));
      ctx.send(w, START);
    },
    [],
  );
  s.run({ until: 10 });
  return { used, downsOnHeap: onHeap };
}

describe("'DOWN' signals handled at schedule-in (down_signals.json)", () => {
  const runs = fixture.runs.filter((r) => r.downs >= 1);
  const one = runs.find((r) => r.downs === 1)!;
  const perK = (runs.at(-1)!.heap_words - runs.at(-2)!.heap_words) / (runs.at(-1)!.downs - runs.at(-2)!.downs); // W's own words per child
  it("each converted 'DOWN' costs 2.25 reductions of the new slice, 45 at most (the BEAM's reductions less its K = 1 run)", () => {
    const m1 = model(1).used;
    for (const r of runs) expect([r.downs, model(r.downs).used - m1]).toEqual([r.downs, r.reductions - one.reductions]);
  });
  it("the converted ones are 9-word messages on the heap: min(K, 45) of them", () => {
    const zero = fixture.runs.find((r) => r.downs === 0)!;
    for (const r of runs) {
      const converted = (r.heap_words - zero.heap_words - perK * r.downs) / 9;
      expect([r.downs, model(r.downs).downsOnHeap]).toEqual([r.downs, converted]);
    }
  });
});
