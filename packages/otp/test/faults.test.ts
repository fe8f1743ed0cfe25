/**
 * Fault injection: a chaos process kills random running children of a supervisor at random
 * times (seeded: the scheduler's random) for 3,000 virtual seconds, under each strategy. When a
 * supervisor escalates (exits with shutdown) the test starts a new one, as its own parent would.
 * Checked after every kill: the supervisor is alive exactly when OTP's add_restart rule (an
 * independent reimplementation below) says it may restart; every child is alive and linked to
 * it; one_for_all/rest_for_one restarted the right siblings; after an escalation no child is
 * left (no orphan). At the end: the process table holds only the test, the supervisor and its
 * children, and the restart counts are the ones the rule predicts.
 */
import { atom, Tuple, type Pid, type Term } from "@beamlab/heap";
import type { ProcessContext } from "@beamlab/scheduler";
import { describe, expect, it } from "vitest";
import { A, type Gen, GenServer, Supervisor, type ChildSpec, type Restart, type Strategy } from "../src/index.js";
import { runMain } from "./helpers.js";

const worker: GenServer.GenServerModule = { name: "chaos_worker", init: (_c, a) => GenServer.ok(a) };
const spec = (id: string, restart: Restart): ChildSpec => ({ id: atom(id), restart, start: { fn: (ctx: ProcessContext) => GenServer.startLink(ctx, worker, atom(id)) } });
const IDS = ["w1", "w2", "w3", "w4"];
const INTENSITY = 3;
const PERIOD = 5;

function* children(ctx: ProcessContext, sup: Pid): Gen<Map<string, Pid>> {
  const l = (yield* Supervisor.whichChildren(ctx, sup));
  const m = new Map<string, Pid>();
  for (let c = l as { head?: Term; tail?: Term }; c.head !== undefined; c = c.tail as { head?: Term; tail?: Term }) {
    const e = (c.head as Tuple).elements;
    if (e[1] !== A.undefined) m.set((e[0] as { name: string }).name, e[1] as Pid);
  }
  return m;
}

function chaos(strategy: Strategy, seed: number) {
  const stats = { kills: 0, restarts: 0, escalations: 0, predictedRestarts: 0, predictedEscalations: 0, supervisors: 0, violations: [] as string[] };
  let leftover = -1;
  const { exit } = runMain(
    function* (ctx) {
      ctx.trapExit(true);
      const start = function* (): Gen<Pid> {
        stats.supervisors++;
        const r = (yield* Supervisor.startLink(ctx, { name: "chaos", init: () => ({ flags: { strategy, intensity: INTENSITY, period: PERIOD }, children: IDS.map((id) => spec(id, id === "w4" ? "transient" : "permanent")) }) })) as Tuple;
        return r.elements[1] as Pid;
      };
      let sup = yield* start();
      let restarts: number[] = []; // the reference add_restart state
      const end = 3_000_000;
      while (ctx.now() < end) {
        yield* ctx.sleep(1 + Math.floor(ctx.random() * 3000));
        const before = yield* children(ctx, sup);
        const ids = [...before.keys()];
        const victim = ids[Math.floor(ctx.random() * ids.length)] as string;
        const now = Math.floor(ctx.now() / 1000);
        restarts = [now, ...restarts.filter((r) => r >= now - PERIOD)];
        const escalate = restarts.length > INTENSITY;
        ctx.exitSignal(before.get(victim) as Pid, A.kill);
        stats.kills++;
        yield* ctx.sleep(1);
        if (escalate) {
          stats.predictedEscalations++;
          const e = (yield* ctx.receive((m) => m instanceof Tuple && m.elements[0] === A.EXIT, { after: 0 })) as Tuple | undefined;
          if (e === undefined || p(e.elements[2] as Term) !== "shutdown") stats.violations.push(`t=${ctx.now()}: expected an escalation`);
          else stats.escalations++;
          for (const [id, pid] of before) if (ctx.isAlive(pid)) stats.violations.push(`t=${ctx.now()}: orphan ${id}`);
          if (ctx.processes().length !== 1) stats.violations.push(`t=${ctx.now()}: ${ctx.processes().length - 1} processes left after escalation`);
          sup = yield* start();
          restarts = [];
          continue;
        }
        stats.predictedRestarts++;
        if (!ctx.isAlive(sup)) {
          stats.violations.push(`t=${ctx.now()}: supervisor lost`);
          break;
        }
        stats.restarts++;
        const after = yield* children(ctx, sup);
        const supLinks = new Set((ctx.processInfo(sup, ["links"])?.links ?? []).map((l) => p(l)));
        const vi = IDS.indexOf(victim);
        for (const id of IDS) {
          const pid = after.get(id);
          if (pid === undefined || !ctx.isAlive(pid)) stats.violations.push(`t=${ctx.now()}: ${id} not running`);
          else if (!supLinks.has(p(pid))) stats.violations.push(`t=${ctx.now()}: ${id} not linked to its supervisor`);
          const mustBeNew = id === victim || strategy === "one_for_all" || (strategy === "rest_for_one" && IDS.indexOf(id) > vi);
          const isNew = pid !== undefined && p(pid) !== p(before.get(id) as Pid);
          if (mustBeNew !== isNew) stats.violations.push(`t=${ctx.now()}: ${id} ${isNew ? "restarted" : "not restarted"} (${strategy}, killed ${victim})`);
        }
      }
      leftover = ctx.processes().length - 1 - 1 - IDS.length; // minus the test and the supervisor
    },
    { seed },
  );
  return { ...stats, exit, leftover };
}
import { printTerm as p } from "@beamlab/heap";

describe("fault injection: random kills for 3,000 virtual seconds", () => {
  for (const [i, strategy] of (["one_for_one", "one_for_all", "rest_for_one"] as const).entries()) {
    it(`${strategy}: no lost supervisor, no orphaned child, restarts and escalations exactly as intensity ${INTENSITY} / period ${PERIOD} s allow`, () => {
      const r = chaos(strategy, 7 + i);
      expect(r.exit).toBeUndefined();
      expect(r.violations.slice(0, 5)).toEqual([]);
      expect(r.kills).toBeGreaterThan(1500);
      expect(r.restarts).toBe(r.predictedRestarts);
      expect(r.escalations).toBe(r.predictedEscalations);
      expect(r.escalations).toBeGreaterThan(0);
      expect(r.supervisors).toBe(r.escalations + 1);
      expect(r.leftover).toBe(0);
    });
  }
});
