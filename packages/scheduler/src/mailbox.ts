/**
 * A process's message queue with the BEAM's selective-receive semantics and memory accounting.
 *
 * Owns: the queued messages in arrival order, where each one's data lives, and the scan
 * position of the receive in progress (the *save pointer*).
 *  - `where`: "heap" (copied onto the receiver's young heap, stamped there: a GC root while
 *    queued), "fragment" (on_heap data that did not fit: counted in the heap's mbuf_size and
 *    total_heap_size, unstamped, not a GC root — a GC copies these onto the new heap after it
 *    has run, like erl_gc.c's move of queued message fragments), "off_heap" (counted only in
 *    `memory`, 8 bytes per word, until received), "signal" (a trapped 'EXIT', or a 'DOWN' whose
 *    reason has data: its message is a combined heap fragment of the signal, outside mbuf_size
 *    and never moved onto the heap by a collection while it is queued; it joins the heap's
 *    fragments when a receive takes it — measured in exit_signal_fetch.json), "down" (a process
 *    monitor's 'DOWN' for an immediate exit reason, not yet handled: no data until the receiver
 *    converts it — at its schedule-in, up to the signal-handling budget, or in a receive — into a
 *    message built on its heap, or in a fragment when it does not fit; {@link handleDowns};
 *    down_signals.json).
 *  - Selective receive: a receive scans from its save pointer; messages it skips stay queued in
 *    order and are not scanned again by the same receive; a match removes the message and the
 *    next receive starts from the front again. `length` counts every queued message.
 *  - Inner and outer queue: messages arrive in the outer signal queue; a receive that reaches the
 *    end of the inner queue fetches the outer one (erts_proc_sig_receive_helper), which
 *    {@link takeInner} and {@link fetchOuter} are those two steps.
 * Invariants: `fragmentWords` = Σ words of "fragment" entries, `offHeapWords` = Σ words of
 * "off_heap" entries; `head ≤ save ≤ items.length`; `head ≤ inner ≤ items.length`. Removing the front is O(1), removing from the
 * middle O(queue length) (an array splice).
 */
import type { RootSource, Term } from "@beamlab/heap";
import type { Pattern } from "./pattern.js";

export type Where = "heap" | "fragment" | "off_heap" | "signal" | "down";

export interface Entry {
  readonly msg: Term;
  readonly words: number;
  where: Where;
}

/** What a scan of the inner queue did: the messages it skipped (each one a `loop_rec_end`). */
export interface ScanCount {
  skipped: number;
}

export class Mailbox implements RootSource {
  private items: Entry[] = [];
  private head = 0;
  /** Index of the next entry the receive in progress will look at. */
  save = 0;
  /** Index of the first entry still in the outer signal queue (not yet fetched by a receive). */
  private inner = 0;
  fragmentWords = 0;
  offHeapWords = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(e: Entry): void {
    this.items.push(e);
    if (e.where === "fragment") this.fragmentWords += e.words;
    else if (e.where === "down") this.pendingDowns++;
    else if (e.where === "off_heap") this.offHeapWords += e.words;
  }

  /** Starts a new receive: scanning begins at the oldest message. */
  resetScan(): void {
    this.save = this.head;
  }

  /**
   * Scans from the save pointer for a message `p` accepts ("down" entries are not messages
   * yet: see {@link handleDowns}); removes and returns its entry, or
   * returns undefined (the save pointer is then at the end: the next scan looks only at newer
   * messages).
   */
  take(p: Pattern, beforeRemove?: () => void): Entry | undefined {
    this.fetchOuter();
    return this.takeInner(p, undefined, beforeRemove);
  }

  /**
   * Scans the inner queue from the save pointer for a message `p` accepts (the BEAM's loop_rec
   * over `sig_qs.first`): removes and returns its entry, or returns undefined with the save
   * pointer at the inner queue's end. `count`: the messages skipped are added to it.
   * `beforeRemove`: runs on the matching entry while it is still queued (what a clause runs
   * between the match and remove_message).
   */
  takeInner(p: Pattern, count?: ScanCount, beforeRemove?: () => void): Entry | undefined {
    const items = this.items;
    if (this.inner < this.head) this.inner = this.head;
    for (let i = this.save < this.head ? this.head : this.save; i < this.inner; i++) {
      const e = items[i] as Entry;
      if (e.where === "down") continue; // a 'DOWN' not yet handled is no message yet
      if (!p(e.msg)) {
        if (count !== undefined) count.skipped++;
        continue;
      }
      beforeRemove?.();
      this.removeAt(i);
      this.save = this.head;
      return e;
    }
    this.save = this.inner;
    return undefined;
  }

  /** Moves the messages of the outer queue into the inner one (erts_proc_sig_fetch); false when there were none. */
  fetchOuter(): boolean {
    if (this.inner >= this.items.length) return false;
    this.inner = this.items.length;
    return true;
  }

  /** Whether the newest message matches `p` (used to wake a receiver). */
  newestMatches(p: Pattern): boolean {
    const e = this.items[this.items.length - 1];
    return e !== undefined && p(e.msg);
  }

  /**
   * Removes every message `p` accepts (demonitor flush) and returns them, oldest first; one pass,
   * the queue is rebuilt only when something was removed. The next receive starts from the front.
   */
  removeAll(p: Pattern): Entry[] {
    const items = this.items;
    const removed: Entry[] = [];
    let kept: Entry[] | undefined;
    let innerKept = 0; // the kept entries that were in the inner queue
    for (let i = this.head; i < items.length; i++) {
      const e = items[i] as Entry;
      const hit = p(e.msg);
      if (!hit && i < this.inner) innerKept++;
      if (hit) {
        kept ??= items.slice(this.head, i);
        if (e.where === "fragment") this.fragmentWords -= e.words;
        else if (e.where === "off_heap") this.offHeapWords -= e.words;
        else if (e.where === "down") this.pendingDowns--;
        removed.push(e);
      } else kept?.push(e);
    }
    if (kept !== undefined) {
      this.items = kept;
      this.head = 0;
      this.inner = innerKept;
    }
    this.save = this.head;
    return removed;
  }

  entries(): readonly Entry[] {
    return this.items.slice(this.head);
  }

  /** "down" entries queued (see {@link handleDowns}). */
  pendingDowns = 0;

  /**
   * Converts queued "down" entries, oldest first, while the work done stays under `limitUnits`
   * (each costs `unitsEach`): `place` puts each one's data on the heap or in a fragment and
   * says which. Returns the units used.
   */
  handleDowns(limitUnits: number, unitsEach: number, place: (e: Entry) => "heap" | "fragment"): number {
    let units = 0;
    for (let i = this.head; i < this.items.length && this.pendingDowns > 0 && units < limitUnits; i++) {
      const e = this.items[i] as Entry;
      if (e.where !== "down") continue;
      const where = place(e);
      e.where = where;
      if (where === "fragment") this.fragmentWords += e.words;
      this.pendingDowns--;
      units += unitsEach;
    }
    return units;
  }

  /** Entries in "fragment" (on_heap data outside the heap), oldest first. */
  forEachFragment(f: (e: Entry) => void): void {
    for (let i = this.head; i < this.items.length; i++) {
      const e = this.items[i] as Entry;
      if (e.where === "fragment") f(e);
    }
  }

  /** Bookkeeping when a GC moved a "fragment" entry onto the heap. */
  movedToHeap(e: Entry): void {
    this.fragmentWords -= e.words;
    e.where = "heap";
  }

  forEachRoot(visit: (t: Term) => void): void {
    for (let i = this.head; i < this.items.length; i++) {
      const e = this.items[i] as Entry;
      if (e.where === "heap" && typeof e.msg === "object") visit(e.msg);
    }
  }

  /** What {@link forEachRoot} visits, pushed onto `out` (the collector's fast form). */
  pushRoots(out: Term[]): void {
    for (let i = this.head; i < this.items.length; i++) {
      const e = this.items[i] as Entry;
      if (e.where === "heap" && typeof e.msg === "object") out.push(e.msg);
    }
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.save = 0;
    this.inner = 0;
    this.fragmentWords = 0;
    this.offHeapWords = 0;
    this.pendingDowns = 0;
  }

  private removeAt(i: number): void {
    const e = this.items[i] as Entry;
    if (e.where === "fragment") this.fragmentWords -= e.words;
    else if (e.where === "off_heap") this.offHeapWords -= e.words;
    else if (e.where === "down") this.pendingDowns--;
    if (i === this.head) {
      this.head++;
      if (this.head === this.items.length) {
        if (this.head === 1) this.items.pop(); // the usual one-message queue: no length change
        else this.items.length = 0;
        this.head = 0;
        this.inner = 0;
      } else if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.save -= this.head;
        this.inner = Math.max(0, this.inner - this.head);
        this.head = 0;
      }
    } else {
      this.items.splice(i, 1);
      if (i < this.inner) this.inner--;
    }
  }
}
