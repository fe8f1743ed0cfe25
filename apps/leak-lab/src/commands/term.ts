/**
 * `leak-lab term …`: look at single Erlang terms the way the BEAM sizes them.
 *
 * - `term size [--json] TERM...` prints each term's flat size (`erts_debug:flat_size/1`) in
 *   words and bytes, and its size with sharing (`erts_debug:size/1`, equal for a literal);
 *   `-` reads one term per line from standard input.
 * - `term parse TERM...` prints each term in canonical form.
 *
 * Invariant: one bad term never hides the others. Every input gets an answer line (or an error
 * line on stderr naming where the problem is), and the exit code is 2 if any term was bad.
 */
import { createInterface } from "node:readline";
import { flatSize, parseTerm, printTerm, sharedSize, TermParseError, WORD_SIZE } from "@beamlab/heap";

export interface TermInput {
  /** The text as given. */
  readonly text: string;
  /** Where it came from, for error messages: `argument 2`, `stdin line 7`. */
  readonly origin: string;
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Expands `-` into the lines of standard input (blank lines skipped). */
export async function* termInputs(args: readonly string[], stdin: NodeJS.ReadableStream): AsyncGenerator<TermInput> {
  let index = 0;
  for (const arg of args) {
    index++;
    if (arg !== "-") {
      yield { text: arg, origin: `argument ${index}` };
      continue;
    }
    let lineNo = 0;
    for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === "") continue;
      yield { text: line, origin: `stdin line ${lineNo}` };
    }
  }
}

function describeError(input: TermInput, error: unknown): string {
  if (error instanceof TermParseError) return `leak-lab: ${input.origin}: ${error.message}`;
  return `leak-lab: ${input.origin}: ${error instanceof Error ? error.message : String(error)}`;
}

/** `term size`; resolves to the exit code. */
export async function termSize(inputs: AsyncIterable<TermInput>, json: boolean, io: Output): Promise<number> {
  let failed = false;
  for await (const input of inputs) {
    try {
      const term = parseTerm(input.text);
      const flat = flatSize(term);
      const shared = sharedSize(term);
      if (json) {
        io.out(JSON.stringify({ term: input.text, flat_size: flat, size: shared }));
      } else {
        const sharing = shared === flat ? "" : `, ${shared} words with sharing`;
        io.out(`${input.text.trim()}  ${flat} words (${flat * WORD_SIZE} bytes)${sharing}`);
      }
    } catch (error) {
      failed = true;
      io.err(describeError(input, error));
    }
  }
  return failed ? 2 : 0;
}

/** `term parse`; resolves to the exit code. */
export async function termParse(inputs: AsyncIterable<TermInput>, io: Output): Promise<number> {
  let failed = false;
  for await (const input of inputs) {
    try {
      io.out(printTerm(parseTerm(input.text)));
    } catch (error) {
      failed = true;
      io.err(describeError(input, error));
    }
  }
  return failed ? 2 : 0;
}
