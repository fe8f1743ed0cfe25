/**
 * Every scenario by id, in the order leak-lab lists them.
 *
 * `SCENARIOS`: the old-style list (each leak, its fixed variant, then the healthy node).
 * `PARAMETRIC_SCENARIOS`: the parametric scenarios of issue 11 first, then the six old ones
 * wrapped (no parameters; `leak` = the scenario, `fix` = its `.fixed` variant).
 */
import { wrapScenario } from "./define-scenario.js";
import { gcLifecycle } from "./gc-lifecycle/scenario.js";
import { genServerWork } from "./gen-server-work/scenario.js";
import { subBinaryCache } from "./sub-binary-cache/scenario.js";
import { agentVsTask } from "./agent-vs-task/scenario.js";
import { routers } from "./routers/scenario.js";
import { healthyNode } from "./healthy.js";
import { idleChildren } from "./idle-children.js";
import { mailboxBacklog } from "./mailbox-backlog.js";
import { pinnedRefc } from "./router.js";
import type { ParametricScenario, Scenario } from "./scenario.js";
import { subBinaryPinning } from "./sub-binary-cache.js";
import { tenuredGarbage } from "./tenured-garbage.js";

const LEAKS: readonly Scenario[] = [tenuredGarbage, idleChildren, pinnedRefc, subBinaryPinning, mailboxBacklog];

export const SCENARIOS: readonly Scenario[] = Object.freeze([...LEAKS.flatMap((s) => (s.fixed === undefined ? [s] : [s, s.fixed])), healthyNode]);

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** The six scenarios of issue 7 with the roles their processes take. */
const WRAPPED: readonly ParametricScenario[] = [
  wrapScenario(tenuredGarbage, ["server", "request_worker", "client"]),
  wrapScenario(idleChildren, ["supervisor", "agent", "task", "client"]),
  wrapScenario(pinnedRefc, ["router", "producer", "consumer"]),
  wrapScenario(subBinaryPinning, ["cache", "acceptor", "handler"]),
  wrapScenario(mailboxBacklog, ["producer", "consumer"]),
  wrapScenario(healthyNode, ["server", "request_worker", "client", "supervisor", "task", "router", "producer", "consumer", "cache", "acceptor", "handler"]),
];

/** The parametric scenarios of issue 11 (added as they are written). */
const ISSUE_11: readonly ParametricScenario[] = [genServerWork, agentVsTask, subBinaryCache, routers, gcLifecycle];

export const PARAMETRIC_SCENARIOS: readonly ParametricScenario[] = Object.freeze([...ISSUE_11, ...WRAPPED]);

export function parametricScenarioById(id: string): ParametricScenario | undefined {
  return PARAMETRIC_SCENARIOS.find((s) => s.id === id);
}
