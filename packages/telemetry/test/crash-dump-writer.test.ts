import { describe, expect, it } from "vitest";
import { heapAllocSlogan, parseDumpTerm, formatDumpTerm, writeCrashDump } from "@beamlab/telemetry";
import { node, pid, proc } from "./fixtures.js";

const gcInfo = {
  old_heap_block_size: 6772,
  heap_block_size: 4185,
  mbuf_size: 0,
  recent_size: 10,
  stack_size: 12,
  old_heap_size: 6000,
  heap_size: 173,
  bin_vheap_size: 2000,
  bin_vheap_block_size: 46422,
  bin_old_vheap_size: 0,
  bin_old_vheap_block_size: 46422,
};

describe("writeCrashDump", () => {
  const snap = node(1000, [
    proc(pid(80), {
      registered_name: "cache",
      initial_call: "proc_lib:init_p/5",
      dictionary: [["$initial_call", "my_cache:init/1"], ["$ancestors", [pid(70)]]],
      role: "cache",
      garbage_collection_info: gcInfo,
      binary: [{ id: 1, size: 8000, refc: 1 }],
      links: [pid(70)],
      message_queue_len: 3,
      memory: 87000,
    }),
  ]);
  const text = writeCrashDump(snap, { slogan: heapAllocSlogan(2545496), date: "Thu Dec  3 20:33:31 2026" });
  const lines = text.split("\n");

  it("starts with the 0.5 preamble and the slogan the BEAM writes on a failed heap allocation", () => {
    expect(lines.slice(0, 3)).toEqual([
      "=erl_crash_dump:0.5",
      "Thu Dec  3 20:33:31 2026",
      'Slogan: eheap_alloc: Cannot allocate 2545496 bytes of memory (of type "heap").',
    ]);
    expect(lines).toContain("=memory");
    expect(lines[lines.length - 2]).toBe("=end");
  });

  it("writes a =proc section with the BEAM's fields in its order, sizes derived from garbage_collection_info", () => {
    const at = lines.indexOf(`=proc:${pid(80)}`);
    expect(lines.slice(at, at + 20)).toEqual([
      "=proc:<0.80.0>",
      "State: Waiting",
      "Name: cache",
      "Spawned as: proc_lib:init_p/5",
      "Message queue length: 3",
      "Number of heap fragments: 0",
      "Heap fragment data: 0",
      "Link list: [<0.70.0>]",
      "Reductions: 0",
      "Stack+heap: 4185",
      "OldHeap: 6772",
      `Heap unused: ${4185 - 173}`,
      `OldHeap unused: ${6772 - 6000}`,
      "BinVHeap: 2000",
      "OldBinVHeap: 0",
      "BinVHeap unused: 44422",
      "OldBinVHeap unused: 46422",
      "Memory: 87000",
      "=proc_dictionary:<0.80.0>",
      lines[at + 19],
    ]);
  });

  it("puts the dictionary and ProcBins on =proc_heap in heap notation, and the binary once", () => {
    expect(lines.some((l) => /^[0-9A-F]+:t2:AD:\$initial_call,H[0-9A-F]+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^[0-9A-F]+:t3:A8:my_cache,A4:init,I1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^[0-9A-F]+:Yc[0-9A-F]+:0:1F40$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith("=binary:"))).toHaveLength(1);
  });

  it("is deterministic", () => {
    expect(writeCrashDump(snap, { slogan: "x" })).toBe(writeCrashDump(snap, { slogan: "x" }));
  });
});

describe("dump term notation", () => {
  it.each(["t2:AD:$initial_call,H7FE31F623018", "lP<0.9.0>|N", "Yc7F7CE8683F40:0:1F40", "Ys7F7CE8683F40:1:A", "t3:A5:proxy,A4:loop,I1", "I-12"])(
    "%s round-trips",
    (s) => {
      expect(formatDumpTerm(parseDumpTerm(s))).toBe(s);
    },
  );
  it("keeps what it does not model as opaque text", () => {
    expect(parseDumpTerm("F3:1.5")).toEqual({ kind: "other", text: "F3:1.5" });
  });
});

describe("writeCrashDump to a file", () => {
  it("writes the same text as the string form", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/dump-`);
    const snap = node(5, [proc(pid(80), { role: "cache", binary: [{ id: 1, size: 100_000, refc: 1 }] })]);
    writeCrashDump(`${dir}/erl_crash.dump`, snap, { slogan: heapAllocSlogan(10) });
    expect(readFileSync(`${dir}/erl_crash.dump`, "utf8")).toBe(writeCrashDump(snap, { slogan: heapAllocSlogan(10) }));
    rmSync(dir, { recursive: true });
  });
});
