/**
 * How leak-lab writes for a person: colour only on a terminal and never under NO_COLOR, sizes in
 * KiB/MiB/GiB, numbers right-aligned in tables.
 *
 * Owns {@link Style} (the colour functions, on or off) and the small formatters every view
 * shares. Invariant: with colour off, output is plain ASCII-compatible text with no escapes, so
 * piped output and tests see exactly the words.
 */
import { formatBytes } from "@beamlab/telemetry";
import { createColors } from "picocolors";

export type Style = ReturnType<typeof createColors>;

/** Colour on iff the output is a TTY, NO_COLOR is unset or empty, and not turned off by a flag. */
export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>, flag = true): Style {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  return createColors(isTTY && flag && !noColor);
}

/** Sizes as findings print them (telemetry's formatter: one rule for both). */
export const fmtBytes = formatBytes;

export function fmtNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    indent + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}
