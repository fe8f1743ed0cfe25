// The --band worker when leak-lab runs from its TypeScript source (tests, `pnpm leak-lab` via
// tsx): a worker thread does not inherit the parent's tsx loader, so this registers it in the
// worker first, then loads band-worker.ts. From the bundle, band-worker.js is used directly.
import { register } from "tsx/esm/api";

register();
const { default: bandRun } = await import("./band-worker.ts");
export default bandRun;
