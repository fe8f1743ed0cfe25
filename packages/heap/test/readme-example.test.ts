// The README's examples, run as written (so the README cannot rot).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as heap from "@beamlab/heap";

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../README.md"), "utf8");
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("README examples", () => {
  it.each(examples.map((code, i) => [i, code] as const))("example %i runs", (_i, code) => {
    const logs: unknown[][] = [];
    const body = code.replace(/^import .*$/gm, "");
    // Each example names what it imports; bind exactly those (examples may declare other names).
    const imported = [...code.matchAll(/^import \{([^}]*)\}/gm)].flatMap((m) => m[1]!.split(",").map((n) => n.trim()).filter(Boolean));
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the README's code is the point
    const run = new Function("heap", "console", `const { ${imported.join(", ")} } = heap;\n${body}`) as (h: typeof heap, c: { log: (...a: unknown[]) => void }) => void;
    run(heap, { log: (...a: unknown[]) => logs.push(a) });
    expect(logs.length).toBeGreaterThan(0);
  });
});
