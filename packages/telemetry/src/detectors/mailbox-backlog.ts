/**
 * Detector 5, mailbox backlog: a message queue that grows faster than the process drains it.
 *
 * Owns: the rule below. Reads `message_queue_len`; when the source also reports the cumulative
 * `messages_in` / `messages_out` (beamlab fields), the arrival and drain rates are added to the
 * evidence. Rates are per 1000 units of the snapshot clock (per second when `time` is in ms).
 * Rule: over at least `minSamples` samples,
 *  - the queue grew in at least `minRisingFraction` of the steps,
 *  - by at least `minGrowth` messages (first → last), and
 *  - is at least `minQueueLen` long at the last sample.
 */
import { culpritOf, risingFraction, round, tracks, type Finding } from "./finding.js";
import type { NodeSnapshot } from "../snapshot.js";

export interface MailboxBacklogOptions {
  /** Default 4. */
  readonly minSamples?: number;
  /** Default 0.75. */
  readonly minRisingFraction?: number;
  /** Default 50 messages. */
  readonly minGrowth?: number;
  /** Default 100 messages. */
  readonly minQueueLen?: number;
}

export const MAILBOX_BACKLOG_DEFAULTS: Required<MailboxBacklogOptions> = Object.freeze({
  minSamples: 4,
  minRisingFraction: 0.75,
  minGrowth: 50,
  minQueueLen: 100,
});

export function detectMailboxBacklog(series: readonly NodeSnapshot[], options: MailboxBacklogOptions = {}): Finding[] {
  const o = { ...MAILBOX_BACKLOG_DEFAULTS, ...options };
  const out: Finding[] = [];
  for (const track of tracks(series).values()) {
    if (track.length < o.minSamples) continue;
    const q = track.map((t) => t.p.message_queue_len);
    const first = track[0];
    const last = track[track.length - 1];
    if (first === undefined || last === undefined) continue;
    const growth = last.p.message_queue_len - first.p.message_queue_len;
    const rising = risingFraction(q);
    if (rising < o.minRisingFraction || growth < o.minGrowth || last.p.message_queue_len < o.minQueueLen) continue;
    const dt = last.time - first.time;
    const perK = (x: number): number => (dt > 0 ? round((x * 1000) / dt, 3) : 0);
    const rates: Record<string, number> = {};
    if (first.p.messages_in !== undefined && last.p.messages_in !== undefined) rates.arrival_rate = perK(last.p.messages_in - first.p.messages_in);
    if (first.p.messages_out !== undefined && last.p.messages_out !== undefined) rates.drain_rate = perK(last.p.messages_out - first.p.messages_out);
    out.push({
      kind: "mailbox_backlog",
      culprits: [culpritOf(last.p)],
      evidence: {
        samples: track.length,
        message_queue_len_first: first.p.message_queue_len,
        message_queue_len_last: last.p.message_queue_len,
        rising_fraction: round(rising),
        growth_rate: perK(growth),
        ...rates,
        memory: last.p.memory,
      },
      fix:
        "Messages arrive faster than the process handles them. Apply back-pressure (gen_server:call instead of cast, " +
        "bounded producers), shed or batch load, spread the work over a pool of workers, or make each message " +
        "cheaper to handle; check for a selective receive that scans a long queue on every message.",
      summary: `${culpritOf(last.p).name} (${last.p.pid}): message queue ${first.p.message_queue_len} → ${last.p.message_queue_len} over ${track.length} samples`,
    });
  }
  return out;
}
