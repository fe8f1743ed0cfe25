/**
 * The simulated node's identity. Pids, ports and references whose node is the local node are
 * *local* (pids and ports are then immediates, 0 heap words); any other node makes them external.
 * Invariant: the local node is fixed at start-up, like `node()` of a BEAM without distribution.
 */
import { am } from "./atom.js";
import type { Atom } from "./atom.js";

let local: Atom = am.nonode_at_nohost;
let localCreation = 0;

/** The local node's name, `nonode@nohost` unless set. */
export function localNode(): Atom {
  return local;
}

/** The local node's creation number (0 for a non-distributed node). */
export function localCreationNumber(): number {
  return localCreation;
}

/** Sets the local node; call before any pid, port or reference is created. */
export function setLocalNode(node: Atom, creation = 0): void {
  local = node;
  localCreation = creation;
}

/** Whether an identifier on `node` is local to the simulated node. */
export function isLocalNode(node: Atom): boolean {
  return node === local;
}
