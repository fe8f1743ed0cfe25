/**
 * Scenario 5, mailbox backlog: a consumer slower than its producer.
 *
 * Leaky: `producer` (role "producer") casts `{cast, {event, I, Payload}}` to `sink` (role
 * "consumer") every `PERIOD` ms; handling one event takes the sink `COST` ms (a write to a slow
 * disk, modelled as a sleep). Events arrive twice as fast as they drain: the queue, and the
 * sink's memory (messages are on its heap or in fragments), grow without bound.
 * Fixed: back-pressure — the producer calls (`gen_server:call`) instead of casting and waits for
 * the reply before producing the next event, so it runs at the sink's pace and the queue stays
 * at most one message long.
 */
import { list, Tuple, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { A, call, newNode, reply, setRole } from "./node.js";
import type { Scenario, ScenarioOptions, ScenarioRun } from "./scenario.js";

const PERIOD = 2;
const COST = 4;

function event(ctx: ProcessContext, i: number): Term {
  return ctx.alloc(new Tuple([A.data, i, list([i, i + 1, i + 2, i + 3])]));
}

function* producer(ctx: ProcessContext, backPressure: boolean): Generator<Op, void, unknown> {
  setRole(ctx, "producer");
  for (let i = 0; ; i++) {
    if (backPressure) yield* call(ctx, "sink", event(ctx, i));
    else ctx.send("sink", ctx.alloc(new Tuple([A.cast, event(ctx, i)])));
    yield* ctx.sleep(PERIOD);
  }
}

function* sink(ctx: ProcessContext): Generator<Op, void, unknown> {
  setRole(ctx, "consumer");
  ctx.register("sink");
  ctx.setCurrentFunction("event_sink:handle_cast/2");
  for (;;) {
    const m = (yield* ctx.receive()) as Tuple;
    yield* ctx.sleep(COST); // the slow write
    if (m.elements[0] === A.call) reply(ctx, m, A.ok);
  }
}

/** Spawns the producer/sink workload on an existing node (`backPressure`: the fixed variant). */
export function startSink(run: ScenarioRun, backPressure: boolean): void {
  run.scheduler.spawn(sink, [], { initialCall: "event_sink:init/1" });
  run.scheduler.spawn((ctx) => producer(ctx, backPressure), [], { initialCall: "event_producer:loop/0" });
}

function build(backPressure: boolean, opts: ScenarioOptions = {}): ScenarioRun {
  const run = newNode(opts, { duration: 1000, interval: 100 });
  startSink(run, backPressure);
  return run;
}

export const mailboxBacklogFixed: Scenario = {
  id: "mailbox-backlog.fixed",
  title: "Mailbox backlog — fixed: back-pressure with call",
  description: "The producer calls the sink and waits for each reply, so it produces at the sink's pace.",
  expects: undefined,
  run: (opts) => build(true, opts),
};

export const mailboxBacklog: Scenario = {
  id: "mailbox-backlog",
  title: "Mailbox backlog: a consumer slower than its producer",
  description: "A producer casts an event every 2 ms to a sink that needs 4 ms per event; the sink's queue grows without bound.",
  expects: "mailbox_backlog",
  culpritRole: "consumer",
  run: (opts) => build(false, opts),
  fixed: mailboxBacklogFixed,
};
