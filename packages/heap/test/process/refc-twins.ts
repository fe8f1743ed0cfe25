/**
 * Twin programs of tooling/beam-oracle/recorders/refc_traces.escript (fixture refc_traces.json):
 * one ProcessHeap per Erlang process, all sharing one RefcStore, driven by hand in the same
 * per-process order as the Erlang program (each process's GC history depends only on its own
 * allocations and receives; the recorder runs one step at a time, so every message reaches a
 * receiver blocked in its receive).
 *
 * Stacks and needs, read off the recording (events' stack_size / wordsize) and the source:
 *  - producer: `<<0:(Size*8)>>` is a refc binary built with need 6 (the ProcBin) and the
 *    binary-virtual-heap test, S = 4; parked S = 4.
 *  - router / consumer: parked S = 3 / 2; a message lands on the heap iff the free words minus
 *    3 exceed its size (`MESSAGE_HEAP_MARGIN`), else in a fragment; the receive's safe point
 *    collects with need 0 at the parked S when the binary virtual heap is over its block, at
 *    S + 1 when the fragments no longer fit the free heap (see `receive`).
 *  - keeper: the payload with need 6 at S = 7; binary:part's fragment and safe point, the match,
 *    binary:copy inside cut/3 (S = 8); the cons `[X | Acc]` with need 2 at S = 8; parked S = 7.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { RefcStore } from "@beamlab/refc";
import {
  binaryCopy,
  binaryPart,
  copyTerm,
  Cons,
  makeBinary,
  matchBinary,
  nil,
  ProcessHeap,
  type Binary,
  type GcTraceEntry,
  type Term,
} from "../../src/index.js";

export interface RefcProcCheckpoint {
  readonly heap_size: number;
  readonly total_heap_size: number;
  readonly stack_size: number;
  readonly minor_gcs: number;
  readonly binary: readonly (readonly [number, number])[];
  readonly gc_info: Readonly<Record<string, number>>;
}
export interface RefcCheckpoint {
  readonly step: number;
  readonly refc_bytes: number;
  readonly memory_binary?: number;
  readonly processes: Readonly<Record<string, RefcProcCheckpoint>>;
}
export interface RefcEvent {
  readonly event: string;
  readonly info: Readonly<Record<string, number>>;
}
export interface RefcRun {
  readonly events: Readonly<Record<string, readonly RefcEvent[]>>;
  readonly checkpoints: readonly RefcCheckpoint[];
}
export interface RefcWorkload {
  readonly id: string;
  readonly kind: "router" | "keeper";
  readonly params: { readonly steps: number; readonly every: number; readonly size?: number; readonly mode?: string; readonly psize?: number; readonly k?: number };
  readonly traced: RefcRun;
  readonly untraced: RefcRun;
}
export interface RefcFixture {
  readonly defaults: { readonly min_bin_vheap_size: number };
  readonly workloads: readonly RefcWorkload[];
}

let cached: RefcFixture | null | undefined;
export function refcFixture(): RefcFixture | undefined {
  if (cached === undefined) {
    try {
      cached = loadFixture("refc_traces") as RefcFixture;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/** One modelled process of a twin. */
class Proc {
  readonly heap: ProcessHeap;
  readonly events: RefcEvent[] = [];
  constructor(
    readonly role: string,
    store: RefcStore,
    spawnArgs: readonly Term[],
    readonly parkedStack: number,
    traced: boolean,
  ) {
    this.heap = new ProcessHeap({
      owner: role,
      refc: store,
      spawnArgs,
      debugChecks: true,
      tracePhantom: traced,
      ...(traced ? { onTrace: (t: GcTraceEntry) => this.events.push({ event: t.tag, info: { wordsize: t.wordsize, ...t.info } }) } : {}),
    });
    this.heap.setStack(parkedStack);
  }

  /**
   * A message arrives while the process waits in its receive, and is received. `usedAfter`: the
   * clause body uses the message (the router forwards it; the consumer drops it). Measured: the
   * vheap-triggered collection keeps the message either way (it runs before the clause is
   * selected), the fragment-triggered one (one stack word deeper) only when the body uses it.
   */
  receive<T extends Term>(msg: T, usedAfter: boolean): T {
    const h = this.heap;
    const m = copyTerm(msg) as T;
    h.setStack(this.parkedStack);
    h.deliverMessage(m);
    const st = h.state;
    const overflow = st.heapSz - h.stackSize - st.htop < st.mbufSz;
    h.setStack(overflow ? this.parkedStack + 1 : this.parkedStack);
    h.safePoint(overflow && !usedAfter ? [] : [m]);
    h.setStack(this.parkedStack);
    return m;
  }

  checkpoint(): RefcProcCheckpoint {
    const h = this.heap;
    const pi = h.processInfo();
    return {
      heap_size: pi.heap_size,
      total_heap_size: pi.total_heap_size,
      stack_size: pi.stack_size,
      minor_gcs: pi.garbage_collection.minor_gcs,
      binary: h
        .binaries()
        .map((b) => [b.size, b.refc] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      gc_info: { ...h.gcInfo() },
    };
  }
}

export interface TwinResult {
  readonly store: RefcStore;
  readonly procs: readonly Proc[];
  readonly run: RefcRun;
}

function finish(store: RefcStore, procs: readonly Proc[], checkpoints: RefcCheckpoint[]): TwinResult {
  const events: Record<string, RefcEvent[]> = {};
  for (const p of procs) events[p.role] = p.events;
  return { store, procs, run: { events, checkpoints } };
}

function snapshot(step: number, store: RefcStore, procs: readonly Proc[]): RefcCheckpoint {
  const processes: Record<string, RefcProcCheckpoint> = {};
  for (const p of procs) processes[p.role] = p.checkpoint();
  return { step, refc_bytes: store.bytes(), processes };
}

/** router_<Size>: producer → router → consumer, one binary per step. */
export function routerTwin(w: RefcWorkload, traced: boolean): TwinResult {
  const size = w.params.size ?? 0;
  const store = new RefcStore();
  const consumer = new Proc("consumer", store, [0], 2, traced);
  const router = new Proc("router", store, [0, 0], 3, traced);
  const producer = new Proc("producer", store, [0, 0, size], 4, traced);
  const procs = [producer, router, consumer];
  const cps: RefcCheckpoint[] = [snapshot(0, store, procs)];
  for (let i = 1; i <= w.params.steps; i++) {
    const b = makeBinary(producer.heap, size, { need: 6 });
    const atRouter = router.receive(b, true); // the producer's B is dead after the send
    consumer.receive(atRouter, false); // forwarded; dead in the router
    if (i % w.params.every === 0) cps.push(snapshot(i, store, procs));
  }
  return finish(store, procs, cps);
}

/** keeper_<Mode>_<K>: keeps a part of (or the whole) payload each step. */
export function keeperTwin(w: RefcWorkload, traced: boolean): TwinResult {
  const { psize = 0, k = 0, mode = "whole" } = w.params;
  const store = new RefcStore();
  const keeper = new Proc("keeper", store, [0, 0, psize, k], 7, traced);
  const h = keeper.heap;
  const cps: RefcCheckpoint[] = [snapshot(0, store, [keeper])];
  const f = h.pushFrame();
  let acc: Term = f.hold(nil);
  for (let i = 1; i <= w.params.steps; i++) {
    h.setStack(7);
    const p: Binary = f.hold(makeBinary(h, psize, { need: 6 }));
    h.setStack(8);
    let x: Term;
    switch (mode) {
      case "whole":
        x = p;
        break;
      case "part":
        x = binaryPart(h, p, 10, k);
        break;
      case "part_copy":
        x = binaryCopy(h, f.hold(binaryPart(h, p, 10, k)));
        break;
      case "match":
        x = matchBinary(h, p, 10, k);
        break;
      case "match_copy":
        x = binaryCopy(h, f.hold(matchBinary(h, p, 10, k)));
        break;
      default:
        throw new Error(`unknown mode ${mode}`);
    }
    f.hold(x);
    const next: Term = h.alloc(new Cons(x, acc), { need: 2 });
    f.clear();
    acc = f.hold(next);
    h.setStack(7);
    if (i % w.params.every === 0) cps.push(snapshot(i, store, [keeper]));
  }
  return finish(store, [keeper], cps);
}

export function twinOf(w: RefcWorkload): (w: RefcWorkload, traced: boolean) => TwinResult {
  return w.kind === "router" ? routerTwin : keeperTwin;
}
