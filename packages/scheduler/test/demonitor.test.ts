/**
 * demonitor and 'DOWN' messages, as on OTP 25 (checked with `erl +S 1`: monitor a dead pid,
 * demonitor, `receive {'DOWN', R, …} after 0` gets nothing; a 'DOWN' already in the queue stays
 * until received or flushed).
 */
import { equals, atom, Tuple, type Ref, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { Scheduler, type ProcessContext } from "../src/index.js";

function downFor(ref: Ref) {
  return (m: Term) => m instanceof Tuple && m.elements[0] === atom("DOWN") && equals(m.elements[1] as Term, ref);
}

function* shortLived(ctx: ProcessContext) {
  yield* ctx.receive();
}

describe("demonitor", () => {
  it("cancels the noproc 'DOWN' of a monitor on an already-dead process", () => {
    const s = new Scheduler();
    const got: (Term | undefined)[] = [];
    s.spawn(function* (ctx) {
      const p = ctx.spawn(shortLived);
      ctx.send(p, atom("go"));
      yield* ctx.sleep(10);
      const r = ctx.monitor(p); // p is dead: a noproc 'DOWN' is on its way
      ctx.demonitor(r);
      got.push(yield* ctx.receive(downFor(r), { after: 0 }));
      const r2 = ctx.monitor(p); // without demonitor the noproc 'DOWN' does arrive
      got.push(yield* ctx.receive(downFor(r2), { after: 0 }));
    });
    s.run();
    expect(got[0]).toBeUndefined();
    expect(got[1]).toBeInstanceOf(Tuple);
    expect((got[1] as Tuple).elements[4]).toBe(atom("noproc"));
  });

  it("leaves a 'DOWN' already queued unless flush is given", () => {
    const s = new Scheduler();
    const got: (Term | undefined)[] = [];
    s.spawn(function* (ctx) {
      for (const flush of [false, true]) {
        const p = ctx.spawn(shortLived);
        const r = ctx.monitor(p);
        ctx.send(p, atom("go"));
        yield* ctx.sleep(10); // p exits; its 'DOWN' is queued
        ctx.demonitor(r, { flush });
        got.push(yield* ctx.receive(downFor(r), { after: 0 }));
      }
    });
    s.run();
    expect((got[0] as Tuple).elements[4]).toBe(atom("normal"));
    expect(got[1]).toBeUndefined();
  });
});
