/**
 * The scheduler's clock and timer wheel (a binary min-heap).
 *
 * Owns: the current time in milliseconds and the pending timers (receive `after`, `sleep`,
 * `send_after`). Timers fire in (time, creation order): two timers due at the same millisecond
 * fire in the order they were set, so a run is deterministic.
 * Virtual mode: time stands still while processes run and jumps to the next timer when no
 * process is runnable. Real-time mode (the scheduler's driver): `now` follows the wall clock.
 * Cancellation is lazy: a cancelled timer stays in the heap and is skipped when it comes due.
 * Invariant: heap order by (at, seq); O(log n) add and pop. `waitingTimers` counts the live
 * (neither fired nor cancelled) timers that are not a receive's `after`: when it is 0, only
 * `receive … after` timeouts are pending (see the scheduler's `untilOnlyReceiveTimeouts`).
 */

/** What a timer is for: a receive's `after` clause, or anything else (sleep, send_after). */
export type TimerKind = "receive_after" | "other";

export interface Timer {
  readonly at: number;
  readonly seq: number;
  cancelled: boolean;
  readonly fire: () => void;
  readonly kind: TimerKind;
  /** Fired or cancelled. */
  settled: boolean;
}

export class Clock {
  now = 0;
  private heap: Timer[] = [];
  private seq = 0;
  private others = 0;

  add(delayMs: number, fire: () => void, kind: TimerKind = "other"): Timer {
    const t: Timer = { at: this.now + Math.max(0, delayMs), seq: this.seq++, cancelled: false, fire, kind, settled: false };
    if (kind === "other") this.others++;
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p] as Timer)) break;
      h[i] = h[p] as Timer;
      i = p;
    }
    h[i] = t;
    return t;
  }

  /**
   * Cancels `t`. Lazy (it is skipped when it comes due), except that the newest timer, when it is
   * still the heap's last leaf (a receive's `after` cancelled by the message it waited for), is
   * removed at once, so a loop of timed receives does not grow the heap.
   */
  cancel(t: Timer): void {
    t.cancelled = true;
    this.settle(t);
    const h = this.heap;
    if (h[h.length - 1] === t) h.pop();
  }

  /** Time of the earliest live timer, or undefined. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  get pending(): number {
    this.dropCancelled();
    return this.heap.length;
  }

  /** Fires every live timer due at or before `now`, in order. Returns how many fired. */
  fireDue(): number {
    let n = 0;
    for (;;) {
      this.dropCancelled();
      const t = this.heap[0];
      if (t === undefined || t.at > this.now) return n;
      this.pop();
      this.settle(t);
      t.fire();
      n++;
    }
  }

  /** Live timers that are not a receive's `after` (sleep, send_after, …). */
  get waitingTimers(): number {
    return this.others;
  }

  private settle(t: Timer): void {
    if (t.settled) return;
    t.settled = true;
    if (t.kind === "other") this.others--;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && (this.heap[0] as Timer).cancelled) this.pop();
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Timer;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mt = last;
      if (l < h.length && before(h[l] as Timer, mt)) {
        m = l;
        mt = h[l] as Timer;
      }
      if (r < h.length && before(h[r] as Timer, mt)) m = r;
      if (m === i) break;
      h[i] = h[m] as Timer;
      i = m;
    }
    h[i] = last;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
