/**
 * A progress bar (cli-progress) on stderr for runs that take a while: shown only when stderr is
 * a TTY, and only once the run has lasted {@link SHOW_AFTER_MS} of wall time, so quick runs and
 * piped output never see it. `stop()` clears it before the results are printed.
 */
import { SingleBar } from "cli-progress";

export const SHOW_AFTER_MS = 1000;

export interface Progress {
  /** fraction in 0..1. */
  update(fraction: number, label?: string): void;
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

export function progressBar(stream: NodeJS.WritableStream | undefined, isTTY: boolean, title: string, showAfterMs = SHOW_AFTER_MS): Progress {
  if (stream === undefined || !isTTY) return NONE;
  const started = Date.now();
  let bar: SingleBar | undefined;
  return {
    update(fraction, label) {
      if (bar === undefined) {
        if (Date.now() - started < showAfterMs) return;
        bar = new SingleBar({ stream, format: `${title} [{bar}] {percentage}% {label}`, hideCursor: true, clearOnComplete: true, fps: 10 });
        bar.start(1000, 0, { label: "" });
      }
      bar.update(Math.round(fraction * 1000), { label: label ?? "" });
    },
    stop() {
      bar?.stop();
    },
  };
}
