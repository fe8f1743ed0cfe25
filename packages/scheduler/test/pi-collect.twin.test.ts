/**
 * Twin of tooling/beam-oracle/recorders/pi_collect.escript: which requests make a waiting
 * process run the collection it deferred, and what process_info answers. The process (233
 * words, monitored by the recorder) waits with 209 words used and a 23-word heap fragment
 * (a HAMT put's path that did not fit): a request for `memory` or `total_heap_size` is answered
 * with the state before the collection, which runs right after, and one for `current_function`
 * makes it collect too; `status`, `message_queue_len` (alone or together), `heap_size` and
 * `reductions` leave it as it is; the recorder's demonitor schedules it in, and it collects.
 * So do a link, an unlink, a monitor and an exit signal it drops (reason `normal`): it collects
 * once the recorder yields, and a process_info request right after the signal waits for it —
 * except after a monitor. is_process_alive and register schedule nothing; a `dictionary`
 * request collects like `current_function`.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { atom, equals, mapFromEntries, markLiteral, Tuple, type Pid, type Ref, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

type Step =
  | "status"
  | "message_queue_len"
  | "heap_size"
  | "reductions"
  | "memory"
  | "total_heap_size"
  | "current_function"
  | "status_message_queue_len"
  | "demonitor_status"
  | "link_status"
  | "link_yield"
  | "unlink_status"
  | "unlink_yield"
  | "monitor_status"
  | "monitor_yield"
  | "demonitor_yield"
  | "exit_normal_status"
  | "exit_normal_yield"
  | "linked_exit_normal_status"
  | "alive_yield"
  | "register_yield"
  | "dictionary";
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
    if (step === "unlink_status" || step === "unlink_yield") ctx.link(pid);
    const linked =
      step === "linked_exit_normal_status"
        ? ctx.spawn(function* q(c: ProcessContext) {
            c.link(pid);
            yield* c.receive((t) => t === atom("die"));
          })
        : undefined;
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
    const status = (): void => void ctx.processInfo(pid, ["status"]);
    if (step === "demonitor_status") {
      ctx.demonitor(mref, { flush: true });
      status();
    } else if (step === "status_message_queue_len") ctx.processInfo(pid, ["status", "message_queue_len"]);
    else if (step === "link_status" || step === "link_yield") ctx.link(pid);
    else if (step === "unlink_status" || step === "unlink_yield") ctx.unlink(pid);
    else if (step === "monitor_status" || step === "monitor_yield") ctx.monitor(pid);
    else if (step === "demonitor_yield") ctx.demonitor(mref, { flush: true });
    else if (step === "exit_normal_status" || step === "exit_normal_yield") ctx.exitSignal(pid, atom("normal"));
    else if (step === "linked_exit_normal_status") {
      if (linked === undefined) throw new Error("no linked process");
      const qref = ctx.monitor(linked);
      ctx.send(linked, atom("die"));
      yield* ctx.receive((t) => t instanceof Tuple && t.elements[0] === atom("DOWN") && equals(t.elements[1] as Term, qref));
      status();
    } else if (step === "alive_yield") ctx.isAlive(pid);
    else if (step === "register_yield") ctx.register("pi_collect_target", pid);
    else {
      const info = ctx.processInfo(pid, [step]);
      if (step === "memory") answer = info?.memory ?? -1;
      if (step === "total_heap_size") answer = info?.total_heap_size ?? -1;
    }
    if (step.endsWith("_yield")) yield* ctx.yield();
    else if (step.endsWith("_status") && step !== "demonitor_status" && step !== "status_message_queue_len" && step !== "linked_exit_normal_status") status();
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
    expect(fixture.steps.filter((r) => r.after.mbuf_size === 0).map((r) => r.step)).toEqual([
      "memory",
      "total_heap_size",
      "current_function",
      "demonitor_status",
      "link_status",
      "link_yield",
      "unlink_status",
      "unlink_yield",
      "monitor_yield",
      "demonitor_yield",
      "exit_normal_status",
      "exit_normal_yield",
      "linked_exit_normal_status",
      "dictionary",
    ]);
  });
});
