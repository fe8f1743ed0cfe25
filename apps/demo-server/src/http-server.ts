/**
 * The demo server's HTTP face (fastify): the workload routes, the mode switch, Prometheus
 * metrics, JSON views of the node (what observer shows), a Server-Sent-Events stream of samples
 * and GC events, and the dashboard's static files.
 *
 * Owns: request validation (bounded bodies and parameters; bad input is `400` with
 * `{"error": …}` naming the field), the mapping of node errors to statuses (a crashed request
 * process → `500` with its reason, a full node → `503`, a dead node → `503` with the slogan);
 * nothing a handler throws takes the server down (fastify answers `500`).
 */
/* eslint-disable @typescript-eslint/require-await -- fastify route handlers are promise-based: an async handler's return value is the reply */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { PrometheusExporter, type ProcessSnapshot } from "@beamlab/telemetry";
import { LiveNode, NodeBusy, NodeDead, ROUTES, type Route } from "./live-node.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The dashboard's files: next to src/ in the repository and in the published package. */
const DASHBOARD = join(here, "..", "dashboard");
const require = createRequire(import.meta.url);

export interface ServerOptions {
  readonly node: LiveNode;
  /** Request bodies above this are refused (default 16 KiB). */
  readonly bodyLimit?: number;
}

class BadInput extends Error {}

function intParam(raw: unknown, name: string, min: number, max: number, dflt?: number): number {
  if (raw === undefined && dflt !== undefined) return dflt;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : typeof raw === "number" ? raw : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new BadInput(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function processRow(p: ProcessSnapshot) {
  return {
    pid: p.pid,
    name: p.registered_name ?? null,
    initial_call: p.initial_call,
    role: p.role ?? null,
    memory: p.memory,
    reductions: p.reductions,
    message_queue_len: p.message_queue_len,
    heap_size: p.heap_size,
    total_heap_size: p.total_heap_size,
    binary: (p.binary ?? []).reduce((a, b) => a + b.size, 0),
  };
}

export function buildServer(o: ServerOptions): FastifyInstance {
  const node = o.node;
  const app = Fastify({ bodyLimit: o.bodyLimit ?? 16 * 1024, logger: false });
  const prometheus = new PrometheusExporter({ snapshot: () => node.snapshot() });

  app.setErrorHandler((err: Error, _req, reply) => {
    if (err instanceof BadInput) return reply.code(400).send({ error: err.message });
    if (err instanceof NodeBusy) return reply.code(503).send({ error: err.message });
    if (err instanceof NodeDead) return reply.code(503).send({ error: `the node is dead: ${err.message}` });
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ error: err.message });
    return reply.code(500).send({ error: `the request's process crashed: ${err.message}` });
  });

  const done = (reply: FastifyReply, result: string) => reply.send({ ok: true, result });

  app.post("/work", async (req, reply) => {
    const n = intParam((req.query as Record<string, unknown>).n, "n", 1, 100_000);
    return done(reply, await node.work(n));
  });
  app.post("/events", async (_req, reply) => done(reply, await node.event()));
  app.post("/cache", async (req, reply) => {
    const bytes = intParam((req.query as Record<string, unknown>).bytes, "bytes", 65, 16 * 1024 * 1024, 65536);
    return done(reply, await node.cache(bytes));
  });
  app.put("/mode", async (req, reply) => {
    const body = req.body as Record<string, unknown> | undefined;
    const route = body?.route;
    const mode = body?.mode;
    if (typeof route !== "string" || !ROUTES.includes(route as Route)) throw new BadInput(`route must be one of ${ROUTES.join(", ")}, got ${JSON.stringify(route)}`);
    if (mode !== "leak" && mode !== "fix") throw new BadInput(`mode must be "leak" or "fix", got ${JSON.stringify(mode)}`);
    node.modes[route as Route] = mode;
    return reply.send({ modes: node.modes });
  });
  app.get("/mode", async () => ({ modes: node.modes }));

  app.get("/metrics", async (_req, reply) => reply.type("text/plain; version=0.0.4").send(await prometheus.metrics()));

  app.get("/api/memory", async () => ({ now: node.now, dead: node.dead ?? null, samples: node.samples.slice(-240) }));
  app.get("/api/processes", async (req) => {
    const q = req.query as Record<string, unknown>;
    const limit = intParam(q.limit, "limit", 1, 100_000, 2000);
    const ps = node.snapshot().processes.map(processRow).sort((a, b) => b.memory - a.memory);
    return { total: ps.length, processes: ps.slice(0, limit) };
  });
  app.get("/api/process/:pid", async (req, reply) => {
    const pid = (req.params as { pid: string }).pid;
    if (!/^<\d+\.\d+\.\d+>$/.test(pid)) throw new BadInput(`pid must look like <0.123.0>, got ${JSON.stringify(pid)}`);
    const p = node.snapshot().processes.find((x) => x.pid === pid);
    if (p === undefined) return reply.code(404).send({ error: `no process ${pid}` });
    return { ...processRow(p), stack_size: p.stack_size, gc: p.garbage_collection_info ?? null, minor_gcs: p.garbage_collection?.minor_gcs ?? 0, gc_history: node.gcEvents.filter((e) => e.pid === pid).slice(-100), binaries: p.binary ?? [] };
  });
  app.get("/api/tree", async () => {
    const ps = node.snapshot().processes;
    const byPid = new Map(ps.map((p) => [p.pid, p]));
    const sups = ps.filter((p) => (p.children?.length ?? 0) > 0 || p.role === "supervisor");
    return {
      // each supervisor with its parent (the first of '$ancestors'), its child count and the
      // first children by memory, so the dashboard draws the tree as observer does
      supervisors: sups.map((s) => {
        const kids = (s.children ?? []).map((c) => byPid.get(c)).filter((c) => c !== undefined);
        return {
          pid: s.pid,
          name: s.registered_name ?? s.initial_call,
          role: s.role ?? null,
          parent: s.parent ?? null,
          children: (s.children ?? []).length,
          child_memory: kids.reduce((a, c) => a + c.memory, 0),
          first_children: [...kids].sort((a, b) => b.memory - a.memory).slice(0, 5).map((c) => ({ pid: c.pid, name: c.registered_name ?? c.initial_call, role: c.role ?? null, memory: c.memory })),
        };
      }),
    };
  });
  app.get("/api/findings", async () => ({ findings: node.findings() }));
  app.get("/api/binaries", async (req) => {
    const limit = intParam((req.query as Record<string, unknown>).limit, "limit", 1, 100_000, 200);
    const rows = node.snapshot().binaries ?? [];
    return { total: rows.length, binaries: [...rows].sort((a, b) => b.size - a.size).slice(0, limit) };
  });

  app.get("/api/stream", (req, reply) => {
    reply.raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    let sentGc = node.gcEvents.length;
    const timer = setInterval(() => {
      const last = node.samples[node.samples.length - 1];
      if (last !== undefined) reply.raw.write(`event: sample\ndata: ${JSON.stringify(last)}\n\n`);
      const fresh = node.gcEvents.slice(Math.min(sentGc, node.gcEvents.length)).slice(-200);
      sentGc = node.gcEvents.length;
      if (fresh.length > 0) reply.raw.write(`event: gc\ndata: ${JSON.stringify(fresh)}\n\n`);
    }, 500);
    req.raw.on("close", () => { clearInterval(timer); });
  });

  // the dashboard: its page and script, and uPlot from node_modules (no CDN)
  const page = (file: string, type: string) => async (_req: unknown, reply: FastifyReply) => reply.type(type).send(readFileSync(join(DASHBOARD, file)));
  app.get("/", page("index.html", "text/html; charset=utf-8"));
  app.get("/app.js", page("app.js", "text/javascript; charset=utf-8"));
  app.get("/app.css", page("app.css", "text/css; charset=utf-8"));
  const uplotDir = dirname(require.resolve("uplot/package.json"));
  app.get("/vendor/uplot.js", async (_r, reply) => reply.type("text/javascript").send(readFileSync(join(uplotDir, "dist", "uPlot.iife.min.js"))));
  app.get("/vendor/uplot.css", async (_r, reply) => reply.type("text/css").send(readFileSync(join(uplotDir, "dist", "uPlot.min.css"))));
  return app;
}
