/** Test helpers: a main process on a fresh virtual-time scheduler, and exits caught as terms. */
import { printTerm, type Term } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { caught, type Gen } from "../src/index.js";

export function runMain(body: (ctx: ProcessContext, s: Scheduler) => Generator<unknown, unknown, unknown>, opts: { seed?: number; until?: number; firstPid?: number } = {}): { s: Scheduler; exit: string | undefined } {
  const s = new Scheduler({ seed: opts.seed ?? 1, ...(opts.firstPid !== undefined ? { firstPid: opts.firstPid } : {}) });
  const out: { exit: string | undefined } = { exit: undefined };
  s.spawn(function* main(ctx: ProcessContext) {
    try {
      yield* body(ctx, s) as Generator<never, unknown, unknown>;
    } catch (e) {
      out.exit = printTerm(s.reasonOf(e));
      if (process.env.DBG !== undefined) console.log("main exit:", e instanceof Error ? e.stack : out.exit);
      throw e;
    }
  });
  s.run(opts.until !== undefined ? { until: opts.until } : {});
  return { s, exit: out.exit };
}

/** `catch Expr`: the value, or `{'EXIT', Reason}` printed. */
export function* catching(g: Gen<Term>): Gen<string> {
  try {
    return printTerm(yield* g);
  } catch (e) {
    const k = caught(e);
    return `{'EXIT',${printTerm(k.reason)}}`;
  }
}

export const p = printTerm;
