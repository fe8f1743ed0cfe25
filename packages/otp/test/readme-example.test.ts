// The README's example, run as written (so the README cannot rot): its code block is written to
// a scratch module next to this test, imported (vitest compiles it), and removed afterwards.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it, vi } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(path.resolve(here, "../README.md"), "utf8");
const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
const expected = /```\n(count:[\s\S]*?)```/.exec(readme)?.[1] ?? "";
const scratch = path.join(here, `.readme-example-${process.pid}.ts`);
afterAll(() => {
  rmSync(scratch, { force: true });
});

it("the README example prints what the README says", async () => {
  writeFileSync(scratch, code);
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    lines.push(a.map(String).join(" "));
  });
  try {
    await import(/* @vite-ignore */ scratch);
  } finally {
    spy.mockRestore();
  }
  expect(lines.join("\n") + "\n").toBe(expected);
});
