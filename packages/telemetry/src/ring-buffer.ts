/**
 * A fixed-capacity ring buffer: the bounded storage under every sampler.
 *
 * Owns: at most `capacity` items in insertion order. Pushing onto a full buffer overwrites the
 * oldest item (and returns it), so memory never grows past `capacity` slots.
 * Invariants: 0 ≤ size ≤ capacity; `at(0)` is the oldest item kept, `at(size − 1)` the newest;
 * push is O(1) and allocates nothing once the backing array has reached `capacity`.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[] = [];
  private head = 0; // index of the oldest item once full
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.count;
  }

  /** Appends `item`; returns the item it evicted when the buffer was full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** The `i`-th oldest item kept (undefined outside 0..size−1). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.capacity];
  }

  /** The newest item. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Items oldest first (a copy). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }

  /** Keeps only the items for which `keep(item, index)` holds, in order (used by downsampling). */
  retain(keep: (item: T, index: number) => boolean): void {
    const kept = this.toArray().filter(keep);
    this.clear();
    for (const x of kept) this.push(x);
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.count = 0;
  }
}
