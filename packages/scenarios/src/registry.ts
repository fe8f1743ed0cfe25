/**
 * Every scenario by id, in the order leak-lab lists them: each leak, its fixed variant, then the
 * healthy node.
 */
import { healthyNode } from "./healthy.js";
import { idleChildren } from "./idle-children.js";
import { mailboxBacklog } from "./mailbox-backlog.js";
import { pinnedRefc } from "./router.js";
import type { Scenario } from "./scenario.js";
import { subBinaryPinning } from "./sub-binary-cache.js";
import { tenuredGarbage } from "./tenured-garbage.js";

const LEAKS: readonly Scenario[] = [tenuredGarbage, idleChildren, pinnedRefc, subBinaryPinning, mailboxBacklog];

export const SCENARIOS: readonly Scenario[] = Object.freeze([...LEAKS.flatMap((s) => (s.fixed === undefined ? [s] : [s, s.fixed])), healthyNode]);

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
