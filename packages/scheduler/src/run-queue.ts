/**
 * Run queues for the four priorities, with the BEAM's rules (erl_process.c `erts_schedule`).
 *
 * Owns: which runnable process runs next.
 *  - `max` runs before `high`, which runs before `normal`/`low`; within a priority, FIFO.
 *  - `normal` and `low` share one queue. A low process that reaches the front runs only every
 *    {@link RESCHEDULE_LOW}th time: the other times it goes back to the end (its
 *    `schedule_count` counts down from 8), so a busy low process gets about 1/8 of the turns a
 *    normal one gets, and never starves.
 * Invariant: a process is in at most one queue (`inQueue`); O(1) amortised push and pop.
 */
import { RESCHEDULE_LOW } from "./constants.js";

export type Priority = "max" | "high" | "normal" | "low";

export interface Schedulable {
  priority: Priority;
  inQueue: boolean;
  /** Countdown of a low process in the shared queue (`schedule_count`). */
  scheduleCount: number;
}

/** A queue in an array: `a[h..t)` are queued; slots before `h` are cleared. Emptying it only
 * resets the indices (the array keeps its capacity: no length change, no reallocation). */
class Fifo<T> {
  private a: (T | undefined)[] = [];
  private h = 0;
  private t = 0;
  get size(): number {
    return this.t - this.h;
  }
  push(x: T): void {
    this.a[this.t++] = x;
  }
  shift(): T | undefined {
    if (this.h >= this.t) return undefined;
    const x = this.a[this.h] as T;
    this.a[this.h] = undefined;
    this.h++;
    if (this.h === this.t) {
      this.h = 0;
      this.t = 0;
    } else if (this.h > 4096 && this.h * 2 > this.t) {
      this.a = this.a.slice(this.h, this.t);
      this.t -= this.h;
      this.h = 0;
    }
    return x;
  }
}

export class RunQueues<P extends Schedulable> {
  private readonly max = new Fifo<P>();
  private readonly high = new Fifo<P>();
  private readonly normalLow = new Fifo<P>();
  /** Normal-priority processes in the shared queue. */
  private normals = 0;

  get size(): number {
    return this.max.size + this.high.size + this.normalLow.size;
  }

  enqueue(p: P): void {
    if (p.inQueue) return;
    p.inQueue = true;
    if (p.priority === "max") this.max.push(p);
    else if (p.priority === "high") this.high.push(p);
    else {
      if (p.priority === "low") {
        if (p.scheduleCount <= 0) p.scheduleCount = RESCHEDULE_LOW;
      } else this.normals++;
      this.normalLow.push(p);
    }
  }

  /** The next process to run (removed from its queue), or undefined when none is runnable. */
  next(): P | undefined {
    const p = this.max.shift() ?? this.high.shift();
    if (p !== undefined) {
      p.inQueue = false;
      return p;
    }
    for (;;) {
      const q = this.normalLow.shift();
      if (q === undefined) return undefined;
      if (q.priority === "low") {
        q.scheduleCount--;
        if (q.scheduleCount > 0 && this.hasNormal()) {
          this.normalLow.push(q);
          continue;
        }
        q.scheduleCount = RESCHEDULE_LOW;
      } else this.normals--;
      q.inQueue = false;
      return q;
    }
  }

  /** Whether a normal process is queued (only then is skipping a low one fair: with only low
   * processes queued the BEAM runs them in turn rather than spinning). */
  private hasNormal(): boolean {
    return this.normals > 0;
  }
}
