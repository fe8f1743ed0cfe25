#!/usr/bin/env node
// CLI for graph.mjs: exits 1 and lists every upward import or cycle between workspace packages.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkGraph } from "./graph.mjs";

const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const problems = checkGraph(root);
if (problems.length > 0) {
  console.error(`package graph: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log("package graph: ok (dependencies point strictly downward, no cycles)");
