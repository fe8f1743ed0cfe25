#!/usr/bin/env node
// Entry point of the leak-lab executable.
import { run } from "./cli.js";

// `leak-lab … | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY), // undefined (not false) when piped
  progress: { stream: process.stderr, isTTY: Boolean(process.stderr.isTTY) },
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
