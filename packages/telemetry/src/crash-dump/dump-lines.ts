/**
 * Lines of a (possibly gzipped) erl_crash.dump, streamed in bounded memory.
 *
 * Owns: splitting a byte stream into lines without ever holding more than `maxLineBytes` of one
 * line (a dump's `=binary` line carries the whole binary in base64 and can be gigabytes long: the
 * rest of such a line is counted, not kept), transparent gunzip (by the gzip magic bytes), and
 * telling binary input apart (a NUL byte).
 * Invariant: memory held is O(chunk size + maxLineBytes), whatever the input.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";

export interface DumpLine {
  /** 1-based. */
  readonly no: number;
  /** The line without its newline, cut at `maxLineBytes`. */
  readonly text: string;
  /** Bytes of the full line (without the newline). */
  readonly bytes: number;
  readonly cut: boolean;
}

export interface LineSourceOptions {
  readonly maxLineBytes?: number;
  /** Called with bytes read from the file so far and the file size (compressed bytes for .gz). */
  readonly onProgress?: (read: number, total: number) => void;
}

export class BinaryInputError extends Error {
  constructor(readonly line: number) {
    super(`binary data (a NUL byte) at line ${line}`);
  }
}

/**
 * Splits chunks into lines, one batch (array) of lines per chunk: a generator step per line would
 * cost more than reading it. A line inside one chunk is decoded straight from it; a line spanning
 * chunks keeps at most `maxLineBytes` of its pieces.
 */
async function* splitLines(input: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<DumpLine[]> {
  let parts: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  let no = 0;
  const flush = (): DumpLine => {
    no++;
    const line: DumpLine = { no, text: Buffer.concat(parts).toString("utf8").replace(/\r$/, ""), bytes, cut: bytes > kept };
    parts = [];
    kept = 0;
    bytes = 0;
    return line;
  };
  for await (const chunk of input) {
    const batch: DumpLine[] = [];
    const nul = chunk.indexOf(0);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (nul !== -1 && nul >= start && nul < end) throw new BinaryInputError(no + 1);
      if (nl !== -1 && bytes === 0 && end - start <= maxLineBytes) {
        // the common case: a whole line inside this chunk
        no++;
        const last = end > start && chunk[end - 1] === 13 ? end - 1 : end;
        batch.push({ no, text: chunk.toString("utf8", start, last), bytes: end - start, cut: false });
        start = nl + 1;
        continue;
      }
      const piece = chunk.subarray(start, end);
      bytes += piece.length;
      if (kept < maxLineBytes) {
        const take = piece.subarray(0, maxLineBytes - kept);
        parts.push(Buffer.from(take));
        kept += take.length;
      }
      if (nl === -1) break;
      batch.push(flush());
      start = nl + 1;
    }
    if (batch.length > 0) yield batch;
  }
  if (bytes > 0) yield [flush()];
}

/** Lines of a stream, in batches (gunzipped when it starts with the gzip magic bytes). */
export async function* dumpLines(stream: Readable, options: LineSourceOptions = {}): AsyncGenerator<DumpLine[]> {
  const max = options.maxLineBytes ?? 64 * 1024;
  async function* maybeGunzip(): AsyncGenerator<Buffer> {
    const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await it.next();
    if (first.done === true) return;
    const head = first.value;
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield head;
      for (;;) {
        const n = await it.next();
        if (n.done === true) return;
        yield n.value;
      }
    };
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip();
      const source = rest();
      void (async () => {
        try {
          for await (const c of source) if (!gunzip.write(c)) await new Promise((r) => gunzip.once("drain", r));
          gunzip.end();
        } catch (e) {
          gunzip.destroy(e as Error);
        }
      })();
      yield* gunzip as AsyncIterable<Buffer>;
    } else yield* rest();
  }
  yield* splitLines(maybeGunzip(), max);
}

/** Lines of a file (`.gz` or plain), in batches, with progress over the file's bytes. */
export async function* dumpFileLines(path: string, options: LineSourceOptions = {}): AsyncGenerator<DumpLine[]> {
  const total = (await stat(path)).size;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (options.onProgress !== undefined) {
    const report = options.onProgress;
    let read = 0;
    stream.on("data", (c) => {
      read += c.length;
      report(read, total);
    });
  }
  yield* dumpLines(stream, options);
}
