/**
 * The booted node under erlang:memory(): the recorded processes of a fresh `erl +S 1 -noshell`
 * (booted_node.json) are the data the model carries, and whole-node figures include them by
 * default while per-process figures can leave them out.
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { binary } from "@beamlab/heap";
import { RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { memory, OTP25_BOOTED_NODE, Scheduler, type ProcessContext } from "../src/index.js";

interface FixtureProcess {
  name: string;
  initial_call: string;
  memory: number;
  heap_size: number;
  total_heap_size: number;
  stack_size: number;
  binaries: number[];
}
const fixture = loadFixture("booted_node") as {
  process_count: number;
  atom_count: number;
  probe_memory: number;
  erlang_memory: Record<string, number>;
  processes: FixtureProcess[];
};

function* idle(ctx: ProcessContext) {
  yield* ctx.receive(() => false);
}

describe("booted node (booted_node.json)", () => {
  it("carries the recorded processes: names, initial calls, memory, heaps, binaries (regenerate with tooling/beam-oracle/booted-node-data.mjs)", () => {
    expect(OTP25_BOOTED_NODE.processes.map((p) => [p.name ?? "undefined", p.initialCall, p.memory, p.heapSize, p.totalHeapSize, p.stackSize, p.binaries])).toEqual(
      fixture.processes.map((p) => [p.name, p.initial_call, p.memory, p.heap_size, p.total_heap_size, p.stack_size, p.binaries]),
    );
    expect(OTP25_BOOTED_NODE.processCount).toBe(fixture.process_count);
    expect(OTP25_BOOTED_NODE.processes).toHaveLength(fixture.process_count);
    expect(OTP25_BOOTED_NODE.processes.map((p) => p.name)).toContain("code_server");
  });

  it("an empty simulated node reports the real node's erlang:memory() (without the recording probe)", () => {
    const m = memory(new Scheduler());
    const b = fixture.erlang_memory as Record<"processes" | "processes_used" | "binary" | "atom" | "atom_used" | "code" | "ets" | "system" | "total", number>;
    expect(m.processes).toBe(b.processes - fixture.probe_memory);
    expect(m.processes_used).toBe(b.processes_used - fixture.probe_memory);
    expect(m.binary).toBe(b.binary);
    expect({ atom: m.atom, atom_used: m.atom_used, code: m.code, ets: m.ets, system: m.system }).toEqual({ atom: b.atom, atom_used: b.atom_used, code: b.code, ets: b.ets, system: b.system });
    expect(m.total).toBe(b.total - fixture.probe_memory);
    // the process table and carriers: erlang:memory(processes) is far above Σ process memory
    expect(m.processes).toBeGreaterThan(OTP25_BOOTED_NODE.processes.reduce((a, p) => a + p.memory, 0) * 5);
  });

  it("simulated processes and binaries come on top of it; bootedNode: false leaves them alone", () => {
    const store = new RefcStore();
    const s = new Scheduler({ refc: store });
    s.spawn(function* (ctx) {
      ctx.heap.pushFrame().hold(ctx.alloc(binary(new Uint8Array(5000))));
      yield* idle(ctx);
    });
    s.spawn(idle);
    s.run();
    const own = memory(s, { bootedNode: false });
    const all = memory(s);
    expect(own.binary).toBe(5040); // the data and the 40-byte Binary header (measured)
    expect(all.binary).toBe(5040 + OTP25_BOOTED_NODE.memory.binary);
    expect(all.processes - own.processes).toBe(OTP25_BOOTED_NODE.memory.processes);
    expect(own.atom + own.code + own.ets).toBe(0);
    expect(memory(s, { etsBytes: 1 }).ets).toBe(1);
  });
});
