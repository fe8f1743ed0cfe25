/**
 * With tracing off, the scheduler builds no trace text: printTerm (the expensive part of a trace
 * line) is not called by monitor, link, send or exits.
 */
import { describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock("@beamlab/heap", async (importOriginal) => {
  const orig = await importOriginal<typeof import("@beamlab/heap")>();
  return {
    ...orig,
    printTerm: (...a: Parameters<typeof orig.printTerm>) => {
      calls.n++;
      return orig.printTerm(...a);
    },
  };
});

const { atom } = await import("@beamlab/heap");
const { Scheduler } = await import("../src/index.js");
type Ctx = import("../src/index.js").ProcessContext;

function program(s: InstanceType<typeof Scheduler>): void {
  s.spawn(function* (ctx: Ctx) {
    expect(ctx.heap).toBeDefined(); // the heap (and its owner name) exists before counting starts
    const child = ctx.spawn(function* (c: Ctx) {
      yield* c.receive();
    });
    yield* ctx.call();
    const before = calls.n;
    const ref = ctx.monitor(child);
    ctx.link(child);
    ctx.unlink(child);
    ctx.send(child, atom("hello"));
    ctx.demonitor(ref, { flush: true });
    yield* ctx.call();
    counted.push(calls.n - before);
  });
  s.run();
}
const counted: number[] = [];

describe("trace text", () => {
  it("is not built when tracing is off", () => {
    counted.length = 0;
    program(new Scheduler());
    expect(counted).toEqual([0]);
  });

  it("is built when tracing is on", () => {
    counted.length = 0;
    const s = new Scheduler({ trace: true });
    program(s);
    expect(counted[0]).toBeGreaterThan(0);
    expect(s.trace().some((l) => l.includes("monitor"))).toBe(true);
    expect(s.trace().some((l) => l.includes("link"))).toBe(true);
  });
});
