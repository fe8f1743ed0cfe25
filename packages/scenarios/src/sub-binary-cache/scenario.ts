/**
 * sub-binary-cache (issue 11, story 3): a cache keeping 100-byte keys cut from 64 KB payloads.
 *
 * A client (role client, the driver) sends the cache (role cache) `payloads` messages
 * `{put, P}`, each P a fresh refc binary `binary:copy(<<(I rem 256)>>, payload_bytes)`, one after
 * another without waiting; the cache keeps `binary:part(P, 0, key_bytes)` of each in a list
 * (`leak`: a sub-binary, which keeps the whole payload alive) or `binary:copy` of that part
 * (`fix`: a key of its own — above 64 bytes still a refc binary, of key_bytes). The client then
 * syncs with the cache and runs `erlang:garbage_collect(Cache)`, as a user checking for the
 * leak would. Twin: tooling/beam-oracle/twins/sub_binary_cache.escript.
 *
 * As the twin compiles (erlc -S): cache/3 keeps Mode, KeyBytes and Keys across its receive
 * (`allocate 4`: Mode, KeyBytes, Keys and the part in y-registers, 5 stack words with the CP; the heap test of `allocate` before them), `binary:part/3` and
 * `binary:copy/1` are BIF calls (a reduction each, binary:copy also bytes/100), the new list cell
 * is `test_heap 2`, then `call_last` back into cache/3. The client's comprehension result is not
 * used, so no list is built; `<<(I rem 256)>>` is a 1-byte heap binary (3 words) on its heap.
 * FREE CHOICES: none beyond those (the payload bytes are size-only: nothing reads them), and
 * the sample grid: virtual time follows the reductions run (agent-vs-task's MS_PER_REDUCTION on the work clock, the
 * BEAM's pace on the recording machine), so the run is sampled as it unfolds, as the twin's
 * sampler does, instead of once at t = 0; no process runs differently (no timer in the workload).
 */
import { allocateTest } from "../kit/allocate.js";
import { atom, binary, binaryCopy, binaryPart, nil, Tuple, type BitString, type Pid, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { MS_PER_REDUCTION } from "../agent-vs-task/scenario.js";
import { defineScenario } from "../define-scenario.js";
import { newNode, setRole } from "../node.js";
import { intParam, ScenarioInputError, type ParamSpec, type ParamValues } from "../params.js";
import type { Mode, ParametricScenario, ScenarioRun, ScenarioRunOptions } from "../scenario.js";

export const SUB_BINARY_CACHE_PARAMS: readonly ParamSpec[] = [
  { name: "payloads", type: "integer", default: 5000, min: 1, max: 10_000_000, description: "payloads the client sends the cache" },
  { name: "payload_bytes", type: "bytes", default: 65536, min: 65, max: 1 << 30, description: "size of each payload (a refc binary: above 64 bytes)" },
  { name: "key_bytes", type: "bytes", default: 100, min: 1, max: 1 << 30, description: "the key the cache cuts from each payload (binary:part(P, 0, key_bytes))" },
];

const A = { put: atom("put"), sync: atom("sync"), synced: atom("synced") };
/** cache/3's frame across its receive (erlc -S: `allocate 4`): Mode, KeyBytes, Keys, the part, plus the CP. */
const CACHE_FRAME = 5;

/** The cache's loop: `receive {put, P} -> keep a key of P; {sync, From} -> From ! synced end`. */
function* cache(ctx: ProcessContext, mode: Mode, keyBytes: number): Generator<Op, void, unknown> {
  setRole(ctx, "cache");
  const heap = ctx.heap;
  let keys: Term = nil;
  for (;;) {
    allocateTest(heap, CACHE_FRAME);
    const f = heap.pushFrame(CACHE_FRAME);
    f.set(0, keys);
    const m = (yield* ctx.receive()) as Tuple;
    const [tag, arg] = m.elements as [Term, Term];
    if (tag === A.put) {
      yield* ctx.call();
      ctx.bif();
      const part = f.hold(binaryPart(heap, arg as BitString, 0, keyBytes));
      let key: Term = part;
      if (mode === "fix") {
        ctx.bif(Math.floor(keyBytes / 100));
        key = f.hold(binaryCopy(heap, part));
        f.release(part);
      }
      keys = heap.allocCons(key, keys);
    } else if (tag === A.sync) {
      ctx.send(arg as Pid, A.synced);
    }
    heap.popFrame(f);
    yield* ctx.call();
  }
}

/** Starts a cache on the calling process's node (the demo server reuses it). */
export function startCache(ctx: ProcessContext, mode: Mode, keyBytes: number): Pid {
  return ctx.spawn((c: ProcessContext) => cache(c, mode, keyBytes), [], { initialCall: "beamlab_twin_sub_binary_cache:'-main/1-fun-0-'/0" });
}

/** The client's `Cache ! {put, binary:copy(<<(I rem 256)>>, PayloadBytes)}`. */
export function sendPayload(ctx: ProcessContext, cachePid: Pid, i: number, payloadBytes: number): void {
  const one = ctx.alloc(binary(Uint8Array.of(i % 256)));
  const payload = ctx.binaryCopy(one, payloadBytes);
  ctx.send(cachePid, ctx.alloc(new Tuple([A.put, payload])));
}

function build(mode: Mode, params: ParamValues | undefined, opts: ScenarioRunOptions): ScenarioRun {
  const p = (name: string) => intParam(params, SUB_BINARY_CACHE_PARAMS, name);
  const payloads = p("payloads");
  const payloadBytes = p("payload_bytes");
  const keyBytes = p("key_bytes");
  // binary:part(P, 0, key_bytes) of a shorter P is badarg: the cache would crash and the client
  // wait for its sync forever (on the BEAM as here), so this is bad input, said before running
  if (keyBytes > payloadBytes) throw new ScenarioInputError(`parameter key_bytes: ${keyBytes} is more than payload_bytes (${payloadBytes}); the key is cut from the payload, so key_bytes must be 1..payload_bytes`);
  let done = false;
  let sent = 0;
  const run = newNode(opts, { duration: 3_600_000, interval: 1, workClock: { msPerReduction: MS_PER_REDUCTION } });
  run.scheduler.spawn(
    function* client(ctx: ProcessContext) {
      setRole(ctx, "client");
      const c = startCache(ctx, mode, keyBytes);
      for (let i = 1; i <= payloads; i++) {
        yield* ctx.call();
        // back to back, as the twin sends them: the cache runs when the client is preempted
        // (binary:copy charges bytes/100 reductions), as on the single scheduler
        sendPayload(ctx, c, i, payloadBytes);
        sent = i;
      }
      ctx.send(c, ctx.alloc(new Tuple([A.sync, ctx.self])));
      yield* ctx.receive((t) => t === A.synced);
      ctx.garbageCollect("major", c);
      done = true;
      yield* ctx.receive();
    },
    [],
    { initialCall: "escript:run/2" },
  );
  return { ...run, finished: () => done, progress: () => sent / payloads };
}

export const subBinaryCache: ParametricScenario = defineScenario({
  id: "sub-binary-cache",
  title: "sub-binary-cache: a cache keeping 100-byte keys cut from 64 KB payloads",
  description:
    "A client sends payloads; the cache keeps binary:part(P, 0, key_bytes) of each (leak: a sub-binary that keeps the whole payload alive) " +
    "or binary:copy of it (fix). Ends with erlang:garbage_collect(Cache), as a user checking for the leak would.",
  params: SUB_BINARY_CACHE_PARAMS,
  roles: ["client", "cache"],
  expects: (mode) => (mode === "leak" ? "sub_binary_pinning" : undefined),
  culpritRole: "cache",
  twin: { runtime: "erl", script: "twins/sub_binary_cache.escript" },
  small: { payloads: 300 },
  run: (opts = {}) => build(opts.mode ?? "leak", opts.params, opts),
});
