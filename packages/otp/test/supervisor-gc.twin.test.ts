/**
 * Twin of tooling/beam-oracle/recorders/sup_gc.escript: every collection of an Erlang
 * simple_one_for_one supervisor (OTP 25 supervisor.erl) over 100 temporary children — agents
 * (gen_servers) and tasks (proc_lib processes that exit) — against otp_memory's twin
 * (memory.twin.ts) gc-traced the same way (from after its start, each event tagged with the
 * child it happened in; both read the supervisor's memory after each child, as otp_memory
 * does). The model follows supervisor:init/1, handle_call's start_child path and handle_info's
 * 'EXIT' path word for word (supervisor-init.ts, supervisor.ts, proc-lib.ts); agents and tasks
 * are equal in every event.
 */
import { describe, expect, it } from "vitest";
import { loadFixture } from "@beamlab/beam-oracle";
import { runSupervisedTwin } from "./memory.twin.js";

const ITEMS = ["heap_size", "heap_block_size", "old_heap_size", "old_heap_block_size", "mbuf_size", "stack_size", "recent_size"] as const;
type Ev = { tag: string; child: number } & Record<(typeof ITEMS)[number], number>;
const fx = loadFixture("sup_gc") as { children: number; runs: { id: "agents" | "tasks"; sup_pid: number; events: Ev[] }[] };

function simulate(kind: "agents" | "tasks", n: number, supPid: number): Ev[] {
  const events: Ev[] = [];
  let child = 1;
  runSupervisedTwin(kind, n, undefined, undefined, supPid, (e) => {
    if (typeof e === "number") child = e + 1;
    else {
      const i = e.info as unknown as Record<string, number>;
      events.push({ tag: e.tag, child, ...Object.fromEntries(ITEMS.map((k) => [k, i[k] as number])) } as Ev);
    }
  });
  return events;
}

/** Events equal in every field, from the first. */
const prefix = (a: readonly Ev[], b: readonly Ev[]): number => {
  let i = 0;
  while (i < a.length && i < b.length && JSON.stringify(a[i]) === JSON.stringify(b[i])) i++;
  return i;
};

describe("sup_gc.json: the Erlang supervisor's collections over 100 start_child calls", () => {
  // agents: all 30 events (the major at child 1's try_handle_call, heap 212 / stack 17, live
  // 66; then the minors of the start path) are the BEAM's. Child 47's collection runs while the
  // supervisor waits (stack 11) with a 25-word fragment: dyn_store's `Db#{Pid => []}` on the
  // 47-key HAMT (put_map_assoc: HAlloc, no heap test) found 25 words free, 3 short of what
  // HAlloc may use inside the runtime call (hamt_put_limit.json), so the path went to a fragment.
  // tasks: all 30 events (12 per ~50 children, the sawtooth) are the BEAM's: the start path with
  // proc_lib:spawn_link/1's frames (its process_info BIF collects at stack 32, child 18), the
  // 'EXIT' path instruction by instruction (gen_server's compiled info path; handle_info →
  // restart_child → find_child_and_args → do_restart → del_child → dyn_erase: maps:remove
  // collects at stack 26, child 3), and each 'EXIT' joining the fragments only when the
  // supervisor's receive handles it (child 30's schedule-in collection runs without it).
  const expected = { agents: { equal: 30, beam: 30 }, tasks: { equal: 30, beam: 30 } } as const;
  for (const run of fx.runs) {
    it(`${run.id}: the first ${expected[run.id].equal} collections equal in every field`, () => {
      const got = simulate(run.id, fx.children, run.sup_pid);
      expect(run.events.length).toBe(expected[run.id].beam);
      expect(got.slice(0, expected[run.id].equal)).toEqual(run.events.slice(0, expected[run.id].equal));
      expect(prefix(got, run.events)).toBe(expected[run.id].equal);
    });
  }
});
