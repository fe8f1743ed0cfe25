/**
 * Pid and reference allocation for the simulated node.
 *
 * Owns: the pid counter of one scheduler and the reference counter.
 * A pid prints like the BEAM's `<0.N.S>`: the BEAM's pid data is a 28-bit number printed as its
 * low 15 bits (N) and the next 13 (S), so the 32769th pid is `<0.0.1>`. Pids are handed out in
 * spawn order from `firstPid` (default 0, like `<0.0.0>` = init on a fresh node); a pid is never
 * reused within a run (the BEAM reuses slots only after 2^28 spawns).
 * Invariant: every local pid/ref is an immediate-size term on the node (0 heap words for a pid,
 * 3 words for an ordinary ref), built with the heap package's classes so printing and ordering
 * are the heap package's.
 */
import { localCreationNumber, localNode, Pid, Ref } from "@beamlab/heap";

export class PidAllocator {
  private next: number;
  constructor(first = 0) {
    this.next = first;
  }

  allocate(): Pid {
    const data = this.next++;
    return new Pid(localNode(), data & 0x7fff, (data >>> 15) & 0x1fff, localCreationNumber());
  }
}

export class RefAllocator {
  private n = 0;
  make(kind: "ordinary" | "pid" = "ordinary"): Ref {
    const n = ++this.n;
    // three 32-bit words like an ordinary ref; the low word counts up, the others are fixed.
    // A pid-ref (an alias: alias/0, monitor(…, [{alias, …}])) also carries the owner (2 more
    // words in the external format, 4 heap words instead of 3).
    const ids = [n >>> 0, Math.floor(n / 2 ** 32) >>> 0, 0];
    if (kind === "pid") ids.push(0, 0);
    return new Ref(localNode(), ids, localCreationNumber(), kind);
  }
}

/** Key of a pid for maps: its data number. */
export function pidKey(p: Pid): number {
  return p.id + p.serial * 0x8000;
}
