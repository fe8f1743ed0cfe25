/**
 * Twin of sched_traces.escript's mailbox workloads:
 *
 *     receiver(Rec) -> Rec ! ready, wait(Rec).
 *     wait(Rec) -> receive drain -> drain(Rec), wait(Rec) end.
 *     drain(Rec) -> receive {msg, _} -> drain(Rec) after 0 -> Rec ! drained end.
 *
 * spawned with spawn_opt(M, receiver, [Rec], [{message_queue_data, Mqd}]) (the argument list:
 * 2 words). The recorder suspends it, sends batches of {msg, L} (fresh lists) or the literal
 * {msg, [1,2,3]}, resumes it, sends `drain`, then collects it from outside.
 * Stack words (S) the compiled code has, read off the recording and a GC trace of the same code
 * (see the recorder's header): 2 while parked in wait/1's receive; 4 in drain/1's receive and at
 * its send; 3 at the tail call drain(Rec) where the process is preempted; drain/1 starts with a
 * heap test of need 1 (the trace shows a GC with wordsize 1 there). `Rec` is the outside pid
 * here, so `ready`/`drained` go nowhere (atoms: nothing is built either way).
 */
import { atom, Cons, markLiteral, nil, Tuple, type Pid, type Term } from "@beamlab/heap";
import { eq, Scheduler, tagged, type ProcessContext } from "../../src/index.js";
import type { MailboxCase, MailboxCheckpoint } from "./fixture.js";

const drain = atom("drain");

function* receiver(ctx: ProcessContext, rec: Term) {
  ctx.send(rec as Pid, atom("ready"));
  for (;;) {
    ctx.setStack(2);
    yield* ctx.receive(eq(drain));
    ctx.setStack(4);
    ctx.heap.allocGarbage(0, { need: 1 });
    for (;;) {
      ctx.setStack(4);
      const m = yield* ctx.receive(tagged("msg", 2), { after: 0 });
      if (m === undefined) {
        ctx.send(rec as Pid, atom("drained"));
        break;
      }
      ctx.setStack(3);
      yield* ctx.call();
    }
    yield* ctx.call();
  }
}

function payload(c: MailboxCase): Term {
  if (c.payload.kind === "literal") return LITERAL;
  if (c.payload.kind === "tuple") return new Tuple(Array.from({ length: c.payload.length }, (_, i) => i + 1));
  let l: Term = nil;
  for (let i = c.payload.length; i >= 1; i--) l = new Cons(i, l);
  return new Tuple([atom("msg"), l]);
}
const LITERAL = markLiteral(new Tuple([atom("msg"), new Cons(1, new Cons(2, new Cons(3, nil)))]));

export type ModelCheckpoint = MailboxCheckpoint;

export interface TraceEvent {
  readonly event: string;
  readonly info: Readonly<Record<string, number>>;
}

/** Runs the protocol; `traced`: GC-traced from the first park on (events in `events`). */
export function runMailboxTwin(c: MailboxCase, traced = false, events: TraceEvent[] = []): ModelCheckpoint[] {
  const s = new Scheduler({
    onGcTrace: (_pid, e) => {
      events.push({ event: e.tag, info: { wordsize: e.wordsize, ...e.info } });
    },
  });
  const pid = s.spawn(receiver, [s.outside], { messageQueueData: c.message_queue_data });
  s.run();
  if (traced) s.traceGc(pid);
  const out: ModelCheckpoint[] = [];
  const measure = (label: string, sent: number): void => {
    const p = s.lookup(pid);
    if (p === undefined) throw new Error("receiver died");
    const i = s.contextOf(p).processInfo(pid);
    if (i === undefined) throw new Error("no info");
    out.push({
      label,
      sent,
      heap_size: i.heap_size,
      total_heap_size: i.total_heap_size,
      stack_size: i.stack_size,
      memory: i.memory,
      message_queue_len: i.message_queue_len,
      minor_gcs: i.garbage_collection.minor_gcs,
      garbage_collection_info: { ...i.garbage_collection_info },
    });
  };
  measure("spawned", 0);
  s.suspend(pid);
  let n = 0;
  for (const b of c.batches) {
    for (let k = 0; k < b; k++) s.send(pid, payload(c));
    n += b;
    s.run();
    measure("sent", n);
  }
  s.resume(pid);
  s.run();
  measure("resumed", n);
  s.send(pid, drain);
  s.run();
  measure("drained", n);
  s.garbageCollect(pid);
  measure("gc", n);
  return out;
}
