// The remedies on the real clock: the same primitives that run in the simulator, given
// `realRuntime()` (performance.now, Node's timers, crypto randomness) instead. Each test waits a
// few milliseconds of real time at most and asserts behaviour, never how long anything took: a
// loaded machine may stretch every wait.

import { describe, expect, it } from "vitest";
import { MurphyError, TimeoutError } from "../core/errors.js";
import { realRuntime } from "../runtime/realRuntime.js";
import { AdaptiveTimeout } from "./AdaptiveTimeout.js";
import {
  constantBackoff,
  decorrelatedJitterBackoff,
  equalJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
  type Backoff,
} from "./Backoff.js";
import { StaleFencingTokenError } from "./errors.js";
import { FencedStore } from "./FencedStore.js";
import { FencingTokenIssuer } from "./FencingTokenIssuer.js";
import { FixedTimeout } from "./FixedTimeout.js";
import { HeartbeatFailureDetector } from "./HeartbeatFailureDetector.js";
import { compareLamport, LamportClock, type LamportTimestamp } from "./LamportClock.js";
import { Lease } from "./Lease.js";
import { LeaseTable } from "./LeaseTable.js";
import { QuorumFailureDetector } from "./QuorumFailureDetector.js";
import { RatioRetryBudget } from "./RatioRetryBudget.js";
import { retry, type GiveUpReason } from "./retry.js";
import { TokenBucketRetryBudget } from "./TokenBucketRetryBudget.js";
import { VectorClock } from "./VectorClock.js";
import { withTimeout } from "./withTimeout.js";

class Unavailable extends MurphyError {
  readonly code = "E_UNAVAILABLE";
  readonly definite = true;
  readonly retryable = true;
}

/** An operation that fails `failures` times with Unavailable, then returns "ok". */
function failingThenOk(failures: number) {
  let calls = 0;
  const op = async () => {
    calls++;
    if (calls <= failures) throw new Unavailable(`failure ${calls}`);
    return "ok";
  };
  return { op, calls: () => calls };
}

describe("backoff and retry budgets on the real clock", () => {
  it("shows that every backoff strategy drives retry on real timers and crypto randomness, each delay within its stated bounds", async () => {
    const strategies: Backoff[] = [
      constantBackoff(0.5),
      exponentialBackoff({ baseMs: 0.25, capMs: 1, jitterRatio: 0.5 }),
      fullJitterBackoff({ baseMs: 0.25, capMs: 1 }),
      equalJitterBackoff({ baseMs: 0.25, capMs: 1 }),
      decorrelatedJitterBackoff({ baseMs: 0.25, capMs: 1 }),
    ];
    for (const backoff of strategies) {
      const { op, calls } = failingThenOk(2);
      const outOfBounds: number[] = [];
      let previousDelayMs: number | undefined;
      const result = await retry(op, {
        ...realRuntime(),
        backoff,
        onRetry: ({ attempt, delayMs }) => {
          const { minMs, maxMs } = backoff.boundsMs(attempt - 1, previousDelayMs);
          if (delayMs < minMs || delayMs > maxMs) outOfBounds.push(delayMs);
          previousDelayMs = delayMs;
        },
      });
      expect(result, backoff.kind).toBe("ok");
      expect(calls(), backoff.kind).toBe(3);
      expect(outOfBounds, backoff.kind).toEqual([]);
    }
  });

  it("shows that the token bucket and the ratio budget refuse retries on the real clock once spent, and retry gives up saying so", async () => {
    const run = async (budget: TokenBucketRetryBudget | RatioRetryBudget) => {
      const { op, calls } = failingThenOk(Infinity);
      let reason: GiveUpReason | undefined;
      await expect(
        retry(op, {
          ...realRuntime(),
          maxAttempts: 10,
          backoff: constantBackoff(0),
          budget,
          onGiveUp: (event) => (reason = event.reason),
        }),
      ).rejects.toBeInstanceOf(Unavailable);
      return { calls: calls(), reason };
    };
    // 10 tokens pay for two retries at 5 each.
    const bucket = new TokenBucketRetryBudget({ capacityTokens: 10 });
    expect(await run(bucket)).toEqual({ calls: 3, reason: "budget-exhausted" });
    expect(bucket.availableTokens()).toBe(0);
    bucket.recordSuccess();
    expect(bucket.availableTokens()).toBe(1);
    // No retries beyond the allowance of one per window (ratio 0): one retry, then none.
    const { clock } = realRuntime();
    const ratio = new RatioRetryBudget({ clock, maxRetryRatio: 0, minRetriesPerWindow: 1 });
    expect(await run(ratio)).toEqual({ calls: 2, reason: "budget-exhausted" });
    expect(ratio.counts()).toEqual({ attempts: 2, retries: 1 });
  });
});

describe("timeouts on the real clock", () => {
  it("shows that withTimeout with a FixedTimeout rejects a slow call with an indefinite TimeoutError and aborts it, and returns a fast call's value", async () => {
    const { clock, timers } = realRuntime();
    const policy = new FixedTimeout(2);
    let signalOfSlowCall: AbortSignal | undefined;
    const slow = withTimeout(
      (signal) => {
        signalOfSlowCall = signal;
        return timers.sleep(3_600_000, signal);
      },
      { timers, clock, timeout: policy },
    );
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    await expect(slow).rejects.toMatchObject({ definite: false, timeoutMs: 2 });
    expect(signalOfSlowCall?.aborted).toBe(true);
    const fast = withTimeout(async () => "fast", { timers, clock, timeout: policy });
    await expect(fast).resolves.toBe("fast");
  });

  it("shows that the target-rate adaptive timeout learns from real response times: it leaves its initial timeout once the window holds enough samples", async () => {
    const { clock, timers } = realRuntime();
    const policy = AdaptiveTimeout.forFalseTimeoutRate({
      falseTimeoutRate: 0.05,
      windowSize: 20,
      minTimeoutMs: 1,
      initialTimeoutMs: 10_000,
    });
    for (let i = 0; i < 20; i++) {
      expect(policy.timeoutMs()).toBe(10_000);
      await withTimeout(async () => i, { timers, clock, timeout: policy });
    }
    expect(policy.sampleCount()).toBe(20);
    expect(policy.timeoutMs()).toBeLessThan(10_000);
    expect(policy.timeoutMs()).toBeGreaterThanOrEqual(1);
  });
});

describe("failure detection on the real clock", () => {
  it("shows that a quorum fed by real-clock heartbeat detectors keeps a node alive when one observer loses it, and declares it dead when a majority does", async () => {
    const { clock, timers } = realRuntime();
    const observers = ["o1", "o2", "o3"];
    const events: string[] = [];
    let dead!: () => void;
    const declaredDead = new Promise<void>((resolve) => (dead = resolve));
    const quorum = new QuorumFailureDetector({
      observers,
      onDead: ({ unreachableFrom }) => {
        events.push(`dead: ${unreachableFrom.join(",")}`);
        dead();
      },
    });
    const suspected = new Map<string, () => void>();
    const detectors = new Map(
      observers.map((o) => [
        o,
        new HeartbeatFailureDetector({
          clock,
          timers,
          timeoutMs: 2,
          onSuspect: () => {
            events.push(`${o} suspects`);
            quorum.report(o, "target", false);
            suspected.get(o)?.();
          },
        }),
      ]),
    );
    // o1 hears the target once and then nothing (its link is cut). o2 and o3 have not heard from
    // it yet, so they have no evidence and suspect nothing.
    const o1Suspects = new Promise<void>((resolve) => suspected.set("o1", resolve));
    detectors.get("o1")!.heartbeat();
    await o1Suspects;
    expect(quorum.isAlive("target")).toBe(true);
    // The target reaches o2 and o3 once, then crashes: a majority loses it.
    detectors.get("o2")!.heartbeat();
    detectors.get("o3")!.heartbeat();
    await declaredDead;
    expect(quorum.isDead("target")).toBe(true);
    expect(events[0]).toBe("o1 suspects");
    expect(events.filter((e) => e.startsWith("dead"))).toHaveLength(1);
    expect(quorum.unreachableFrom("target").length).toBeGreaterThanOrEqual(2);
    for (const d of detectors.values()) d.stop();
  });
});

describe("logical clocks on real timers", () => {
  it("shows that Lamport and vector clocks order every receive after its send when messages travel on real timers with crypto-random delays", async () => {
    const { timers, random } = realRuntime();
    type Stamp = { lamport: LamportTimestamp; vc: string };
    const ids = ["a", "b", "c"];
    const lamport = new Map(ids.map((id) => [id, new LamportClock(id)]));
    const vector = new Map(ids.map((id) => [id, VectorClock.empty()]));
    const violations: string[] = [];
    let inFlight = 0;
    let allDelivered!: () => void;
    const delivered = new Promise<void>((resolve) => (allDelivered = resolve));

    const receive = (to: string, stamp: Stamp) => {
      const sent = VectorClock.decode(stamp.vc);
      const now = vector.get(to)!.receive(to, sent);
      vector.set(to, now);
      if (!sent.happenedBefore(now)) violations.push(`vc: ${stamp.vc} !< ${now.encode()}`);
      const at = lamport.get(to)!.receive(stamp.lamport);
      if (compareLamport(stamp.lamport, at) >= 0) violations.push(`lamport at ${to}`);
      if (--inFlight === 0) allDelivered();
    };
    const send = (from: string) => {
      const to = ids.filter((id) => id !== from)[random.int(2)]!;
      vector.set(from, vector.get(from)!.increment(from));
      const stamp = { lamport: lamport.get(from)!.send(), vc: vector.get(from)!.encode() };
      inFlight++;
      timers.setTimer(random.int(2), () => receive(to, stamp));
    };
    for (let i = 0; i < 30; i++) send(ids[random.int(3)]!);
    await delivered;
    expect(violations).toEqual([]);
    const clocks = [...vector.values()];
    const total = ids.reduce((sum, id) => sum + Math.max(...clocks.map((c) => c.get(id))), 0);
    expect(total).toBeGreaterThanOrEqual(30);
  });
});

describe("leases and fencing on the real clock", () => {
  it("shows that after a real pause past its lease, the old holder's write is refused by the FencedStore, because the new holder's token is larger", async () => {
    const { clock, timers } = realRuntime();
    const issuer = new FencingTokenIssuer();
    const table = new LeaseTable({ clock, issuer });
    const store = new FencedStore<string>();

    const sentAtA = clock.monotonicMs();
    const leaseA = new Lease({
      clock,
      grant: table.acquire("file", "A", 2),
      requestSentAtMs: sentAtA,
    });
    leaseA.check(); // valid now
    await timers.sleep(10); // A pauses (a GC, a VM migration) well past its 2 ms lease

    const sentAtB = clock.monotonicMs();
    const leaseB = new Lease({
      clock,
      grant: table.acquire("file", "B", 60_000),
      requestSentAtMs: sentAtB,
    });
    expect(leaseB.token).toBeGreaterThan(leaseA.token);
    store.write("file", "from B", leaseB.token);

    // A wakes and writes as if its earlier check still held: the store refuses.
    expect(leaseA.isValid()).toBe(false);
    expect(() => store.write("file", "from A", leaseA.token)).toThrow(StaleFencingTokenError);
    expect(store.read("file")).toBe("from B");
    expect(store.highestToken("file")).toBe(leaseB.token);
    expect(issuer.lastIssued()).toBe(leaseB.token);
    // An issuer rebuilt from the persisted last token keeps increasing.
    expect(new FencingTokenIssuer({ lastIssued: issuer.lastIssued() }).next()).toBe(
      leaseB.token + 1,
    );
  });
});
