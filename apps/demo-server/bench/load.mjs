#!/usr/bin/env node
/**
 * Bench (issue 14): a bounded load test of the demo server from its bundle — autocannon on
 * loopback, a fixed duration per case — reporting requests/s, p99 latency, the Node process's
 * peak RSS and the simulated node's erlang:memory(total), for POST /work in leak and in fix mode.
 * The point: Node's own RSS stays bounded in both modes while the simulated node's memory grows
 * in leak mode. Reported, never asserted. `BENCH_QUICK=1` runs 3 s per case instead of 10.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const seconds = process.env.BENCH_QUICK === "1" ? 3 : 10;
const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;

async function startServer() {
  const child = spawn(process.execPath, [join(app, "dist", "bin.js"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      const m = /dashboard at (http:\/\/[^/\s]+)\//.exec(String(d));
      if (m) resolve(m[1]);
    });
    child.on("exit", (c) => reject(new Error(`demo-server exited (${c})`)));
  });
  return { child, url };
}

function rssOf(pid) {
  // /proc/<pid>/status VmHWM: the peak resident set of the server process
  return import("node:fs").then((fs) => {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : NaN;
  });
}

console.log(`demo-server load bench: autocannon, loopback, ${seconds} s per case, 10 connections`);
console.log("  case                     req/s    p99 (ms)   Node peak RSS   simulated memory(total)   processes");
for (const mode of ["leak", "fix"]) {
  const { child, url } = await startServer();
  try {
    await fetch(`${url}/mode`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ route: "work", mode }) });
    const r = await autocannon({ url: `${url}/work?n=3000`, method: "POST", connections: 10, duration: seconds });
    const mem = await (await fetch(`${url}/api/memory`)).json();
    const last = mem.samples[mem.samples.length - 1]?.memory ?? {};
    const rss = await rssOf(child.pid);
    console.log(`  POST /work?n=3000 ${mode.padEnd(5)} ${r.requests.average.toFixed(0).padStart(7)}   ${String(r.latency.p99).padStart(8)}   ${mib(rss).padStart(13)}   ${mib(last.total ?? 0).padStart(23)}   ${mib(last.processes ?? 0).padStart(9)}   (${r.non2xx} non-2xx)`);
  } finally {
    child.kill("SIGTERM");
  }
}
