import { describe, expect, it } from "vitest";
import { schedFixture } from "./twins/fixture.js";
import { runMailboxTwin, type TraceEvent } from "./twins/mailbox.twin.js";

const fx = schedFixture();

describe("message-queue memory: twins of sched_traces.json mailboxes", () => {
  it("the fixture is from OTP 25 with CONTEXT_REDS 4000", () => {
    expect(fx.otp_release).toBe("25");
    expect(fx.context_reductions).toBe(4000);
  });
  it.each(fx.mailboxes.map((c) => [c.id, c] as const))("%s: every checkpoint matches the BEAM", (_id, c) => {
    expect(runMailboxTwin(c)).toEqual(c.checkpoints);
  });
  it.each(fx.mailboxes.map((c) => [c.id, c] as const))("%s: the GC trace (traced run) matches the BEAM event by event", (_id, c) => {
    const events: TraceEvent[] = [];
    runMailboxTwin(c, true, events);
    expect(events).toEqual(c.gc_events);
  });
});
