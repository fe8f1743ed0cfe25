/**
 * The error `parseTerm` throws for text that is not a term (lexical or syntax error, or a literal
 * whose evaluation fails, e.g. `<<1.5>>` or an atom longer than 255 characters).
 *
 * Invariant: `line` and `column` are 1-based and point at the offending character or token
 * (columns count Unicode code points, like erl_scan); `found` is that token's text or
 * `"end of input"`; `message` is `"<line>:<column>: expected <expected> but found <found>"`.
 */
export class TermParseError extends Error {
  override readonly name = "TermParseError";
  constructor(
    /** 1-based line of the offending token. */
    readonly line: number,
    /** 1-based column (in code points) of the offending token. */
    readonly column: number,
    /** The offending token's text (possibly truncated), or `"end of input"`. */
    readonly found: string,
    /** What would have been accepted there, e.g. `"',' or '}'"`. */
    readonly expected: string,
  ) {
    super(`${line}:${column}: expected ${expected} but found ${found === END_OF_INPUT ? found : `'${found}'`}`);
  }
}

/** The `found` text of an error at the end of the input. */
export const END_OF_INPUT = "end of input";
