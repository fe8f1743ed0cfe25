/**
 * Effect 3's side of the comparison. What we chose, as an Effect user would write it:
 * - a process is a fiber plus its mailbox: each gets its own `Queue.unbounded` (the standard,
 *   stable queue; "Effect Queue") or `Mailbox.make` (Effect's newer, lighter actor-style mailbox,
 *   marked experimental in 3.x; "Effect Mailbox"), and the fiber is started with
 *   `Effect.forkDaemon` (not tied to the parent's scope, like a spawned process). The caller keeps
 *   the mailbox (the address one sends to) in an array; the fiber stays reachable through the
 *   take it is suspended in;
 * - an idle process is a fiber suspended in `take` on its empty mailbox. Forked fibers start on
 *   Effect's scheduler after the parent yields, so, like the BEAM script, a last fiber completes
 *   a `Deferred` once it runs (FIFO scheduling: after all the others have run and suspended) and
 *   the parent awaits it; the spawn time includes that;
 * - the ring: fiber i loops `take` from its mailbox, `offer`s k - 1 to the next one; the one that
 *   receives 0 completes a `Deferred` with the end time. Default runtime and scheduler.
 */
import { Deferred, Effect, Mailbox, Queue } from "effect";
import { nodeGc } from "../beam.js";
import type { Workloads } from "./types.js";

type Kind = "queue" | "mailbox";

/** Spawns n idle fibers, each suspended on its own empty mailbox; resolves with the mailboxes. */
function spawnIdleFibers(kind: Kind, n: number): Effect.Effect<unknown[]> {
  return Effect.gen(function* () {
    const inboxes: unknown[] = [];
    if (kind === "queue") {
      for (let i = 0; i < n; i++) {
        const q = yield* Queue.unbounded<"stop">();
        yield* Effect.forkDaemon(Queue.take(q));
        inboxes.push(q);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const mb = yield* Mailbox.make<"stop">();
        yield* Effect.forkDaemon(mb.take);
        inboxes.push(mb);
      }
    }
    const allRan = yield* Deferred.make<boolean>();
    yield* Effect.forkDaemon(Deferred.succeed(allRan, true));
    yield* Deferred.await(allRan);
    return inboxes;
  });
}

/** Still open and empty; a Queue also counts its one waiting taker as size -1. */
function suspendedInTake(kind: Kind, inbox: unknown): boolean {
  const size = (inbox as Queue.Queue<"stop"> | Mailbox.Mailbox<"stop">).unsafeSize();
  return size._tag === "Some" && size.value === (kind === "queue" ? -1 : 0);
}

function ringQueue(r: number, h: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    const done = yield* Deferred.make<number>();
    const inboxes: Queue.Queue<number>[] = [];
    for (let i = 0; i < r; i++) inboxes.push(yield* Queue.unbounded<number>());
    for (let i = 0; i < r; i++) {
      const inbox = inboxes[i]!;
      const next = inboxes[(i + 1) % r]!;
      yield* Effect.forkDaemon(
        Effect.gen(function* () {
          for (;;) {
            const k = yield* Queue.take(inbox);
            if (k === 0) return yield* Deferred.succeed(done, performance.now());
            yield* Queue.offer(next, k - 1);
          }
        }),
      );
    }
    yield* Effect.yieldNow();
    const t0 = performance.now();
    yield* Queue.offer(inboxes[0]!, h);
    return (yield* Deferred.await(done)) - t0;
  });
}

function ringMailbox(r: number, h: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    const done = yield* Deferred.make<number>();
    const inboxes: Mailbox.Mailbox<number>[] = [];
    for (let i = 0; i < r; i++) inboxes.push(yield* Mailbox.make<number>());
    for (let i = 0; i < r; i++) {
      const inbox = inboxes[i]!;
      const next = inboxes[(i + 1) % r]!;
      yield* Effect.forkDaemon(
        Effect.gen(function* () {
          for (;;) {
            const k = yield* inbox.take;
            if (k === 0) return yield* Deferred.succeed(done, performance.now());
            yield* next.offer(k - 1);
          }
        }).pipe(Effect.orDie),
      );
    }
    yield* Effect.yieldNow();
    const t0 = performance.now();
    yield* inboxes[0]!.offer(h);
    return (yield* Deferred.await(done)) - t0;
  });
}

export function effect(kind: Kind): Workloads {
  return {
    async spawnIdle(n) {
      await nodeGc();
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const inboxes = await Effect.runPromise(spawnIdleFibers(kind, n));
      const us = (performance.now() - t0) * 1000;
      await nodeGc();
      const bytes = (process.memoryUsage().heapUsed - before) / n;
      if (inboxes.length !== n || !inboxes.every((q) => suspendedInTake(kind, q))) throw new Error("not all fibers are alive");
      return { n, us, bytes };
    },

    async ring(r, h) {
      const ms = await Effect.runPromise(kind === "queue" ? ringQueue(r, h) : ringMailbox(r, h));
      const us = ms * 1000;
      return { ring: r, hops: h, us, msgsPerSec: h / (us / 1e6) };
    },
  };
}
