/**
 * Regressions reported by the OTP package: demonitor flush on a partly consumed queue, the
 * dictionary's `{Key, Value}` tuples as GC roots, and the context's scheduler accessor.
 */
import { atom, Tuple, type Pid } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { eq, Mailbox, Scheduler, type ProcessContext } from "../src/index.js";

const x = atom("x");
const y = atom("y");

describe("demonitor with flush", () => {
  it("Mailbox.removeAll: the removed message is at the head of a partly consumed queue", () => {
    const mb = new Mailbox();
    const down = new Tuple([atom("DOWN"), 1, atom("process"), 2, atom("normal")]);
    mb.push({ msg: x, words: 0, where: "heap" });
    mb.push({ msg: down, words: 6, where: "fragment" });
    mb.push({ msg: y, words: 0, where: "heap" });
    expect(mb.take(eq(x))?.msg).toBe(x); // head moves on
    const gone = mb.removeAll((m) => m === down);
    expect(gone.map((e) => e.msg)).toEqual([down]);
    expect(mb.entries().map((e) => e.msg)).toEqual([y]);
    expect(mb.fragmentWords).toBe(0);
    expect(mb.save).toBe(0);
    expect(mb.take(eq(y))?.msg).toBe(y);
    expect(mb.length).toBe(0);
  });

  it("Mailbox.removeAll: the only message left, after the head moved", () => {
    const mb = new Mailbox();
    mb.push({ msg: x, words: 0, where: "heap" });
    mb.push({ msg: y, words: 0, where: "heap" });
    mb.take(eq(x));
    expect(mb.removeAll(eq(y))).toHaveLength(1);
    expect(mb.length).toBe(0);
    mb.push({ msg: x, words: 0, where: "heap" });
    expect(mb.take(eq(x))?.msg).toBe(x);
  });

  it("ctx.demonitor(ref, {flush: true}) after the process received the message in front of the 'DOWN'", () => {
    const s = new Scheduler();
    const seen: unknown[] = [];
    const p = s.spawn(function* (ctx: ProcessContext) {
      const [, ref] = ctx.spawnMonitor(function* quick(c: ProcessContext) {
        yield* c.call();
      });
      ctx.send(ctx.self, x);
      yield* ctx.sleep(10); // the child exits: its 'DOWN' is queued after x
      seen.push(ctx.processInfo(ctx.self)?.message_queue_len);
      yield* ctx.receive(eq(x));
      seen.push(ctx.demonitor(ref, { flush: true }));
      seen.push(ctx.processInfo(ctx.self)?.message_queue_len);
      ctx.send(ctx.self, y);
      seen.push(yield* ctx.receive());
      yield* ctx.receive(() => false);
    });
    s.run();
    expect(seen).toEqual([2, false, 0, y]);
    expect(s.isAlive(p)).toBe(true);
  });
});

describe("process dictionary", () => {
  /** Live words after a major GC of a process that ran `f` (its heap otherwise empty). */
  function liveAfterGc(f?: (ctx: ProcessContext) => void): number {
    const s = new Scheduler();
    let live = -1;
    s.spawn(function* (ctx: ProcessContext) {
      f?.(ctx);
      ctx.garbageCollect();
      live = ctx.heap.state.htop;
      yield* ctx.call();
    });
    s.run();
    return live;
  }

  it("keeps each {Key, Value} tuple (3 words) alive through a GC, like the BEAM", () => {
    const none = liveAfterGc();
    expect(liveAfterGc((c) => c.put(atom("a"), 1))).toBe(none + 3);
    expect(liveAfterGc((c) => (c.put(atom("a"), 1), c.put(atom("b"), 2)))).toBe(none + 6);
    // a boxed value: its words and the tuple's
    expect(liveAfterGc((c) => c.put(atom("a"), new Tuple([1, 2])))).toBe(none + 3 + 3);
  });

  it("a replaced or erased entry's tuple is garbage", () => {
    const none = liveAfterGc();
    expect(liveAfterGc((c) => (c.put(atom("a"), 1), c.put(atom("a"), 2)))).toBe(none + 3);
    expect(liveAfterGc((c) => (c.put(atom("a"), 1), c.erase(atom("a"))))).toBe(none);
  });

  it("get/put/erase and process_info(dictionary) still answer keys and values", () => {
    const s = new Scheduler();
    const out: unknown[] = [];
    s.spawn(function* (ctx: ProcessContext) {
      out.push(ctx.put(atom("a"), 1), ctx.put(atom("a"), 2), ctx.get(atom("a")));
      ctx.put(atom("b"), 3);
      out.push(ctx.processInfo(ctx.self, ["dictionary"])?.dictionary);
      out.push(ctx.erase(atom("a")), ctx.get(atom("a")));
      yield* ctx.call();
    });
    s.run();
    expect(out).toEqual([atom("undefined"), 1, 2, [[atom("a"), 2], [atom("b"), 3]], 2, atom("undefined")]);
  });
});

describe("ProcessContext.scheduler", () => {
  it("is the scheduler the process runs on", () => {
    const s = new Scheduler();
    let got: Scheduler | undefined;
    let self: Pid | undefined;
    s.spawn(function* (ctx: ProcessContext) {
      got = ctx.scheduler;
      self = ctx.self;
      yield* ctx.call();
    });
    s.run();
    expect(got).toBe(s);
    expect(self).toBeDefined();
  });
});
