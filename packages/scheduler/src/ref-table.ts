/**
 * A process's monitor table (ref → process), in insertion order.
 *
 * Owns: the monitors a process holds or is the target of. Most processes have a handful (a
 * gen_server call holds one for its duration), so up to {@link SMALL} entries live in two
 * parallel arrays (identity search, no hashing, no hash-table churn when a monitor is made and
 * removed on every call); beyond that, a Map. Keys compare by identity, like a Map.
 * Invariant: iteration order is insertion order in both representations.
 */
import type { Ref } from "@beamlab/heap";

const SMALL = 8;

export class RefTable<V> {
  private ks: Ref[] = [];
  private vs: V[] = [];
  private m: Map<Ref, V> | undefined = undefined;

  get size(): number {
    return this.m === undefined ? this.ks.length : this.m.size;
  }

  get(k: Ref): V | undefined {
    if (this.m !== undefined) return this.m.get(k);
    const i = this.ks.indexOf(k);
    return i < 0 ? undefined : this.vs[i];
  }

  set(k: Ref, v: V): void {
    if (this.m !== undefined) {
      this.m.set(k, v);
      return;
    }
    const i = this.ks.indexOf(k);
    if (i >= 0) this.vs[i] = v;
    else if (this.ks.length < SMALL) {
      this.ks.push(k);
      this.vs.push(v);
    } else {
      const m = new Map<Ref, V>();
      for (let j = 0; j < this.ks.length; j++) m.set(this.ks[j] as Ref, this.vs[j] as V);
      m.set(k, v);
      this.m = m;
      this.ks = [];
      this.vs = [];
    }
  }

  delete(k: Ref): boolean {
    const m = this.m;
    if (m !== undefined) {
      const had = m.delete(k);
      if (m.size === 0) this.m = undefined;
      return had;
    }
    const ks = this.ks;
    const i = ks.indexOf(k);
    if (i < 0) return false;
    if (i === ks.length - 1) {
      ks.pop();
      this.vs.pop();
    } else {
      ks.splice(i, 1);
      this.vs.splice(i, 1);
    }
    return true;
  }

  /** The values, in insertion order. */
  values(): V[] {
    return this.m === undefined ? this.vs.slice() : [...this.m.values()];
  }

  /** The entries, in insertion order (a snapshot). */
  entries(): [Ref, V][] {
    if (this.m !== undefined) return [...this.m.entries()];
    return this.ks.map((k, i) => [k, this.vs[i] as V]);
  }
}
