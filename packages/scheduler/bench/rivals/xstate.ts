/**
 * XState v5's side of the comparison. What we chose, as an XState user would write it:
 * - a process is an actor: `createActor(machine).start()` on one shared machine definition (the
 *   machine is a value; each actor is its own root with its own actor system, as when actors are
 *   created independently), and the caller keeps the ActorRef (its "pid") in an array;
 * - an idle process is an actor in a state that only leaves on `stop` (the analogue of
 *   `receive stop -> ok end`); `start()` is synchronous, so after the loop every actor is waiting;
 * - the ring: each actor holds the next actor's ref in its context (set by an event, `assign`)
 *   and forwards the token with the `sendTo` action (XState's own send-to-another-actor, which
 *   goes through the actor system's relay into the target's mailbox), decremented; the one that
 *   receives 0 records the end time.
 * Production build of xstate (no `development` condition), no inspector.
 */
import { assign, createActor, sendTo, setup, type Actor, type AnyActorRef } from "xstate";
import { nodeGc } from "../beam.js";
import type { Workloads } from "./types.js";

const idleMachine = setup({ types: { events: {} as { type: "stop" } } }).createMachine({
  id: "idle",
  initial: "waiting",
  states: {
    waiting: { on: { stop: "stopped" } },
    stopped: { type: "final" },
  },
});

let doneAt = 0;

type RingEvent = { type: "next"; ref: AnyActorRef } | { type: "token"; k: number };

const ringNode = setup({
  types: { context: {} as { next: AnyActorRef | undefined }, events: {} as RingEvent },
}).createMachine({
  id: "ringNode",
  context: { next: undefined },
  on: {
    next: { actions: assign({ next: ({ event }) => event.ref }) },
    token: [
      {
        guard: ({ event }) => event.k === 0,
        actions: () => {
          doneAt = performance.now();
        },
      },
      { actions: sendTo(({ context }) => context.next!, ({ event }) => ({ type: "token", k: event.k - 1 })) },
    ],
  },
});

export const xstate: Workloads = {
  async spawnIdle(n) {
    await nodeGc();
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const actors: Actor<typeof idleMachine>[] = [];
    for (let i = 0; i < n; i++) actors.push(createActor(idleMachine).start());
    const us = (performance.now() - t0) * 1000;
    await nodeGc();
    const bytes = (process.memoryUsage().heapUsed - before) / n;
    if (actors.length !== n || actors.some((a) => a.getSnapshot().status !== "active")) {
      throw new Error("not all actors are alive");
    }
    return { n, us, bytes };
  },

  ring(r, h) {
    const actors = Array.from({ length: r }, () => createActor(ringNode).start());
    for (let i = 0; i < r; i++) actors[i]!.send({ type: "next", ref: actors[(i + 1) % r]! });
    doneAt = 0;
    const t0 = performance.now();
    actors[0]!.send({ type: "token", k: h });
    if (doneAt === 0) throw new Error("the token did not come round");
    const us = (doneAt - t0) * 1000;
    return Promise.resolve({ ring: r, hops: h, us, msgsPerSec: h / (us / 1e6) });
  },
};
