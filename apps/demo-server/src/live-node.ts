/**
 * The live simulated node behind the demo server: a scheduler in real time (virtual time follows
 * the wall clock, advanced by a tick), the three workloads of the scenarios, and the bridge that
 * lets an HTTP request run a piece of work as a simulated process and wait for its result.
 *
 * Owns: the node (scheduler, refc store, telemetry source), the per-route mode (`leak`/`fix`,
 * switchable at run time), the workloads' long-lived processes (a pool of gen-server-work
 * servers per mode, the agent-vs-task supervisor, a sub-binary cache per mode), the samples
 * ring (erlang:memory every `sampleMs`), the recent GC events, and the memory limit.
 * Invariants: only `tick` advances the node; a request's process either resolves its promise
 * with its result or rejects it with the exit reason (a crash inside the node is a rejected
 * request, never an exception out of the tick); in-flight requests are bounded (`maxInFlight`).
 */
/* eslint-disable @typescript-eslint/no-this-alias -- the generator bodies run as simulated processes and reach the node through `self` */
import { atom, printTerm, Tuple, type Pid } from "@beamlab/heap";
import { GenServer } from "@beamlab/otp";
import { RefcStore } from "@beamlab/refc";
import { sendPayload, startEventChild, startEventSupervisor, startSubBinaryCache, startWorkServer, type Mode } from "@beamlab/scenarios";
import { memory, nodeSource, Scheduler, type Op, type ProcessContext } from "@beamlab/scheduler";
import { detectAtMoment, detectLeaks, writeCrashDump, type Finding, type NodeSnapshot, type TelemetryBus } from "@beamlab/telemetry";
import { createBus, type GcStop } from "./bus.js";

export type Route = "work" | "events" | "cache";
export const ROUTES: readonly Route[] = ["work", "events", "cache"];

export interface LiveNodeOptions {
  /** Real ms between ticks (default 20). */
  readonly tickMs?: number;
  /** Real ms between erlang:memory samples (default 250). */
  readonly sampleMs?: number;
  /** Samples kept (default 1200: 5 minutes at 250 ms). */
  readonly keepSamples?: number;
  /** gen_servers in each mode's pool (default 8). */
  readonly poolSize?: number;
  /** Bytes: when erlang:memory(total) exceeds it the node dies as the BEAM does. */
  readonly memoryLimit?: number;
  /** Where the crash dump goes when the node dies (default ./erl_crash.dump). */
  readonly crashDumpPath?: string;
  /** Requests waiting in the node at most (default 2000); more get `busy`. */
  readonly maxInFlight?: number;
  /** Called once when the node dies (the server stops and exits). */
  readonly onDeath?: (slogan: string, dumpPath: string) => void;
}

export interface Sample {
  readonly t_ms: number;
  readonly memory: Readonly<Record<string, number>>;
}

export interface GcEventRow {
  readonly t_ms: number;
  readonly pid: string;
  readonly kind: string;
  readonly heap_before: number;
  readonly heap_after: number;
  readonly old_heap: number;
  readonly reclaimed: number;
}

export class NodeBusy extends Error {}
export class NodeDead extends Error {}

const KB = 48;

export class LiveNode {
  readonly scheduler: Scheduler;
  readonly refc: RefcStore;
  readonly source: ReturnType<typeof nodeSource>;
  readonly bus: TelemetryBus;
  readonly modes: Record<Route, Mode> = { work: "leak", events: "leak", cache: "leak" };
  readonly samples: Sample[] = [];
  readonly gcEvents: GcEventRow[] = [];
  private readonly opts: Required<Omit<LiveNodeOptions, "memoryLimit" | "onDeath">> & Pick<LiveNodeOptions, "memoryLimit" | "onDeath">;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lastSample = -Infinity;
  private inFlight = 0;
  private pools: Partial<Record<Mode, Pid[]>> = {};
  private nextServer = 0;
  private caches: Partial<Record<Mode, Pid>> = {};
  private supervisor: Pid | undefined;
  private events = 0;
  private payloads = 0;
  private history: NodeSnapshot[] = [];
  dead: { slogan: string; dumpPath: string } | undefined;

  constructor(opts: LiveNodeOptions = {}) {
    this.opts = {
      tickMs: opts.tickMs ?? 20,
      sampleMs: opts.sampleMs ?? 250,
      keepSamples: opts.keepSamples ?? 1200,
      poolSize: opts.poolSize ?? 8,
      crashDumpPath: opts.crashDumpPath ?? "erl_crash.dump",
      maxInFlight: opts.maxInFlight ?? 2000,
      ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit } : {}),
      ...(opts.onDeath !== undefined ? { onDeath: opts.onDeath } : {}),
    };
    this.bus = createBus((e) => { this.onGc(e); });
    this.refc = new RefcStore();
    this.scheduler = new Scheduler({ refc: this.refc, telemetry: this.bus });
    this.source = nodeSource(this.scheduler);
    // the supervisor of /events lives from the start (observer shows it with its children),
    // linked to a keeper process that never exits (a supervisor dies with its parent)
    const self = this;
    this.scheduler.spawn(
      function* keeper(ctx: ProcessContext) {
        self.supervisor = yield* startEventSupervisor(ctx);
        for (;;) yield* ctx.receive();
      },
      [],
      { initialCall: "demo_app:start/2" },
    );
  }

  /** Starts the real-time clock. */
  start(): void {
    this.timer ??= setInterval(() => { this.tick(); }, this.opts.tickMs);
    this.tick();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Virtual ms now (= real ms since start). */
  get now(): number {
    return Date.now() - this.started;
  }

  /** Runs the node up to the wall clock; samples memory; kills the node over its limit. */
  tick(): void {
    if (this.dead !== undefined) return;
    const until = this.now;
    // a bounded amount of work per tick keeps the HTTP server responsive under load
    const deadline = performance.now() + this.opts.tickMs * 0.8;
    for (;;) {
      const r = this.scheduler.run({ until, maxSlices: 200 });
      if (r.slices < 200 || performance.now() > deadline) break;
    }
    if (until - this.lastSample >= this.opts.sampleMs) {
      this.lastSample = until;
      const m = memory(this.scheduler);
      this.samples.push({ t_ms: until, memory: { ...m } });
      if (this.samples.length > this.opts.keepSamples) this.samples.shift();
      const snap = this.snapshot();
      this.history.push(snap);
      if (this.history.length > 40) this.history.shift();
      if (this.opts.memoryLimit !== undefined && m.total > this.opts.memoryLimit) this.die(snap);
    }
  }

  private die(snap: NodeSnapshot): void {
    const biggest = [...snap.processes].sort((a, b) => b.memory - a.memory)[0];
    const bytes = biggest === undefined ? 0 : Math.max(8, biggest.total_heap_size * 8);
    const slogan = `eheap_alloc: Cannot allocate ${bytes} bytes of memory (of type "heap").`;
    writeCrashDump(this.opts.crashDumpPath, snap, { slogan });
    this.dead = { slogan, dumpPath: this.opts.crashDumpPath };
    this.stop();
    this.opts.onDeath?.(slogan, this.opts.crashDumpPath);
  }

  snapshot(): NodeSnapshot {
    return this.source.snapshot();
  }

  /** Findings: the series detectors over the recent snapshots, then the moment detectors on the last. */
  findings(): Finding[] {
    const last = this.history[this.history.length - 1] ?? this.snapshot();
    const found = this.history.length >= 2 ? detectLeaks(this.history) : [];
    const named = new Set(found.flatMap((f) => f.culprits.map((c) => c.pid)));
    for (const f of detectAtMoment(last)) if (f.culprits.length === 0 || !f.culprits.every((c) => named.has(c.pid))) found.push(f);
    return found;
  }

  /**
   * Runs `body` as a new simulated process and resolves with what it returns (printed), or
   * rejects with its exit reason. Bounded: more than `maxInFlight` waiting requests → NodeBusy.
   */
  spawnTask<T>(body: (ctx: ProcessContext) => Generator<Op, T, unknown>): Promise<T> {
    if (this.dead !== undefined) return Promise.reject(new NodeDead(this.dead.slogan));
    if (this.inFlight >= this.opts.maxInFlight) return Promise.reject(new NodeBusy(`${this.inFlight} requests are already waiting in the node`));
    this.inFlight++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (!settled) {
          settled = true;
          this.inFlight--;
          f();
        }
      };
      this.scheduler.spawn(
        function* request(ctx: ProcessContext) {
          try {
            const r = yield* body(ctx);
            settle(() => { resolve(r); });
          } catch (e) {
            settle(() => { reject(e instanceof Error ? e : new Error(String(e))); });
            throw e;
          }
        },
        [],
        { initialCall: "demo_http:handle/2" },
      );
    });
  }

  /** POST /work?n=: a gen_server of the current mode's pool does work(n). */
  work(n: number): Promise<string> {
    return this.callWork(this.modes.work, n);
  }

  private callWork(mode: Mode, n: number): Promise<string> {
    const self = this;
    return this.spawnTask(function* (ctx: ProcessContext) {
      let pool = self.pools[mode];
      if (pool === undefined) {
        pool = [];
        self.pools[mode] = pool;
        for (let i = 0; i < self.opts.poolSize; i++) pool.push(yield* startWorkServer(ctx, mode, {}));
      }
      // requests that arrive while the pool is starting wait for it
      while (pool.length < self.opts.poolSize) yield* ctx.sleep(1);
      const server = pool[self.nextServer++ % pool.length] as Pid;
      const r = yield* GenServer.call(ctx, server, ctx.alloc(new Tuple([atomWork, n])), "infinity");
      return printTerm(r);
    });
  }

  /** POST /events: one child under the supervisor, an Agent (leak) or a Task (fix). */
  event(): Promise<string> {
    const mode = this.modes.events;
    const i = ++this.events;
    const sup = this.supervisor;
    if (sup === undefined) return Promise.reject(new NodeBusy("the supervisor is starting"));
    return this.spawnTask(function* (ctx: ProcessContext) {
      const r = yield* startEventChild(ctx, sup, mode, i, KB);
      return printTerm(r);
    });
  }

  /** POST /cache: one payload of `bytes` to the current mode's cache. */
  cache(bytes: number): Promise<string> {
    const mode = this.modes.cache;
    const i = ++this.payloads;
    const self = this;
    return this.spawnTask(function* (ctx: ProcessContext) {
      let c = self.caches[mode];
      if (c === undefined) {
        c = startSubBinaryCache(ctx, mode, 100);
        self.caches[mode] = c;
      }
      sendPayload(ctx, c, i, bytes);
      yield* ctx.call();
      return "ok";
    });
  }

  private onGc(e: GcStop): void {
    this.gcEvents.push({ t_ms: this.now, pid: e.owner, kind: e.kind, heap_before: e.before, heap_after: e.after, old_heap: e.old, reclaimed: e.reclaimed });
    if (this.gcEvents.length > 5000) this.gcEvents.splice(0, this.gcEvents.length - 5000);
  }
}

const atomWork = atom("work");
