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

// Node types say `isTTY: boolean`, but a piped stream has no isTTY at all (undefined).
const tty = (s: { isTTY?: boolean | undefined }): boolean => s.isTTY === true;

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: tty(process.stdout),
  progress: { stream: process.stderr, isTTY: tty(process.stderr) },
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
