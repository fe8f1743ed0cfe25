/**
 * @beamlab/demo-server: real HTTP traffic into a simulated BEAM node and an observer-like
 * dashboard. `startDemoServer` is what the `demo-server` binary runs.
 */
export { LiveNode, NodeBusy, NodeDead, ROUTES, type LiveNodeOptions, type Route, type Sample, type GcEventRow } from "./live-node.js";
export { buildServer, type ServerOptions } from "./http-server.js";
export { startDemoServer, type DemoServerOptions } from "./start.js";
