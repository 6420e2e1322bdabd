// The etcd adapters against a real 3-member etcd: when the holder is cut off from etcd (and its
// keep-alives crawl before that), it reports the lease lost while the server still has it — a
// keep-alive sent by someone else right after the report still renews it — also with the holder's
// wall clock stepped an hour back and forth, which the adapter never reads. Lock tokens are create
// revisions that grow with every grant and that FencedStore takes as they are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../core/Clock.js";
import { AbortedError } from "../../core/errors.js";
import { RealClock } from "../../runtime/RealClock.js";
import { RealTimers } from "../../runtime/RealTimers.js";
import { EtcdCluster } from "../../runtime/etcd/EtcdCluster.js";
import { EtcdHttpClient } from "../../runtime/etcd/EtcdHttpClient.js";
import { StaleFencingTokenError } from "../errors.js";
import { FencedStore } from "../FencedStore.js";
import type { EtcdCallOptions, EtcdLockApi } from "./EtcdApi.js";
import { EtcdLease } from "./EtcdLease.js";
import { EtcdLock } from "./EtcdLock.js";

/**
 * The holder's way to etcd: keep-alives can be slowed both ways (the server renews the lease well
 * after the holder sent, and well before the holder hears of it), or cut off entirely.
 */
class HolderLink implements EtcdLockApi {
  delayMs = 0;
  cut = false;
  constructor(private readonly etcd: EtcdHttpClient) {}
  grantLease(ttl: number, o?: EtcdCallOptions) {
    return this.etcd.grantLease(ttl, o);
  }
  async keepAliveLease(id: string, o?: EtcdCallOptions) {
    if (this.cut) {
      return new Promise<never>((_, reject) =>
        o?.signal?.addEventListener("abort", () => reject(new AbortedError("keep-alive", false))),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const reply = await this.etcd.keepAliveLease(id, o);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return reply;
  }
  revokeLease(id: string, o?: EtcdCallOptions) {
    return this.etcd.revokeLease(id, o);
  }
  createIfAbsent(key: string, value: string, lease: string, o?: EtcdCallOptions) {
    return this.etcd.createIfAbsent(key, value, lease, o);
  }
  deleteIfCreated(key: string, rev: number, o?: EtcdCallOptions) {
    return this.etcd.deleteIfCreated(key, rev, o);
  }
}

/** The real clock, whose wall reading a test steps; counts how often the wall clock is read. */
class SteppedClock implements Clock {
  offsetMs = 0;
  wallReads = 0;
  private readonly real = new RealClock();
  monotonicMs() {
    return this.real.monotonicMs();
  }
  wallMs() {
    this.wallReads += 1;
    return this.real.wallMs() + this.offsetMs;
  }
  trueTime() {
    return this.real.trueTime();
  }
}

let cluster: EtcdCluster;
let observer: EtcdHttpClient;

beforeAll(async () => {
  cluster = await EtcdCluster.start();
  observer = new EtcdHttpClient({ endpoints: cluster.endpoints, requestTimeoutMs: 2_000 });
});

afterAll(async () => {
  observer?.close();
  await cluster?.stop();
});

async function loseWhileCutOff(stepWallMs: number) {
  const etcd = new EtcdHttpClient({ endpoints: cluster.endpoints, requestTimeoutMs: 2_000 });
  const link = new HolderLink(etcd);
  const clock = new SteppedClock();
  const timers = new RealTimers();
  try {
    const lease = await EtcdLease.grant({
      api: link,
      clock,
      timers,
      ttlSeconds: 3,
      requestTimeoutMs: 2_500,
    });
    const lock = await EtcdLock.acquire({ api: link, lease, key: "held", clock, timers });
    // Keep-alives crawl both ways: a holder that counted from the reply would think it has 500 ms
    // more than the server gives it; one that counts from the send keeps 500 ms in hand.
    link.delayMs = 500;
    await timers.sleep(1_500);
    clock.offsetMs += stepWallMs;
    await timers.sleep(1_500);
    clock.offsetMs -= 2 * stepWallMs;
    const confirmed = lease.keepAlivesConfirmed;
    link.cut = true;
    // Right at the report, someone else's keep-alive for the same lease: it renews the lease only
    // if the server has not expired it.
    const probe = lease.lost.then(async (loss) => ({
      loss,
      serverTtl: (await observer.keepAliveLease(lease.id)).ttlSeconds,
      key: (await observer.read("held")).value,
    }));
    const { loss, serverTtl, key } = await probe;
    await observer.revokeLease(lease.id);
    return { loss, serverTtl, key, lock, confirmed, wallReads: clock.wallReads };
  } finally {
    etcd.close();
  }
}

describe("EtcdLease on a real etcd", () => {
  it("shows that a holder cut off from etcd reports the loss while the server still holds the lease and the lock key", async () => {
    const { loss, serverTtl, key, lock, confirmed } = await loseWhileCutOff(0);
    expect(confirmed).toBeGreaterThan(0);
    expect(loss.reason).toBe("expired");
    expect(serverTtl).toBeGreaterThan(0);
    expect(key).toBe(lock.lease.id);
    console.log(
      `lease ${lock.lease.id}: TTL ${lock.lease.ttlSeconds} s, ${confirmed} keep-alives confirmed; ` +
        `loss reported ${(loss.detectedAtMs - loss.lastConfirmedSendMs).toFixed(0)} ms after the last confirmed send; ` +
        `the server then still renewed it (TTL ${serverTtl} s)`,
    );
  });

  it("shows the same with the holder's wall clock stepped an hour forward and back: the adapter never reads it", async () => {
    for (const stepMs of [3_600_000, -3_600_000]) {
      const { loss, serverTtl, wallReads } = await loseWhileCutOff(stepMs);
      expect(loss.reason).toBe("expired");
      expect(serverTtl).toBeGreaterThan(0);
      expect(wallReads).toBe(0);
    }
  });

  it("shows that lock tokens are create revisions that grow with every grant, and FencedStore refuses the older one", async () => {
    const etcd = new EtcdHttpClient({ endpoints: cluster.endpoints });
    const clock = new RealClock();
    const timers = new RealTimers();
    const store = new FencedStore<string>();
    try {
      const leaseA = await EtcdLease.grant({ api: etcd, clock, timers, ttlSeconds: 2 });
      const a = await EtcdLock.acquire({ api: etcd, lease: leaseA, key: "file", clock, timers });
      store.write("file", "A", a.token);
      await leaseA.close(); // revoking the lease deletes the lock key
      const leaseB = await EtcdLease.grant({ api: etcd, clock, timers, ttlSeconds: 2 });
      const b = await EtcdLock.acquire({ api: etcd, lease: leaseB, key: "file", clock, timers });
      expect(b.token).toBeGreaterThan(a.token);
      store.write("file", "B", b.token);
      expect(() => store.write("file", "A again", a.token)).toThrow(StaleFencingTokenError);
      expect(await b.release()).toBe(true);
      await leaseB.close();
    } finally {
      etcd.close();
    }
  });
});
