/**
 * Byte counts for a person: `formatBytes(1638400)` is "1.6 MiB", as observer and recon's
 * output read. Owns the one formatter that findings' summaries and leak-lab's views share.
 * Invariant: binary units (1 KiB = 1024 B); below 1 KiB the exact count ("952 B"); three
 * significant figures at most above it; machine-readable figures stay in `evidence`, in bytes.
 */
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${UNITS[u]}`;
}
