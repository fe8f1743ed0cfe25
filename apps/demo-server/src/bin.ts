#!/usr/bin/env node
/**
 * `demo-server [--host H] [--port P] [--memory-limit SIZE]`: the live node behind real HTTP.
 * Exit codes: 0 stopped by a signal, 1 the simulated node died (memory limit; crash dump
 * written), 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { startDemoServer } from "./start.js";

function parseSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/i.exec(s.trim());
  if (m === null) return undefined;
  const unit = (m[2] ?? "B").toLowerCase();
  const mult: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };
  return Math.floor(Number(m[1]) * (mult[unit] ?? 1));
}

function fail(msg: string): never {
  process.stderr.write(`demo-server: ${msg}\n`);
  process.exit(2);
}

let values: { host?: string | undefined; port?: string | undefined; "memory-limit"?: string | undefined };
try {
  ({ values } = parseArgs({ options: { host: { type: "string" }, port: { type: "string" }, "memory-limit": { type: "string" } }, strict: true }));
} catch (e) {
  fail(`${(e as Error).message} (usage: demo-server [--host H] [--port P] [--memory-limit 2GiB])`);
}
const port = values.port === undefined ? 4000 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
const limit = values["memory-limit"] === undefined ? undefined : parseSize(values["memory-limit"]);
if (values["memory-limit"] !== undefined && (limit === undefined || limit <= 0)) fail(`--memory-limit must be a size such as 512MiB or 2GiB, got ${values["memory-limit"]}`);

const server = await startDemoServer({
  host: values.host ?? "127.0.0.1",
  port,
  ...(limit !== undefined ? { memoryLimit: limit } : {}),
  onDeath: (slogan, dump) => {
    process.stderr.write(`demo-server: the simulated node died: ${slogan}\ndemo-server: crash dump written to ${dump} (read it with: pnpm leak-lab dump ${dump})\n`);
    void server.close().then(() => process.exit(1));
  },
});
process.stdout.write(`demo-server: the simulated node is up; dashboard at ${server.url}/\n`);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void server.close().then(() => process.exit(0)));
