/**
 * agent-vs-task's process(i) as the twin compiles it (Elixir 1.14 on OTP 25), written with the
 * workload kit (issue 12):
 *
 *   :binary.bin_to_list(:binary.copy(<<rem(i, 256)>>, 8))
 *   |> List.duplicate(div(kb * 1024, 128))   # :lists.duplicate/2
 *   |> List.flatten()                         # :lists.flatten/1
 *   |> Enum.take(div(kb * 1024, 16))          # Enum.take_list/2
 *
 * The compiled process/2 (beam_disasm of the twin's module; erlc makes the same code of the
 * Erlang transliteration in kit_elixir_blocks.escript): `bs_create_bin` of the 1-byte binary
 * (3 words, its own heap test), `allocate 1` keeping kb, `call_ext` binary:copy/2,
 * binary:bin_to_list/1, 'Elixir.List':duplicate/2 and flatten/1, then `call_ext_last`
 * 'Elixir.Enum':take/2 (the frame is gone while take runs). Each call is the kit's block
 * (kit/binaries.ts, kit/elixir.ts), whose frames and liveness are the compiled code's: a list
 * being walked keeps only its unwalked tail, the duplicated 8-element list stays live while any
 * cell points to it. Checked against kit_elixir_blocks.json's pipeline workload (this function
 * called 4 times, GC event for GC event) and the agent-vs-task twin (scenarios.json).
 */
import { binary, type Term } from "@beamlab/heap";
import type { Op, ProcessContext } from "@beamlab/scheduler";
import { RETURN_ADDRESS_WORDS } from "../kit/lists.js";
import { binaryCopy } from "../kit/binaries.js";
import { binToList, enumTake, listDuplicate, listFlatten } from "../kit/elixir.js";

/** process(i) with result_kb = kb, on the calling process's heap (reached by a `call`). */
export function* processEvent(ctx: ProcessContext, i: number, kb: number): Generator<Op, Term, unknown> {
  const heap = ctx.heap;
  const frame = heap.pushFrame(RETURN_ADDRESS_WORDS); // the return address the call pushed
  const one = ctx.alloc(binary(Uint8Array.of(i % 256))); // bs_create_bin: <<rem(i, 256)>>
  heap.heapTest(1); // allocate 1: y0 = kb
  frame.stackWords += 1;
  const eight = yield* binaryCopy(ctx, one, 8);
  const l8 = yield* binToList(ctx, eight);
  const dup = yield* listDuplicate(ctx, l8, Math.floor((kb * 1024) / 128));
  const flat = yield* listFlatten(ctx, dup);
  // call_ext_last: `deallocate 1`; the return address stays (Enum.take's first frame counts it)
  heap.popFrame(frame);
  return yield* enumTake(ctx, flat, Math.floor((kb * 1024) / 16));
}
