import { it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { runSupervisedTwin } from "./memory.twin.js";
const ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size"] as const;
const fx = loadFixture("sup_gc") as { runs: { id: "agents" | "tasks"; sup_pid: number; events: Record<string, number | string>[] }[] };
it("diff", () => {
  for (const r of fx.runs) {
    const ev: Record<string, number | string>[] = [];
    let child = 1;
    runSupervisedTwin(r.id, 100, undefined, undefined, r.sup_pid, (e) => {
      if (typeof e === "number") child = e + 1;
      else ev.push({ tag: e.tag, child, ...Object.fromEntries(ITEMS.map((k) => [k, (e.info as unknown as Record<string, number>)[k] as number])) });
    });
    const fmt = (e: Record<string, number | string> | undefined) => (e === undefined ? "-" : `${String(e.tag).replace("gc_", "")} c${e.child} ${ITEMS.map((k) => e[k]).join("/")}`);
    let first = -1;
    for (let i = 0; i < Math.max(ev.length, r.events.length); i++) {
      const same = fmt(ev[i]) === fmt(r.events[i]);
      if (!same && first < 0) first = i;
    }
    console.log(`${r.id}: beam ${r.events.length} model ${ev.length} first divergence ${first}`);
    for (let i = Math.max(0, first - 2); i < Math.min(first + 8, Math.max(ev.length, r.events.length)) && first >= 0; i++) console.log(`  ${i} B ${fmt(r.events[i])}\n    M ${fmt(ev[i])}`);
  }
});
