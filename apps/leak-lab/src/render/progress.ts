/**
 * A progress bar (cli-progress) on stderr for runs that take a while: shown only when stderr is
 * a TTY, and only once the run has lasted {@link SHOW_AFTER_MS} of wall time, so quick runs and
 * piped output never see it. `stop()` clears it before the results are printed. A fraction of
 * `undefined` (the total is not known) draws no bar, only the label (e.g. the virtual time).
 * cli-progress is required when a bar is first drawn, not at startup (most runs never draw one).
 */
import { createRequire } from "node:module";
import type { SingleBar } from "cli-progress";

export const SHOW_AFTER_MS = 1000;

export interface Progress {
  /** fraction in 0..1, or undefined when it is not known (only the label is shown). */
  update(fraction: number | undefined, label?: string): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

export function progressBar(stream: NodeJS.WritableStream | undefined, isTTY: boolean, title: string, showAfterMs = SHOW_AFTER_MS): Progress {
  if (stream === undefined || !isTTY) return NONE;
  const started = Date.now();
  let bar: SingleBar | undefined;
  let known: boolean | undefined;
  return {
    update(fraction, label) {
      if (bar === undefined) {
        if (Date.now() - started < showAfterMs) return;
        known = fraction !== undefined;
        const format = known ? `${title} [{bar}] {percentage}% {label}` : `${title} {label}`;
        const { SingleBar: Bar } = createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress");
        bar = new Bar({ stream, format, hideCursor: true, clearOnComplete: true, fps: 10 });
        bar.start(1000, 0, { label: "" });
      }
      bar.update(fraction === undefined || known === false ? 0 : Math.round(fraction * 1000), { label: label ?? "" });
    },
    stop() {
      bar?.stop();
    },
  };
}
