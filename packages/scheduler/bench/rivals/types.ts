/** What one workload run reports (one JSON line from worker.ts). */
export interface SpawnResult {
  n: number;
  /** Wall time to spawn all N and have every one of them blocked, in microseconds. */
  us: number;
  /** Growth of Node's heapUsed (after a forced full GC) per process, in bytes. */
  bytes: number;
}

export interface RingResult {
  ring: number;
  hops: number;
  us: number;
  msgsPerSec: number;
}

export interface Workloads {
  spawnIdle(n: number): Promise<SpawnResult>;
  ring(ring: number, hops: number): Promise<RingResult>;
}
