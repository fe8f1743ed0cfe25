import { describe, expect, it } from "vitest";
import { binLeak, info, procCount, procWindow, procWindowAsync, procWindowDiff, schedulerUsage, schedulerUsageDiff, type NodeSnapshot } from "@beamlab/telemetry";
import { node, pid, proc, scripted } from "./fixtures.js";

const snap = node(0, [
  proc(pid(1), { registered_name: "init", memory: 300, reductions: 10, current_function: "init:loop/1" }),
  proc(pid(2), { memory: 900, reductions: 5, message_queue_len: 3, binary: [{ id: 1, size: 1000, refc: 2 }, { id: 1, size: 1000, refc: 2 }] }),
  proc(pid(10), { memory: 300, reductions: 50, binary: [{ id: 2, size: 64, refc: 1 }] }),
  proc(pid(4), { memory: 100, reductions: 1 }),
]);

describe("procCount", () => {
  it("ranks by the attribute, largest first, ties by pid, with recon's proc_attrs shape", () => {
    expect(procCount(snap, "memory", 3)).toEqual([
      { pid: pid(2), value: 900, info: { initial_call: "test:loop/0", current_function: undefined } },
      { pid: pid(1), value: 300, info: { registered_name: "init", initial_call: "test:loop/0", current_function: "init:loop/1" } },
      { pid: pid(10), value: 300, info: { initial_call: "test:loop/0", current_function: undefined } },
    ]);
    expect(procCount(snap, "reductions", 2).map((e) => e.pid)).toEqual([pid(10), pid(1)]);
    expect(procCount(snap, "message_queue_len", 1).map((e) => [e.pid, e.value])).toEqual([[pid(2), 3]]);
    expect(procCount(snap, "memory", 0)).toEqual([]);
    expect(procCount(snap, "memory", 99)).toHaveLength(4);
  });

  it("binary_memory sums every ProcBin of process_info(P, binary), as recon does", () => {
    expect(procCount(snap, "binary_memory", 2).map((e) => [e.pid, e.value])).toEqual([
      [pid(2), 2000],
      [pid(10), 64],
    ]);
  });
});

describe("procWindow", () => {
  const first = node(0, [proc(pid(1), { reductions: 100 }), proc(pid(2), { reductions: 1000 }), proc(pid(3), { reductions: 40 })]);
  const last = node(1000, [proc(pid(1), { reductions: 900 }), proc(pid(2), { reductions: 1010 }), proc(pid(5), { reductions: 300 })]);

  it("ranks the differences (recon_lib:sliding_window: newcomers count in full, the dead keep their first value)", () => {
    expect(procWindowDiff(first, last, "reductions", 10).map((e) => [e.pid, e.value])).toEqual([
      [pid(1), 800],
      [pid(5), 300],
      [pid(3), 40],
      [pid(2), 10],
    ]);
  });

  it("takes both snapshots through the source, sleeping on the caller's (virtual) clock in between", async () => {
    const slept: number[] = [];
    const top = procWindow(scripted([first, last]), "reductions", 1, 1000, (ms) => slept.push(ms));
    expect(slept).toEqual([1000]);
    expect(top.map((e) => e.pid)).toEqual([pid(1)]);
    const topAsync = await procWindowAsync(scripted([first, last]), "reductions", 2, 5, () => Promise.resolve());
    expect(topAsync.map((e) => e.pid)).toEqual([pid(1), pid(5)]);
  });
});

describe("binLeak", () => {
  it("collects everything and ranks who released most ProcBins (negative counts, like recon)", () => {
    const bins = (n: number, size: number) => Array.from({ length: n }, (_, i) => ({ id: i, size, refc: 1 }));
    let collected = false;
    const before = node(0, [proc(pid(1), { binary: bins(2, 10) }), proc(pid(2), { binary: bins(50, 1000) }), proc(pid(3), { binary: bins(5, 10) }), proc(pid(4))]);
    const after = node(1, [proc(pid(1), { binary: bins(2, 10) }), proc(pid(2), { binary: bins(1, 1000) }), proc(pid(4))]);
    const source = { snapshot: (): NodeSnapshot => (collected ? after : before), collectAll: () => (collected = true) };
    const top = binLeak(source, 3);
    expect(collected).toBe(true);
    expect(top.map((e) => [e.pid, e.value, e.releasedBytes])).toEqual([
      [pid(2), -49, 49_000],
      [pid(1), 0, 0],
      [pid(3), 0, 0], // died meanwhile: 0, as recon's catch clause gives
    ]);
    expect(() => binLeak({ snapshot: () => before }, 1)).toThrow(TypeError);
  });
});

describe("info", () => {
  it("groups process_info items as recon:info/1 does, leaving out what the source lacks", () => {
    const s = node(0, [
      proc(pid(7), {
        registered_name: "worker",
        status: "waiting",
        links: [pid(1)],
        trap_exit: true,
        current_stacktrace: ["worker:loop/1"],
        garbage_collection: { minor_gcs: 3, fullsweep_after: 65535 },
        reductions: 42,
        message_queue_len: 2,
      }),
    ]);
    expect(info(s, pid(7))).toEqual({
      meta: { registered_name: "worker", status: "waiting" },
      signals: { links: [pid(1)], trap_exit: true },
      location: { initial_call: "test:loop/0", current_stacktrace: ["worker:loop/1"] },
      memory_used: { memory: 1000, message_queue_len: 2, heap_size: 100, total_heap_size: 100, garbage_collection: { minor_gcs: 3, fullsweep_after: 65535 } },
      work: { reductions: 42 },
    });
    expect(info(s, pid(8))).toBeUndefined();
  });
});

describe("scheduler utilisation", () => {
  it("is active time over total time between two scheduler_wall_time readings", () => {
    const a = [{ id: 2, active_time: 0, total_time: 0 }, { id: 1, active_time: 100, total_time: 1000 }];
    const b = [{ id: 1, active_time: 600, total_time: 2000 }, { id: 2, active_time: 0, total_time: 0 }];
    expect(schedulerUsageDiff(a, b)).toEqual([{ id: 1, usage: 0.5 }, { id: 2, usage: 0 }]);
    const snaps = [node(0, [], { statistics: { scheduler_wall_time: a } }), node(1000, [], { statistics: { scheduler_wall_time: b } })];
    expect(schedulerUsage(scripted(snaps), 1000, () => undefined)).toEqual([{ id: 1, usage: 0.5 }, { id: 2, usage: 0 }]);
    expect(schedulerUsage(scripted([node(0, [])]), 10, () => undefined)).toBeUndefined();
  });
});
