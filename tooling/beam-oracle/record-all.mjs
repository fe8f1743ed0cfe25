#!/usr/bin/env node
// `pnpm oracle:record`: re-records every fixture from the live BEAM into the given folder.
import path from "node:path";
import { liveErlRelease, recordAll } from "./oracle.mjs";

const outDir = path.resolve(process.argv[2] ?? "fixtures");
const release = liveErlRelease();
if (release === undefined) {
  console.error("oracle:record needs erl on PATH (Debian: apt-get install -y erlang-base)");
  process.exit(1);
}
if (release !== "25") console.warn(`warning: fixtures are defined for OTP 25, this erl is OTP ${release}`);
for (const name of recordAll(outDir)) console.log(`recorded ${path.join(outDir, `${name}.json`)}`);
