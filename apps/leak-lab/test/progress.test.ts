// The progress bar `dump` shows while a dump streams in: the run's bar (cli-progress), over bytes read,
// on a terminal only.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { byteProgress } from "../src/commands/dump.js";

function terminal(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer | string, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  // cli-progress draws only on a stream that says it is a TTY
  Object.assign(stream, { isTTY: true, columns: 120 });
  return { stream, text: () => chunks.join("") };
}

describe("dump's progress bar", () => {
  it("draws the bytes read on a terminal", () => {
    const t = terminal();
    const bar = byteProgress({ out: () => undefined, err: () => undefined, progress: { stream: t.stream, isTTY: true } }, "reading dump", 0);
    bar.update(512 * 2 ** 20, 1024 * 2 ** 20);
    bar.stop();
    expect(t.text()).toMatch(/reading dump \[=+-+\] 50% 512\/1024 MiB/);
  });

  it("draws nothing when stderr is not a terminal", () => {
    const t = terminal();
    const bar = byteProgress({ out: () => undefined, err: () => undefined, progress: { stream: t.stream, isTTY: false } }, "reading dump", 0);
    bar.update(512 * 2 ** 20, 1024 * 2 ** 20);
    bar.stop();
    expect(t.text()).toBe("");
  });
});
