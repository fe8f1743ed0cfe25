/**
 * Twin of tooling/beam-oracle/recorders/exit_signal_fetch.escript: when a trapped
 * `{'EXIT', Pid, normal}` joins the receiver's heap fragments. A trapping process S takes its
 * queued messages one receive at a time, each followed by erlang:garbage_collect(); the
 * collection's mbuf_size (what the receives so far left in fragments) and the heap it leaves (S
 * keeps nothing live: a queued message moved onto the heap would show) are the BEAM's when an
 * 'EXIT' joins the fragments only at the receive that takes it — not at a receive that takes a
 * message queued with it, nor when a receive scans past it — and a collection leaves a queued
 * 'EXIT' where it is (erts: the exit signal's message is a combined heap fragment, saved in the
 * process's fragments by the receive that removes it).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, list, Tuple, type Pid, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, tagged, type ProcessContext } from "../src/index.js";

interface Collection {
  mbuf_size: number;
  heap_after: number;
}
interface Run {
  case: "m_then_exit_small" | "m_then_exit_big" | "exit_then_m_big" | "two_exits";
  m_words: number;
  collections: Collection[];
}
const fixture = loadFixture("exit_signal_fetch") as { runs: Run[] };

const A = { go: atom("go"), m: atom("m"), EXIT: atom("EXIT") };

function* child(ctx: ProcessContext) {
  yield* ctx.receive((t) => t === A.go);
}

/** The recorder's run of `kase` on a fresh scheduler: S's explicit collections. */
function simulate(kase: Run["case"]): Collection[] {
  const starts: number[] = [];
  const ends: number[] = [];
  let sPid: Pid | undefined;
  const s = new Scheduler({
    onGcTrace: (pid, e) => {
      if (pid.id !== sPid?.id) return;
      if (e.tag === "gc_major_start") starts.push(e.info.mbuf_size);
      if (e.tag === "gc_major_end") ends.push(e.info.heap_size);
    },
  });
  const len = kase === "m_then_exit_small" ? 1 : 300;
  s.spawn(function* recorder(ctx: ProcessContext) {
    const self = ctx.self;
    let children: Pid[] = [];
    const sp = ctx.spawn(function* S(c: ProcessContext) {
      c.trapExit(true);
      children = Array.from({ length: kase === "two_exits" ? 2 : 1 }, () => c.spawnLink(child));
      yield* c.receive((t) => t === atom("start"));
      if (kase === "two_exits") {
        yield* c.receive(tagged("EXIT", 3));
        c.garbageCollect();
        yield* c.receive(tagged("EXIT", 3));
        c.garbageCollect();
      } else {
        yield* c.receive(tagged("m", 2));
        c.garbageCollect();
        yield* c.receive(tagged("EXIT", 3));
        c.garbageCollect();
      }
      c.send(self, atom("done"));
      yield* c.receive(() => false);
    });
    sPid = sp;
    yield* ctx.yield(); // S spawns and links its children, then waits for start
    ctx.send(sp, atom("start"));
    yield* ctx.yield();
    ctx.scheduler.traceGc(sp);
    const m = (): Term => ctx.alloc(new Tuple([A.m, list(Array.from({ length: len }, (_, i) => i + 1))]));
    if (kase === "exit_then_m_big") {
      const c = children[0]!;
      ctx.monitor(c);
      ctx.send(c, A.go);
      yield* ctx.receive(tagged("DOWN", 5));
      ctx.send(sp, m());
    } else if (kase === "two_exits") {
      for (const c of children) ctx.send(c, A.go);
    } else {
      ctx.send(children[0]!, A.go);
      ctx.send(sp, m());
    }
    yield* ctx.receive((t) => t === atom("done"));
  });
  s.run();
  return starts.map((mbuf, i) => ({ mbuf_size: mbuf, heap_after: ends[i]! }));
}

describe("exit_signal_fetch.json: a trapped 'EXIT' joins the fragments at the receive that takes it", () => {
  it("the recorder ran the four cases", () => {
    expect(fixture.runs.map((r) => r.case)).toEqual(["m_then_exit_small", "m_then_exit_big", "exit_then_m_big", "two_exits"]);
  });

  it.each(fixture.runs.map((r) => [r.case, r] as const))("%s: each explicit collection's fragments and the heap it leaves are the BEAM's", (kase, run) => {
    expect(simulate(kase)).toEqual(run.collections);
  });

  it("two 'EXIT's queued: taking the first leaves the second out of the fragments (4 words, not 8)", () => {
    const two = fixture.runs.find((r) => r.case === "two_exits")!;
    expect(two.collections[0]!.mbuf_size).toBe(4);
    expect(simulate("two_exits")[0]!.mbuf_size).toBe(4);
  });
});
