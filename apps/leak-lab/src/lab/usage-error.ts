/**
 * Bad input from the user (unknown scenario or parameter, a value out of range, a scenario file
 * that does not load): one line naming the problem and the valid choices, exit code 2. Thrown
 * anywhere below the commands; `cli.ts` turns it into that line, never a stack trace.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The first line of an error's message (a compiler's message can span several). */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n").find((l) => l.trim() !== "") ?? text).trim();
}
