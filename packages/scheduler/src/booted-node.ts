/**
 * The booted node: what a freshly started OTP 25 node already holds before any user process
 * runs — 37 processes (init, the code server, the kernel supervisors, the logger, …), the
 * emulator's process table, binaries held by the code server and the loader, atoms, code and
 * ETS tables. Recorded from `erl +S 1 -noshell` (tooling/beam-oracle/recorders/booted_node.escript)
 * and kept as data (booted-node-data.ts, generated from that fixture by
 * tooling/beam-oracle/booted-node-data.mjs).
 *
 * Owns: the shape of that recording and the figures `erlang:memory()` adds for it
 * ({@link bootedMemory}). Whole-node figures include the booted node by default (a real node
 * always has it); `memory(s, { bootedNode: false })` gives the simulated processes alone.
 * The booted processes are not simulated: they do not run, are not in `processes()` and do not
 * take pids (the model's first pid stays `<0.1.0>`; on a real node user pids start after them).
 * Invariant: `memory.processes` ≥ Σ the listed processes' memory (the difference is the process
 * table and the allocators' carriers, which erlang:memory(processes) counts).
 */
import { OTP25_BOOTED_NODE_DATA } from "./booted-node-data.js";

/** One process of the booted node, as process_info showed it 200 ms after boot. */
export interface BootedProcess {
  /** Registered name, or null. */
  readonly name: string | null;
  /** `M:F/A` (proc_lib's '$initial_call' where there is one, as observer shows it). */
  readonly initialCall: string;
  readonly memory: number;
  readonly heapSize: number;
  readonly totalHeapSize: number;
  readonly stackSize: number;
  /** Byte sizes of its refc binaries (process_info(P, binary)). */
  readonly binaries: readonly number[];
}

/** erlang:memory() of the booted node without the recording probe; `other` = the rest of `system`. */
export interface BootedMemory {
  readonly processes: number;
  readonly processes_used: number;
  readonly atom: number;
  readonly atom_used: number;
  readonly binary: number;
  readonly code: number;
  readonly ets: number;
  readonly other: number;
}

export interface BootedNodeData {
  readonly command: string;
  readonly otpRelease: string;
  readonly ertsVersion: string;
  readonly processCount: number;
  readonly atomCount: number;
  readonly memory: BootedMemory;
  readonly processes: readonly BootedProcess[];
}

/** The booted OTP 25 node (`erl +S 1 -noshell`). */
export const OTP25_BOOTED_NODE: BootedNodeData = OTP25_BOOTED_NODE_DATA;

/** What `erlang:memory()` adds for a booted node (none when `node` is false). */
export function bootedMemory(node: BootedNodeData | boolean = true): BootedMemory | undefined {
  if (node === false) return undefined;
  return (node === true ? OTP25_BOOTED_NODE : node).memory;
}
