/**
 * TypeScript twins of tooling/beam-oracle/recorders/otp_memory.escript: the same OTP designs
 * built with @beamlab/otp on the model heap, measured the way the recorder measures (from
 * outside, while the measured processes wait in their receive).
 *
 * Stack words and per-message allocations of OTP's own code are model inputs, stated here:
 *  - LOOP_STACK: gen_server:loop waiting in its receive (the recorded stack_size: 11);
 *  - BUILD_STACK: stack while handle_call runs build/2 (gen_server:handle_msg → try_handle_call →
 *    handle_call → build) [emp: the heap sizes after the first call];
 *  - INIT_STACK: stack while init/1 runs build/2 in an Agent (measured on a GC-traced run: 20);
 *  - the state tuple `{Mode, N}` (3 words) each call, the list cells (need 2 each); in
 *    spawn_per_call the fun (6 words) and erlang:spawn/1's argument list [F, []] (4 words).
 */
import { atom, Cons, nil, Tuple, type GcTraceEntry, type Pid, type Term } from "@beamlab/heap";
import { Scheduler, type ProcessContext } from "@beamlab/scheduler";
import { loadFixture } from "@beamlab/beam-oracle";
import { A, fun, GenServer, spawnProcLibCompiled, Supervisor, type Gen } from "../src/index.js";
import { tuple } from "../src/common.js";

function listToArray(l: Term): Term[] {
  const out: Term[] = [];
  for (let x = l; x instanceof Cons; x = x.tail) out.push(x.head);
  return out;
}

export interface Measured {
  memory: number;
  heap_size: number;
  total_heap_size: number;
  stack_size: number;
  message_queue_len: number;
  minor_gcs: number;
  heap_block_size: number;
  old_heap_block_size: number;
  old_heap_size: number;
  mbuf_size: number;
  /** garbage_collection_info heap_size: the words in use on the young heap. */
  heap_used: number;
}
export interface ServerCheckpoint extends Measured {
  calls: number;
  process_count: number;
}
export interface OtpMemoryFixture {
  list_length: number;
  servers: { id: string; checkpoints: ServerCheckpoint[] }[];
  supervised: { id: string; started: number; sup_pid: number; child_pids: number[]; active: number; live_children: number; children_memory: number; supervisor_memory_curve: number[]; child: Measured | null; supervisor: Measured }[];
}
export function otpFixture(): OtpMemoryFixture {
  return loadFixture("otp_memory") as OtpMemoryFixture;
}

export const P = { LOOP_STACK: 11, BUILD_STACK: 23, STATE_STACK: 12, INIT_STACK: 20, CALL_STACK: 21 };

/** build(K, []) on the running process's heap: one cons per step (need 2), stack S. */
export function build(ctx: ProcessContext, k: number, S: number): Term {
  const h = ctx.heap;
  const f = h.pushFrame();
  const save = h.state.baseStack;
  h.setStack(S);
  let l: Term = nil;
  f.set(0, l);
  for (let i = k; i >= 1; i--) {
    l = h.allocCons(i, l, 2);
    f.set(0, l);
  }
  h.popFrame(f);
  h.setStack(save);
  return l;
}

function measure(ctx: ProcessContext, pid: Pid): Measured {
  const i = ctx.processInfo(pid);
  if (i === undefined) throw new Error("measured process is gone");
  const g = i.garbage_collection_info;
  return {
    memory: i.memory,
    heap_size: i.heap_size,
    total_heap_size: i.total_heap_size,
    stack_size: i.stack_size,
    message_queue_len: i.message_queue_len,
    minor_gcs: i.garbage_collection.minor_gcs,
    heap_block_size: g.heap_block_size,
    old_heap_block_size: g.old_heap_block_size,
    old_heap_size: g.old_heap_size,
    mbuf_size: g.mbuf_size,
    heap_used: g.heap_size,
  };
}

function serverModule(n: number): GenServer.GenServerModule {
  return {
    name: "beamlab_otp_memory_recorder",
    init: (ctx, mode) => GenServer.ok(ctx.alloc(new Tuple([mode, 0]))),
    handleCall(ctx, _req, from, state) {
      const [mode, count] = (state as Tuple).elements as [Term, number];
      const setState = (): Term => {
        ctx.setStack(P.STATE_STACK);
        return ctx.alloc(new Tuple([mode, count + 1]));
      };
      if (mode === atom("spawn_per_call")) {
        ctx.setStack(P.CALL_STACK);
        const f = ctx.alloc(fun(() => nil, [from]));
        ctx.heap.allocGarbage(2); // erlang:spawn/1 leaves 2 words on the caller's heap (measured: spawn of a 0-free-variable fun costs 7 = the fun's 5 + 2)
        // eslint-disable-next-line require-yield -- the worker never blocks: it builds, replies and returns
        ctx.spawn(function* worker(c: ProcessContext, fn: Term) {
          build(c, n, 4);
          GenServer.replyTo(c, (fn as unknown as { free: Term[] }).free[0] as Term, n);
        }, [f, nil]);
        return GenServer.noreply(setState());
      }
      build(ctx, n, P.BUILD_STACK);
      const s = setState();
      return mode === atom("temps_hibernate") ? GenServer.reply(n, s, A.hibernate) : GenServer.reply(n, s);
    },
  };
}

/** The twin of one "servers" case: measurements at the fixture's checkpoints. */
export function runServerTwin(id: string, checkpoints: readonly number[], n: number): ServerCheckpoint[] {
  const s = new Scheduler();
  const out: ServerCheckpoint[] = [];
  s.spawn(function* recorder(ctx: ProcessContext) {
    ctx.trapExit(true);
    const before = s.processCount;
    const r = (yield* GenServer.startLink(ctx, serverModule(n), atom(id), { loopStack: P.LOOP_STACK })) as Tuple;
    const pid = r.elements[1] as Pid;
    let calls = 0;
    for (const cp of checkpoints) {
      while (calls < cp) {
        yield* GenServer.call(ctx, pid, atom("work"));
        calls++;
      }
      yield* ctx.sleep(1); // the workers exit (the recorder's settle/1)
      out.push({ calls, process_count: s.processCount - before, ...measure(ctx, pid) });
    }
    ctx.exitSignal(pid, A.kill);
  });
  s.run();
  return out;
}

export interface SupervisedResult {
  /** The children's pid numbers (<0.N.0>), in start order. */
  childPids: number[];
  /** The supervisor's memory after each child was used. */
  memoryCurve: number[];
  active: number;
  live_children: number;
  children_memory: number;
  child: Measured | null;
  supervisor: Measured;
}

/** The twin of one "supervised" case: Agents (gen_servers) or Tasks under a simple_one_for_one
 * supervisor with temporary children (the recorder's design; Elixir's DynamicSupervisor is its
 * Elixir counterpart). */
export function runSupervisedTwin(kind: "agents" | "tasks", m: number, onChild?: (i: number, sup: Measured) => void, supMinHeap?: number, supPid?: number, onGc?: (e: GcTraceEntry | number) => void): SupervisedResult {
  // with `supPid` (the recording node's <0.N.0>) the recorder process is N − 1, the supervisor N
  // and its children follow, as there: a map keyed by pids is laid out by their hashes
  // `onGc`: the supervisor's gc trace entries from after its start, and each child's number
  // once its checkpoint is read (a trace twin of the recorder's run)
  const onGcTrace = (_p: Pid, e: GcTraceEntry): void => {
    onGc?.(e);
  };
  const s = new Scheduler({ ...(supPid !== undefined ? { firstPid: supPid - 1 } : {}), ...(onGc !== undefined ? { onGcTrace } : {}) });
  let res: SupervisedResult | undefined;
  const agent: GenServer.GenServerModule = {
    name: "beamlab_otp_memory_recorder",
    init: (ctx) => GenServer.ok(build(ctx, 100, P.INIT_STACK)),
    handleCall: (_c, _r, _f, st) => GenServer.reply(100, st),
  };
  const agentStart = (c: ProcessContext): Gen<Term> => GenServer.startLink(c, agent, atom("agent"), { loopStack: P.LOOP_STACK });
  // task_start/2 (erlc -S): `allocate_heap 0` with the fun's 6 words (make_fun3, one free
  // variable), `call_ext` proc_lib:spawn_link/1 (proc-lib.ts spawnProcLibCompiled), then
  // `test_heap 3` for `{ok, Pid}`; its frame is the return address apply pushed
  const taskStart = (c: ProcessContext, rec: Term): Term => {
    const frame = c.heap.pushFrame(1);
    const f = frame.hold(c.alloc(fun(() => nil, [rec]))); // fun() -> Rec ! … end
    const pid = spawnProcLibCompiled(
      c,
      function* taskFun(t: ProcessContext) {
        t.send(rec as Pid, new Tuple([atom("done"), (build(t, 100, 4), 100)]));
        yield* t.call();
      },
      [f],
      { initialCall: ["erlang", "apply", 2], link: true, shape: "fun" },
    );
    frame.release(f);
    const r = c.alloc(new Tuple([A.ok, pid]));
    c.heap.popFrame(frame);
    return r;
  };
  s.spawn(function* recorder(ctx: ProcessContext) {
    const rec = ctx.self;
    const supMod: Supervisor.SupervisorModule = {
      name: "beamlab_otp_memory_recorder",
      init: () => ({
        flags: { strategy: "simple_one_for_one", intensity: 3, period: 5 },
        children: [{ id: atom("child"), start: kind === "agents" ? { fn: agentStart, args: [], module: "beamlab_otp_memory_recorder" } : { fn: taskStart, args: [rec], module: "beamlab_otp_memory_recorder" }, restart: "temporary", shutdown: 5000 }],
        // the recorder's init/1 (erlc -S): the spec map is put_map_assoc of 3 keys on the
        // literal #{id => child} (a 4-key flatmap, 12 words), then test_heap 8 for [Spec] and the
        // two tuples (the flags map is a literal; tasks' {M, task_start, [Rec]} is the
        // supervisor's startMfa)
        returnWords: 12 + 8,
      }),
    };
    const sup = ((yield* Supervisor.startLink(ctx, supMod, tuple(atom("sup"), atom(kind), rec), supMinHeap !== undefined ? { spawnOpt: { minHeapSize: supMinHeap } } : {})) as Tuple).elements[1] as Pid;
    const kids: Pid[] = [];
    const memoryCurve: number[] = [];
    if (onGc !== undefined) {
      yield* ctx.sleep(1);
      s.traceGc(sup);
    }
    if (onChild !== undefined) {
      yield* ctx.sleep(1);
      onChild(0, measure(ctx, sup));
    }
    for (let i = 1; i <= m; i++) {
      const r = (yield* Supervisor.startChild(ctx, sup, [i])) as Tuple;
      const c = r.elements[1] as Pid;
      if (kind === "agents") yield* GenServer.call(ctx, c, atom("get"));
      else yield* ctx.receive((x) => x instanceof Tuple && x.elements[0] === atom("done"));
      kids.push(c);
      yield* ctx.sleep(1); // the recorder waits until the supervisor is idle (wait_idle) and reads its memory
      memoryCurve.push(ctx.processInfo(sup, ["memory"])?.memory ?? 0);
      onGc?.(i);
      if (onChild !== undefined) onChild(i, measure(ctx, sup));
    }
    yield* ctx.sleep(1);
    const live = kids.filter((k) => ctx.isAlive(k));
    const counts = listToArray((yield* Supervisor.countChildren(ctx, sup))) as Tuple[];
    const active = counts.find((x) => x.elements[0] === atom("active"))?.elements[1] as number;
    res = {
      childPids: kids.map((k) => k.id),
      memoryCurve,
      active,
      live_children: live.length,
      children_memory: live.reduce((a, k) => a + (ctx.processInfo(k, ["memory"])?.memory ?? 0), 0),
      child: live.length > 0 ? measure(ctx, live[0] as Pid) : null,
      supervisor: measure(ctx, sup),
    };
    ctx.exitSignal(sup, A.kill);
  });
  s.run();
  if (res === undefined) throw new Error("twin did not finish");
  return res;
}
