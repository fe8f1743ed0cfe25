/**
 * Elixir 1.14's `GenServer.start_link/3` and `GenServer.start/3` in the caller, before
 * `:gen.start` (what an Elixir module's start_link — Agent's — runs on its caller's heap).
 *
 * Owns: do_start/4's frame (`allocate 3`) and `Keyword.pop(opts, :name)` → Keyword.pop/3
 * (`allocate 4`) → Keyword.fetch/2 (`allocate 1`), as compiled (beam_disasm of
 * Elixir.GenServer and Elixir.Keyword; stack rules in frames.ts). Without a name, fetch returns
 * `:error` and pop builds `{nil, Opts}` (3 words); with one, fetch's `{ok, Name}` (3), pop's
 * `{Name, Rest}` (3, Rest = [] for `[name: N]`: Keyword.delete_key builds nothing) and do_start's
 * `{local, Name}` (3). All garbage once :gen.start runs; do_start tail-calls it (call_ext_last),
 * so its frame is gone by then.
 * Invariant: the heap's frames are as before the call when it returns.
 */
import type { ProcessHeap } from "@beamlab/heap";
import { callAllocate } from "./frames.js";

export function elixirDoStart(heap: ProcessHeap, named: boolean): void {
  const doStart = callAllocate(heap, 3);
  const pop = callAllocate(heap, 4);
  const fetch = callAllocate(heap, 1);
  if (named) heap.allocGarbage(3); // fetch's {ok, Name}
  heap.popFrame(fetch);
  heap.allocGarbage(3); // pop's {nil, Opts} | {Name, Rest}
  heap.popFrame(pop);
  if (named) heap.allocGarbage(3); // do_start's {local, Name}
  heap.popFrame(doStart);
}
