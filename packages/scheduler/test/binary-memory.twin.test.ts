/**
 * Twin of tooling/beam-oracle/recorders/binary_memory.escript: what erlang:memory(binary) counts
 * for one refc binary of each size (the data, the Binary header and the allocator's alignment).
 */
import { loadFixture } from "@beamlab/beam-oracle";
import { binary } from "@beamlab/heap";
import { binaryAllocatedBytes, RefcStore } from "@beamlab/refc";
import { describe, expect, it } from "vitest";
import { memory, Scheduler } from "../src/index.js";

const fixture = loadFixture("binary_memory") as { sizes: { size: number; allocated_bytes: number }[] };

describe("binary_memory.json: erlang:memory(binary) per refc binary", () => {
  it.each(fixture.sizes.map((x) => [x.size, x.allocated_bytes]))("a %i-byte binary held by a process counts %i bytes", (size, allocated) => {
    expect(binaryAllocatedBytes(size)).toBe(allocated);
    const s = new Scheduler({ refc: new RefcStore() });
    s.spawn(function* holder(ctx) {
      ctx.heap.pushFrame().hold(ctx.alloc(binary(new Uint8Array(size))));
      yield* ctx.receive();
    });
    s.run();
    expect(memory(s, { bootedNode: false }).binary).toBe(allocated);
  });
});
