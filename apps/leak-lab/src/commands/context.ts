/**
 * What every command gets from the outside world, so tests run the CLI in-process with their
 * own streams and environment: output lines, stdin, whether stderr is a terminal (progress bar,
 * colour), the environment (NO_COLOR, ERL_CRASH_DUMP, PATH for --beam) and the directory that
 * relative paths are resolved against.
 */
import type { Output } from "./term.js";

export interface CliEnvironment extends Output {
  readonly stdin: NodeJS.ReadableStream;
  /** stdout is a terminal (colour, chart). Default false. */
  readonly isTTY?: boolean;
  /** Where the progress bar is drawn, when it is a terminal (stderr). */
  readonly progress?: { readonly stream: NodeJS.WritableStream; readonly isTTY: boolean };
  /** Environment variables (default: none). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory for relative paths (default: process.cwd()). */
  readonly cwd?: string;
}

export const envOf = (io: CliEnvironment): Readonly<Record<string, string | undefined>> => io.env ?? {};
export const cwdOf = (io: CliEnvironment): string => io.cwd ?? process.cwd();
