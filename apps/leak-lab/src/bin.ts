#!/usr/bin/env node
// Entry point of the leak-lab executable.
import { run } from "./cli.js";

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exitCode = code;
