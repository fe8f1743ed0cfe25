/**
 * Decimal digits of non-negative integers, in closed form: what `integer_to_list/1` makes
 * (2 heap words per digit) and how many digits `1..n` have in all.
 */

/** Digits of `v` (v ≥ 0). */
export function digits(v: number): number {
  let d = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    d++;
  }
  return d;
}

/** The first value above `v` with one more digit (10, 100, …). */
export function nextPowerOfTen(v: number): number {
  let p = 10;
  while (p <= v) p *= 10;
  return p;
}

/** Σ digits(i) for i in 1..n. */
export function digitsOfRange(n: number): number {
  let total = 0;
  let d = 1;
  let lo = 1;
  while (lo <= n) {
    const hi = Math.min(n, lo * 10 - 1);
    total += (hi - lo + 1) * d;
    lo *= 10;
    d++;
  }
  return total;
}

/** Bytes [from, to) of the concatenated decimal digits of 1..n (`list_to_binary` of their strings). */
export function digitsText(n: number, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  let at = 0;
  let i = 1;
  // skip whole decades before `from`
  let d = 1;
  let lo = 1;
  while (lo <= n) {
    const hi = Math.min(n, lo * 10 - 1);
    const bytes = (hi - lo + 1) * d;
    if (at + bytes > from) break;
    at += bytes;
    lo *= 10;
    d++;
  }
  i = lo + Math.floor((from - at) / d);
  at += (i - lo) * d;
  let k = 0;
  for (; i <= n && at < to; i++) {
    const s = String(i);
    for (let c = 0; c < s.length; c++, at++) if (at >= from && at < to) out[k++] = s.charCodeAt(c);
  }
  return out;
}
