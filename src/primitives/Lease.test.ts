import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { LeaseExpiredError, LeaseHeldError, StaleFencingTokenError } from "./errors.js";
import { FencedStore } from "./FencedStore.js";
import { Lease } from "./Lease.js";
import { LeaseTable } from "./LeaseTable.js";

describe("LeaseTable", () => {
  it("shows that a lease excludes others until it expires, and each new grant gets a larger token", () => {
    const clock = new ManualClock();
    const table = new LeaseTable({ clock });
    const first = table.acquire("lock", "c1", 10_000);
    expect(first.token).toBe(1);
    expect(() => table.acquire("lock", "c2", 10_000)).toThrow(LeaseHeldError);
    clock.advanceMs(10_000);
    const second = table.acquire("lock", "c2", 10_000);
    expect(second.token).toBe(2);
    expect(table.holder("lock")?.holder).toBe("c2");
  });

  it("shows that renewal keeps the token and extends the lease; a lapsed or foreign renewal fails", () => {
    const clock = new ManualClock();
    const table = new LeaseTable({ clock });
    const grant = table.acquire("lock", "c1", 1000);
    clock.advanceMs(900);
    expect(table.renew("lock", "c1", grant.token, 1000).token).toBe(grant.token);
    clock.advanceMs(900);
    expect(() => table.acquire("lock", "c2", 1000)).toThrow(LeaseHeldError);
    expect(() => table.renew("lock", "c2", grant.token, 1000)).toThrow(LeaseExpiredError);
    clock.advanceMs(100);
    expect(() => table.renew("lock", "c1", grant.token, 1000)).toThrow(LeaseExpiredError);
    const regrant = table.acquire("lock", "c1", 1000);
    expect(regrant.token).toBe(2);
    table.release("lock", "c1", regrant.token);
    expect(table.holder("lock")).toBeUndefined();
    expect(() => table.acquire("lock", "c1", 0)).toThrow(ConfigError);
  });
});

describe("Lease", () => {
  it("shows that the holder's safe end counts from the request's send time, minus drift and margin", () => {
    const clock = new ManualClock();
    const table = new LeaseTable({ clock });
    const sentAt = clock.monotonicMs();
    clock.advanceMs(50); // the request's trip to the grantor
    const grant = table.acquire("lock", "c1", 10_000);
    const lease = new Lease({
      clock,
      grant,
      requestSentAtMs: sentAt,
      driftPpm: 200,
      safetyMarginMs: 100,
    });
    // 10_000 · (1 − 2·200/10^6) − 100 = 9_896
    expect(lease.safeEndMs).toBeCloseTo(9_896, 9);
    clock.advanceMs(9_845);
    expect(lease.isValid()).toBe(true);
    lease.check();
    clock.advanceMs(1);
    expect(lease.isValid()).toBe(false);
    expect(() => lease.check()).toThrow(LeaseExpiredError);
    // The holder stops before the grantor would hand the lease to anyone else.
    expect(() => table.acquire("lock", "c2", 10_000)).toThrow(LeaseHeldError);
  });

  it("shows why a lease alone is unsafe under a pause, and how the fencing token stops the stale write", () => {
    const clock = new ManualClock();
    const table = new LeaseTable({ clock });
    const store = new FencedStore<string>();
    const sentAt = clock.monotonicMs();
    const lease1 = new Lease({
      clock,
      grant: table.acquire("file", "c1", 1000),
      requestSentAtMs: sentAt,
    });
    lease1.check(); // valid now...
    clock.advanceMs(5_000); // ...then a stop-the-world GC pause: c1 cannot tell
    const lease2 = new Lease({
      clock,
      grant: table.acquire("file", "c2", 1000),
      requestSentAtMs: clock.monotonicMs(),
    });
    store.write("file", "from c2", lease2.token);
    // c1 resumes and performs the write it had already decided on.
    expect(() => store.write("file", "from c1", lease1.token)).toThrow(StaleFencingTokenError);
    expect(store.read("file")).toBe("from c2");
  });

  it("shows that renewal moves the safe end, and bad settings are refused", () => {
    const clock = new ManualClock();
    const table = new LeaseTable({ clock });
    const grant = table.acquire("lock", "c1", 1000);
    let lease = new Lease({ clock, grant, requestSentAtMs: 0, driftPpm: 0 });
    clock.advanceMs(800);
    const sentAt = clock.monotonicMs();
    lease = lease.renewed(table.renew("lock", "c1", grant.token, 1000), sentAt);
    expect(lease.safeEndMs).toBe(1800);
    expect(lease.remainingMs()).toBe(1000);
    expect(() => new Lease({ clock, grant, requestSentAtMs: 0, safetyMarginMs: 2000 })).toThrow(
      /safetyMarginMs/,
    );
    expect(() => new Lease({ clock, grant, requestSentAtMs: 0, driftPpm: -1 })).toThrow(/driftPpm/);
  });

  it("shows that a lease on the real clock is valid at once and expired after its duration", async () => {
    const { clock, timers } = realRuntime();
    const table = new LeaseTable({ clock });
    const sentAt = clock.monotonicMs();
    const lease = new Lease({
      clock,
      grant: table.acquire("r", "me", 10),
      requestSentAtMs: sentAt,
    });
    expect(lease.isValid()).toBe(true);
    await timers.sleep(15);
    expect(lease.isValid()).toBe(false);
  });
});
