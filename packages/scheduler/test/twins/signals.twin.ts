/**
 * Twins of sched_traces.escript's signal scenarios: the same link/monitor trees written as
 * process bodies, run on a fresh scheduler; each returns the queues the recorder reports, in the
 * recorder's JSON shape (pids by scenario name, monitor refs as "mon_<name>", reasons as ~w).
 */
import { atom, Cons, list, printTerm, Tuple, type Pid, type Ref, type Term } from "@beamlab/heap";
import { Scheduler, tagged, tuple, anyTerm, type Body, type ProcessContext } from "../../src/index.js";
import type { Msg } from "./fixture.js";

type Queues = Record<string, Msg[]>;
type Names = Map<string, string>;

const A = {
  exit_with: atom("exit_with"),
  boom: atom("boom"),
  normal: atom("normal"),
  shutdown: atom("shutdown"),
  kill: atom("kill"),
  report: atom("report"),
  queue: atom("queue"),
  linked: atom("linked"),
  b: atom("b"),
  c: atom("c"),
  DOWN: atom("DOWN"),
  EXIT: atom("EXIT"),
};

function* exiter(ctx: ProcessContext) {
  const m = (yield* ctx.receive(tagged("exit_with", 2))) as Tuple;
  ctx.exit(m.elements[1] as Term);
}

function* idle(ctx: ProcessContext) {
  yield* ctx.receive(() => false);
}

/** trapper(Setup): traps exits, runs Setup, reports its queue when asked, then idles. */
function trapper(setup: (ctx: ProcessContext) => void): Body {
  return function* (ctx: ProcessContext) {
    ctx.trapExit(true);
    setup(ctx);
    const m = (yield* ctx.receive(tagged("report", 2))) as Tuple;
    const q = yield* flush(ctx);
    ctx.send(m.elements[1] as Pid, new Tuple([A.queue, ctx.self, list(q)]));
    ctx.trapExit(false);
    yield* idle(ctx);
  };
}

function* flush(ctx: ProcessContext) {
  const out: Term[] = [];
  for (;;) {
    const m = yield* ctx.receive(undefined, { after: 0 });
    if (m === undefined) return out;
    out.push(m);
  }
}

function* settle(ctx: ProcessContext) {
  yield* ctx.receive(() => false, { after: 30 });
}

function* report(ctx: ProcessContext, p: Pid) {
  ctx.send(p, new Tuple([A.report, ctx.self]));
  const m = (yield* ctx.receive(tuple(A.queue, (x) => printTerm(x) === printTerm(p), anyTerm))) as Tuple;
  const out: Term[] = [];
  let l = m.elements[2] as Term;
  while (l instanceof Cons) {
    out.push(l.head);
    l = l.tail;
  }
  return out;
}

type Scenario = (ctx: ProcessContext, name: (t: Pid | Ref, n: string) => void) => Generator<unknown, [string, Term[]][], unknown>;

const scenarios: Record<string, Scenario> = {
  *link_and_monitor_same_process(ctx, name) {
    const x = ctx.spawnLink(exiter);
    name(x, "x");
    name(ctx.monitor(x), "mon_x");
    ctx.send(x, new Tuple([A.exit_with, A.boom]));
    yield* settle(ctx);
    return [["root", yield* flush(ctx)]];
  },
  *two_monitors_and_link(ctx, name) {
    const x = ctx.spawn(exiter);
    name(x, "x");
    name(ctx.monitor(x), "mon_x");
    name(ctx.monitor(x), "mon2_x");
    ctx.link(x);
    ctx.send(x, new Tuple([A.exit_with, A.boom]));
    yield* settle(ctx);
    return [["root", yield* flush(ctx)]];
  },
  *chain_propagation(ctx, name) {
    const root = ctx.self;
    const a = ctx.spawnLink(
      trapper((c) => {
        const b = c.spawnLink(function* (cb: ProcessContext) {
          const cc = cb.spawnLink(idle);
          cb.send(root, new Tuple([A.c, cc]));
          yield* idle(cb);
        });
        c.send(root, new Tuple([A.b, b]));
      }),
    );
    name(a, "a");
    const b = ((yield* ctx.receive(tagged("b", 2))) as Tuple).elements[1] as Pid;
    name(b, "b");
    const c = ((yield* ctx.receive(tagged("c", 2))) as Tuple).elements[1] as Pid;
    name(c, "c");
    name(ctx.monitor(c), "mon_c");
    name(ctx.monitor(b), "mon_b");
    ctx.exitSignal(c, A.boom);
    yield* settle(ctx);
    return [
      ["a", yield* report(ctx, a)],
      ["root", yield* flush(ctx)],
    ];
  },
  *kill_a_trapper(ctx, name) {
    const root = ctx.self;
    const a = ctx.spawnLink(
      trapper((c) => {
        c.send(root, new Tuple([A.b, c.spawnLink(idle)]));
      }),
    );
    name(a, "a");
    const b = ((yield* ctx.receive(tagged("b", 2))) as Tuple).elements[1] as Pid;
    name(b, "b");
    name(ctx.monitor(b), "mon_b");
    ctx.exitSignal(a, A.kill);
    yield* settle(ctx);
    return [["root", yield* flush(ctx)]];
  },
  *normal_exits(ctx, name) {
    const root = ctx.self;
    const x = ctx.spawn(idle);
    name(x, "x");
    const t = ctx.spawn(
      trapper((c) => {
        c.link(x);
        c.send(root, A.linked);
      }),
    );
    name(t, "t");
    yield* ctx.receive((m) => m === A.linked);
    name(ctx.monitor(x), "mon_x");
    ctx.exitSignal(x, A.normal);
    yield* settle(ctx);
    ctx.exitSignal(t, A.normal);
    yield* settle(ctx);
    ctx.exitSignal(x, A.shutdown);
    yield* settle(ctx);
    return [
      ["t", yield* report(ctx, t)],
      ["root", yield* flush(ctx)],
    ];
  },
  *noproc(ctx, name) {
    const x = ctx.spawn(exiter);
    name(x, "x");
    ctx.monitor(x);
    ctx.send(x, new Tuple([A.exit_with, A.normal]));
    yield* ctx.receive(tagged("DOWN", 5));
    name(ctx.monitor(x), "mon_x");
    ctx.link(x);
    yield* settle(ctx);
    return [["root", yield* flush(ctx)]];
  },
  *exit_normal_from_linked(ctx, name) {
    const x = ctx.spawnLink(exiter);
    name(x, "x");
    name(ctx.monitor(x), "mon_x");
    ctx.send(x, new Tuple([A.exit_with, A.normal]));
    yield* settle(ctx);
    return [["root", yield* flush(ctx)]];
  },
};

export const scenarioIds = Object.keys(scenarios);

function msgJson(m: Term, names: Names): Msg {
  const n = (t: Term): string => names.get(printTerm(t)) ?? printTerm(t);
  if (m instanceof Tuple && m.elements[0] === A.EXIT && m.elements.length === 3) return ["EXIT", n(m.elements[1] as Term), printTerm(m.elements[2] as Term)];
  if (m instanceof Tuple && m.elements[0] === A.DOWN && m.elements.length === 5) {
    return ["DOWN", n(m.elements[1] as Term), "process", n(m.elements[3] as Term), printTerm(m.elements[4] as Term)];
  }
  return ["OTHER", printTerm(m)];
}

/** Runs scenario `id` (in a trapping root process) and returns its queues. */
export function runSignalTwin(id: string): { queues: Queues; scheduler: Scheduler } {
  const sc = scenarios[id];
  if (sc === undefined) throw new Error(`no twin for ${id}`);
  const s = new Scheduler({ trace: true });
  const queues: Queues = {};
  s.spawn(function* root(ctx: ProcessContext) {
    ctx.trapExit(true);
    const names: Names = new Map([[printTerm(ctx.self), "root"]]);
    const result = yield* sc(ctx, (t, n) => names.set(printTerm(t), n));
    for (const [who, q] of result) queues[who] = q.map((m) => msgJson(m, names));
    ctx.exit(atom("scenario_done"));
  } as Body);
  s.run();
  return { queues, scheduler: s };
}
