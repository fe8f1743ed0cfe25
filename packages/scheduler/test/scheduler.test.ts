import { createHash } from "node:crypto";
import { atom, Binary, Cons, nil, printTerm, Tuple, type Pid, type Term } from "@beamlab/heap";
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { CONTEXT_REDS, eq, memory, Scheduler, tagged, type Body, type ProcessContext } from "../src/index.js";

/** Per-process comparisons: the simulated processes alone, without the booted node. */
const NO_BOOT = { bootedNode: false } as const;

interface PcbRow { label: string; memory: number; heap_size: number; links: number; monitored_by: number }
const schedFixture = loadFixture("sched_traces") as { pcb_memory: PcbRow[] };
const gcFixture = loadFixture("gc_traces") as { workloads: { id: string; checkpoints: { process_info: { heap_size: number } }[] }[] };

const a = atom;

function* idle(ctx: ProcessContext) {
  yield* ctx.receive(() => false);
}

function listOf(n: number): Term {
  let l: Term = nil;
  for (let i = n; i >= 1; i--) l = new Cons(i, l);
  return l;
}

describe("selective receive", () => {
  it("takes the first matching message and leaves the others queued in order", () => {
    const s = new Scheduler();
    const got: string[] = [];
    const pid = s.spawn(function* (ctx) {
      const m = yield* ctx.receive(eq(a("c")));
      got.push(printTerm(m));
      got.push(`len ${ctx.processInfo()?.message_queue_len}`);
      for (;;) {
        const x = yield* ctx.receive(undefined, { after: 0 });
        if (x === undefined) break;
        got.push(printTerm(x));
      }
    });
    s.send(pid, a("a"));
    s.send(pid, a("b"));
    s.send(pid, a("c"));
    s.send(pid, a("d"));
    s.run();
    expect(got).toEqual(["c", "len 3", "a", "b", "d"]);
  });

  it("message_queue_len counts unmatched messages; a waiting receive does not rescan them (save pointer)", () => {
    const s = new Scheduler();
    let scans = 0;
    const pid = s.spawn(function* (ctx) {
      yield* ctx.receive((m) => {
        scans++;
        return m === a("stop");
      });
    });
    s.run();
    for (let i = 0; i < 1000; i++) s.send(pid, i);
    s.run();
    const p = s.lookup(pid);
    expect(p && s.contextOf(p).processInfo(pid)?.message_queue_len).toBe(1000);
    s.send(pid, a("stop"));
    s.run();
    // each message was looked at once when it arrived (wake-up test) and once by the scan: never rescanned
    expect(scans).toBeLessThanOrEqual(2 * 1001);
    expect(s.isAlive(pid)).toBe(false);
  });

  // How fast is bench/selective-receive.ts's business (next to the BEAM), not a test's.
  it("a selective receive skipping 10,000 queued messages keeps them all queued, in order", () => {
    const s = new Scheduler();
    let left = -1;
    const pid = s.spawn(function* (ctx) {
      yield* ctx.receive(eq(a("go")));
      yield* ctx.receive(eq(a("needle")));
      left = ctx.processInfo()?.message_queue_len ?? -1;
    });
    s.run();
    for (let i = 0; i < 10_000; i++) s.send(pid, i);
    s.send(pid, a("needle"));
    s.send(pid, a("go"));
    s.run();
    expect(left).toBe(10_000);
  });

  it("after: times out on the virtual clock; a message before the timeout cancels it", () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.spawn(function* (ctx) {
      const m1 = yield* ctx.receive(undefined, { after: 100 });
      log.push(`${ctx.now()} ${m1 === undefined ? "timeout" : printTerm(m1)}`);
      const m2 = yield* ctx.receive(undefined, { after: 100 });
      log.push(`${ctx.now()} ${m2 === undefined ? "timeout" : printTerm(m2)}`);
    });
    s.run();
    expect(log).toEqual(["100 timeout", "200 timeout"]);
    const s2 = new Scheduler();
    s2.spawn(function* (ctx) {
      ctx.sendAfter(50, ctx.self, a("hello"));
      const m = yield* ctx.receive(undefined, { after: 100 });
      log.push(`${ctx.now()} ${m === undefined ? "timeout" : printTerm(m)}`);
      yield* ctx.sleep(10);
      log.push(`${ctx.now()} slept`);
    });
    s2.run();
    expect(log.slice(2)).toEqual(["50 hello", "60 slept"]);
  });
});

describe("reductions and priorities", () => {
  function spinner(tag: string, log: string[], calls: number): Body {
    return function* (ctx: ProcessContext) {
      for (let i = 0; i < calls; i++) {
        if (i % CONTEXT_REDS === 0) log.push(tag);
        yield* ctx.call();
      }
    };
  }

  it("a busy process is preempted after CONTEXT_REDS calls and processes take turns", () => {
    const s = new Scheduler();
    const log: string[] = [];
    const p1 = s.spawn(spinner("a", log, 3 * CONTEXT_REDS));
    s.spawn(spinner("b", log, 3 * CONTEXT_REDS));
    s.run({ maxSlices: 1 });
    expect(s.lookup(p1)?.reductions).toBe(CONTEXT_REDS);
    s.run();
    expect(log.join("")).toBe("ababab");
  });

  it("max before high before normal; low runs once per 8 turns of the shared normal/low queue", () => {
    const s = new Scheduler();
    const order: string[] = [];
    const mk = (tag: string): Body =>
      function* (ctx: ProcessContext) {
        for (let i = 0; i < 40; i++) {
          order.push(tag);
          yield* ctx.call(CONTEXT_REDS);
        }
      };
    s.spawn(mk("L"), [], { priority: "low" });
    s.spawn(mk("N"), [], { priority: "normal" });
    s.spawn(mk("H"), [], { priority: "high" });
    s.spawn(mk("M"), [], { priority: "max" });
    s.run();
    const seq = order.join("");
    expect(seq.startsWith("M".repeat(40) + "H".repeat(40))).toBe(true);
    const rest = seq.slice(80, 80 + 36);
    // while N is runnable, L gets one turn in every 8 it is due
    expect(rest.split("").filter((c) => c === "L").length).toBe(4);
  });
});

describe("exits, links, monitors", () => {
  it("a JS exception becomes the exit reason with its stack and reaches monitors and links", () => {
    const s = new Scheduler();
    const seen: Term[] = [];
    let bystanderAlive = true;
    s.spawn(function* (ctx) {
      ctx.trapExit(true);
      const [pid] = ctx.spawnMonitor(function* crash(c: ProcessContext) {
        yield* c.call();
        throw new TypeError("oops");
      });
      ctx.link(pid);
      seen.push(yield* ctx.receive());
      seen.push(yield* ctx.receive());
    });
    const bystander = s.spawn(function* (ctx) {
      ctx.spawnLink(function* (c: ProcessContext) {
        yield* c.call();
        throw new Error("linked crash");
      });
      yield* idle(ctx);
    });
    expect(() => s.run()).not.toThrow();
    bystanderAlive = s.isAlive(bystander);
    expect(bystanderAlive).toBe(false);
    const exit = seen[0] as Tuple;
    expect(printTerm(exit.elements[0] as Term)).toBe("'EXIT'");
    const reason = exit.elements[2] as Tuple;
    const [tag, name, message] = (reason.elements[0] as Tuple).elements as [Term, Binary, Binary];
    const text = (b: Binary) => new TextDecoder().decode(b.bytes);
    expect([printTerm(tag), text(name), text(message)]).toEqual(["js_exception", "TypeError", "oops"]);
    expect(new TextDecoder().decode((reason.elements[1] as Binary).bytes)).toContain("crash");
    expect(printTerm((seen[1] as Tuple).elements[0] as Term)).toBe("'DOWN'");
  });

  it("kill is untrappable (killed), normal is ignored by non-trapping processes", () => {
    const s = new Scheduler();
    const t = s.spawn(function* (ctx) {
      ctx.trapExit(true);
      yield* idle(ctx);
    });
    const n = s.spawn(idle);
    s.run();
    s.exit(n, a("normal"));
    s.exit(t, a("kill"));
    s.run();
    expect(s.isAlive(n)).toBe(true);
    expect(s.isAlive(t)).toBe(false);
  });

  it("a long chain of links dies without recursion", () => {
    const s = new Scheduler();
    const first = s.spawn(function* chain(ctx: ProcessContext, n: Term): Generator<never, void, unknown> {
      if ((n as number) > 0) ctx.spawnLink(chain, [(n as number) - 1]);
      yield* idle(ctx) as Generator<never, void, unknown>;
    }, [20_000], {});
    s.run();
    expect(s.processCount).toBe(20_001);
    s.exit(first, a("boom"));
    expect(s.processCount).toBe(0);
  });

  it("registered names: send by name, whereis, badarg for an unknown name", () => {
    const s = new Scheduler();
    const got: string[] = [];
    const srv = s.spawn(function* (ctx) {
      ctx.register("srv");
      got.push(printTerm(yield* ctx.receive()));
    });
    s.run();
    expect(s.whereis("srv")).toBe(srv);
    s.spawn(function* (ctx) {
      ctx.spawnMonitor(function* (c: ProcessContext) {
        c.send("srv", a("hi"));
        yield* c.call();
        c.send("nobody", a("hi"));
      });
      const d = (yield* ctx.receive(tagged("DOWN", 5))) as Tuple;
      got.push(printTerm(d.elements[4] as Term));
    });
    s.run();
    expect(got).toEqual(["hi", "badarg"]);
    expect(s.whereis("srv")).toBeUndefined();
  });

  it("system_limit when the process table is full", () => {
    const s = new Scheduler({ processLimit: 3 });
    s.spawn(idle);
    s.spawn(idle);
    s.spawn(idle);
    expect(() => s.spawn(idle)).toThrow();
  });

  it("max_heap_size kills the process with reason killed, seen by its monitor", () => {
    const s = new Scheduler();
    let reason = "";
    s.spawn(function* (ctx) {
      ctx.spawnMonitor(
        function* big(c: ProcessContext) {
          const f = c.heap.pushFrame();
          let l: Term = nil;
          for (let i = 0; i < 5000; i++) l = f.hold(c.alloc(new Cons(i, l)));
          yield* c.call();
        },
        [],
        { maxHeapSize: 3000 },
      );
      const d = (yield* ctx.receive(tagged("DOWN", 5))) as Tuple;
      reason = printTerm(d.elements[4] as Term);
    });
    s.run();
    expect(reason).toBe("killed");
  });
});

describe("process_info and memory", () => {
  it("a fresh process, a link, a monitor (both sides) and a queued message cost what the BEAM's do (sched_traces.json pcb_memory)", () => {
    const pcb = new Map(schedFixture.pcb_memory.map((r) => [r.label, r]));
    const want = (label: string) => {
      const r = pcb.get(label);
      if (r === undefined) throw new Error(`pcb_memory has no ${label}`);
      return r;
    };
    const s = new Scheduler();
    const p = s.spawn(idle);
    s.run();
    const info = (pid: Pid) => {
      const c = s.lookup(pid);
      if (c === undefined) throw new Error("dead");
      return s.contextOf(c).processInfo(pid);
    };
    expect(info(p)?.heap_size).toBe(want("fresh").heap_size);
    expect(info(p)?.memory).toBe(want("fresh").memory);
    const linker = s.spawn(function* (ctx) {
      ctx.link(p);
      yield* idle(ctx);
    });
    s.run();
    expect(info(p)?.memory).toBe(want("linked_target").memory);
    expect(info(linker)?.memory).toBe(want("linker").memory);
    const monitorer = s.spawn(function* (ctx) {
      ctx.monitor(p);
      yield* idle(ctx);
    });
    s.run();
    expect(info(p)?.memory).toBe(want("linked_and_monitored_target").memory);
    expect(info(monitorer)?.memory).toBe(want("monitorer").memory);
    s.send(p, a("hello"));
    expect(info(p)?.memory).toBe(want("linked_monitored_with_one_queued_atom").memory);
    expect(info(p)?.links.length).toBe(want("linked_monitored_with_one_queued_atom").links);
    expect(info(p)?.monitored_by.length).toBe(want("linked_monitored_with_one_queued_atom").monitored_by);
  });

  it("spawn_opt options reach the heap (min_heap_size rounded, fullsweep_after, off_heap)", () => {
    const s = new Scheduler();
    const p = s.spawn(idle, [], { minHeapSize: 1000, fullsweepAfter: 10, messageQueueData: "off_heap" });
    s.run();
    const pcb = s.lookup(p);
    const i = pcb && s.contextOf(pcb).processInfo(p);
    const recorded = gcFixture.workloads.find((w) => w.id === "min_heap_size_1000")?.checkpoints[0]?.process_info.heap_size;
    expect(recorded).toBeDefined();
    expect(i?.heap_size).toBe(recorded);
    expect(i?.garbage_collection.fullsweep_after).toBe(10);
    expect(i?.message_queue_data).toBe("off_heap");
  });

  it("erlang:memory() processes is the sum of process memory; exit releases it", () => {
    const s = new Scheduler();
    const pids: Pid[] = [];
    for (let i = 0; i < 10; i++) pids.push(s.spawn(idle));
    s.run();
    const fresh = schedFixture.pcb_memory.find((r) => r.label === "fresh")?.memory ?? NaN;
    expect(memory(s, NO_BOOT).processes).toBe(10 * fresh);
    const before = s.contextOf(s.lookup(pids[0] as Pid)!).processInfo(pids[0])?.memory ?? NaN;
    s.send(pids[0] as Pid, new Tuple([a("msg"), listOf(10)]));
    const after = s.contextOf(s.lookup(pids[0] as Pid)!).processInfo(pids[0])?.memory ?? NaN;
    expect(after).toBeGreaterThan(before);
    expect(memory(s, NO_BOOT).processes).toBe(10 * fresh + (after - before));
    for (const p of pids) s.exit(p, a("kill"));
    expect(memory(s, NO_BOOT)).toMatchObject({ processes: 0, total: 0 });
  });

  it("the process dictionary: put/get/erase, on the heap and in memory", () => {
    const s = new Scheduler();
    const out: string[] = [];
    s.spawn(function* (ctx) {
      yield* ctx.call();
      ctx.put(a("k"), 1);
      out.push(printTerm(ctx.get(a("k"))), printTerm(ctx.put(a("k"), 2)), printTerm(ctx.get(a("k"))));
      const i = ctx.processInfo();
      out.push(String((i?.memory ?? 0) - 776 - 8 * (i?.total_heap_size ?? 0)));
      out.push(printTerm(ctx.erase(a("k"))), printTerm(ctx.get(a("k"))));
    });
    s.run();
    expect(out).toEqual(["1", "1", "2", "88", "2", "undefined"]);
  });

  it("hibernate leaves a heap of live + 4 words", () => {
    const s = new Scheduler();
    const p = s.spawn(function* (ctx) {
      const keep = ctx.alloc(listOf(10));
      yield* ctx.hibernate([keep]);
      yield* idle(ctx);
    });
    s.run();
    const pcb = s.lookup(p);
    expect(pcb && s.contextOf(pcb).processInfo(p)?.heap_size).toBe(24);
  });
});

describe("determinism and the real-time driver", () => {
  function program(seed: number): Scheduler {
    const s = new Scheduler({ seed, trace: true });
    s.spawn(function* main(ctx) {
      const kids: Pid[] = [];
      for (let i = 0; i < 5; i++) {
        kids.push(
          ctx.spawnLink(function* worker(c: ProcessContext) {
            for (let k = 0; k < 5; k++) {
              yield* c.sleep(Math.floor(c.random() * 50));
              c.send(ctx.self, new Tuple([c.self, listOf(k)]));
            }
          }),
        );
      }
      ctx.trapExit(true);
      for (let i = 0; i < 30; i++) yield* ctx.receive();
    });
    s.run();
    return s;
  }
  const hash = (s: Scheduler) => createHash("sha256").update(s.trace().join("\n")).digest("hex");

  it("the same program and seed give the same trace byte for byte (pinned hash)", () => {
    const h1 = hash(program(42));
    expect(hash(program(42))).toBe(h1);
    expect(hash(program(7))).not.toBe(h1);
    expect(program(42).trace().length).toBeGreaterThan(40);
    expect(h1).toMatchSnapshot();
  });

  it("start(): runs on the event loop and lets I/O callbacks in while a process is busy", async () => {
    const s = new Scheduler();
    let ioRan = 0;
    let doneAtIo = -1;
    let done = false;
    s.spawn(function* (ctx) {
      for (let i = 0; i < 2_000_000; i++) yield* ctx.call();
      done = true;
    });
    s.start({ budgetMs: 2 });
    await new Promise<void>((resolve) => {
      setImmediate(() => {
        ioRan++;
        doneAtIo = done ? 1 : 0;
        resolve();
      });
    });
    const t0 = performance.now();
    const got = await new Promise<string>((resolve) => {
      s.spawn(function* (ctx) {
        const m = yield* ctx.receive(undefined, { after: 20 });
        resolve(m === undefined ? "timeout" : printTerm(m));
      });
    });
    s.stop();
    expect(ioRan).toBe(1);
    expect(doneAtIo).toBe(0);
    expect(got).toBe("timeout");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
  });
});

describe("isolation", () => {
  it("a throwing receive pattern, a bad yield and a non-generator body end only that process", () => {
    const s = new Scheduler();
    const reasons: string[] = [];
    const bodies: Body[] = [
      function* (ctx) {
        yield* ctx.receive(() => {
          throw new Error("bad pattern");
        });
      },
      function* () {
        yield 42 as never;
      },
      (() => 1) as unknown as Body,
    ];
    s.spawn(function* (ctx) {
      const pids = bodies.map((b) => ctx.spawnMonitor(b)[0]);
      yield* ctx.call();
      ctx.send(pids[0] as Pid, a("hello")); // wakes the receiver whose pattern throws
      for (let left = bodies.length; left > 0; left--) {
        const d = (yield* ctx.receive(tagged("DOWN", 5))) as Tuple;
        const r = d.elements[4] as Tuple;
        const first = r.elements[0] as Term;
        reasons.push(first instanceof Tuple ? printTerm(first.elements[0] as Term) : printTerm(first));
      }
    });
    expect(() => s.run()).not.toThrow();
    expect(reasons.sort()).toEqual(["bad_yield", "js_exception", "js_exception"]);
  });

  it("a context used outside its process's turn throws", () => {
    const s = new Scheduler();
    let saved: ProcessContext | undefined;
    s.spawn(function* (ctx) {
      saved = ctx;
      yield* ctx.call();
    });
    s.run();
    expect(() => saved?.send(s.outside, a("x"))).toThrow(/not running/);
  });
});
