/**
 * All leak detectors at once.
 *
 * Owns: running the five detectors over one series with their options, in a fixed order
 * (tenured garbage, idle children, pinned refc, sub-binary pinning, mailbox backlog).
 * Invariant: the result is the concatenation of each detector's findings; `only` restricts it.
 */
import type { NodeSnapshot } from "../snapshot.js";
import { sharingTracks, type Finding, type FindingKind } from "./finding.js";
import { detectIdleChildren, type IdleChildrenOptions } from "./idle-children.js";
import { detectMailboxBacklog, type MailboxBacklogOptions } from "./mailbox-backlog.js";
import { detectPinnedRefc, type PinnedRefcOptions } from "./pinned-refc.js";
import { detectSubBinaryPinning, type SubBinaryPinningOptions } from "./sub-binary-pinning.js";
import { detectTenuredGarbage, type TenuredGarbageOptions } from "./tenured-garbage.js";

export interface DetectLeaksOptions {
  readonly tenuredGarbage?: TenuredGarbageOptions;
  readonly idleChildren?: IdleChildrenOptions;
  readonly pinnedRefc?: PinnedRefcOptions;
  readonly subBinaryPinning?: SubBinaryPinningOptions;
  readonly mailboxBacklog?: MailboxBacklogOptions;
  /** Run only these kinds (default: all). */
  readonly only?: readonly FindingKind[];
}

export function detectLeaks(series: readonly NodeSnapshot[], options: DetectLeaksOptions = {}): Finding[] {
  const run = (k: FindingKind): boolean => options.only === undefined || options.only.includes(k);
  return sharingTracks(series, () => [
    ...(run("tenured_garbage") ? detectTenuredGarbage(series, options.tenuredGarbage) : []),
    ...(run("children_never_terminate") ? detectIdleChildren(series, options.idleChildren) : []),
    ...(run("refc_binaries_pinned") ? detectPinnedRefc(series, options.pinnedRefc) : []),
    ...(run("sub_binary_pinning") ? detectSubBinaryPinning(series, options.subBinaryPinning) : []),
    ...(run("mailbox_backlog") ? detectMailboxBacklog(series, options.mailboxBacklog) : []),
  ]);
}
