/**
 * Starts the live node and the HTTP server on it; stops both on `close()`.
 * Invariant: the node's clock runs only while the server is up.
 */
import type { FastifyInstance } from "fastify";
import { buildServer } from "./http-server.js";
import { LiveNode, type LiveNodeOptions } from "./live-node.js";

export interface DemoServerOptions extends LiveNodeOptions {
  /** Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Default 4000; 0 picks a free port. */
  readonly port?: number;
}

export async function startDemoServer(o: DemoServerOptions = {}): Promise<{ url: string; node: LiveNode; app: FastifyInstance; close(): Promise<void> }> {
  const node = new LiveNode(o);
  const app = buildServer({ node });
  const address = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 4000 });
  node.start();
  return {
    url: address,
    node,
    app,
    close: async () => {
      node.stop();
      await app.close();
    },
  };
}
