/**
 * Twin of tooling/beam-oracle/recorders/pi_collect.escript: which requests make a waiting
 * process run the collection it deferred, and what process_info answers. The process (233
 * words, monitored by the recorder) waits with 209 words used and a 23-word heap fragment
 * (a HAMT put's path that did not fit): a request for `memory` or `total_heap_size` is answered
 * with the state before the collection, which runs right after, and one for `current_function`
 * makes it collect too; `status`, `message_queue_len` (alone or together), `heap_size` and
 * `reductions` leave it as it is; the recorder's demonitor schedules it in, and it collects.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, mapFromEntries, markLiteral, Tuple, type Pid, type Ref, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

type Step = "status" | "message_queue_len" | "heap_size" | "reductions" | "memory" | "total_heap_size" | "current_function" | "status_message_queue_len" | "demonitor_status";
interface Sizes {
  heap_size: number;
  mbuf_size: number;
}
interface Row {
  step: Step;
  before: Sizes;
  answer: number;
  after: Sizes;
}
const fixture = loadFixture("pi_collect") as { steps: Row[] };

const LIT40 = markLiteral(mapFromEntries(Array.from({ length: 40 }, (_, i) => [i + 1, i + 1] as const)));

function simulate(step: Step): Row {
  const s = new Scheduler();
  let row: Row | undefined;
  s.spawn(function* recorder(ctx: ProcessContext) {
    const pid: Pid = ctx.spawn(function* p(c: ProcessContext) {
      yield* c.receive((t) => t === atom("start"));
      const frame = c.heap.pushFrame(3); // the initial continuation, then allocate 2: X, M2
      frame.stackWords += 1; // while compiled code runs (otp's frames.ts)
      frame.hold(c.bifResult(new Tuple(Array.from({ length: 208 }, (): Term => 0)))); // make_tuple(208, 0)
      frame.hold(c.putMapAssoc(LIT40, 41, 1));
      frame.stackWords -= 1;
      yield* c.receive((t) => t === atom("go"));
      c.heap.popFrame(frame);
    });
    const mref: Ref = ctx.monitor(pid);
    yield* ctx.yield();
    ctx.send(pid, atom("start"));
    yield* ctx.yield();
    const sizes = (): Sizes => {
      const g = ctx.processInfo(pid, ["garbage_collection_info"])?.garbage_collection_info;
      if (g === undefined) throw new Error("process gone");
      return { heap_size: g.heap_size, mbuf_size: g.mbuf_size };
    };
    const before = sizes();
    let answer = 0;
    if (step === "demonitor_status") {
      ctx.demonitor(mref, { flush: true });
      ctx.processInfo(pid, ["status"]);
    } else if (step === "status_message_queue_len") ctx.processInfo(pid, ["status", "message_queue_len"]);
    else {
      const info = ctx.processInfo(pid, [step]);
      if (step === "memory") answer = info?.memory ?? -1;
      if (step === "total_heap_size") answer = info?.total_heap_size ?? -1;
    }
    row = { step, before, answer, after: sizes() };
    ctx.exitSignal(pid, atom("kill"));
  });
  s.run();
  if (row === undefined) throw new Error("twin did not finish");
  return row;
}

describe("pi_collect.json: a waiting process's deferred collection and process_info", () => {
  for (const r of fixture.steps) {
    it(`${r.step}: the sizes before and after and the answer are the BEAM's`, () => {
      expect(simulate(r.step)).toEqual(r);
    });
  }
  it("memory and total_heap_size answer with the fragment still counted (256 = 233 + 23 words)", () => {
    expect(fixture.steps.find((r) => r.step === "total_heap_size")?.answer).toBe(256);
    expect(fixture.steps.filter((r) => r.after.mbuf_size === 0).map((r) => r.step)).toEqual(["memory", "total_heap_size", "current_function", "demonitor_status"]);
  });
});
