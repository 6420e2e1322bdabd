// The etcd adapters' safety logic on a ManualClock against a fake etcd whose every request and
// reply delay the test chooses: a lease is reported lost before the server can have expired it,
// whatever the delays and losses and however the holder's wall clock is stepped, and lock tokens
// are create revisions that FencedStore accepts as they are.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, AbortedError, MurphyError } from "../../core/errors.js";
import { ManualClock } from "../../core/ManualClock.js";
import { LeaseExpiredError, LockWaitTimeoutError, StaleFencingTokenError } from "../errors.js";
import { FencedStore } from "../FencedStore.js";
import type { EtcdCallOptions, EtcdCreateReply, EtcdLockApi } from "./EtcdApi.js";
import { EtcdLease, type EtcdLeaseLoss } from "./EtcdLease.js";
import { EtcdLock } from "./EtcdLock.js";

/** What happens to one call: its request and reply delays, and whether either is lost. */
interface CallFate {
  requestMs: number;
  replyMs: number;
  lost?: "request" | "reply";
}

class Unreachable extends MurphyError {
  readonly code = "E_FAKE";
  readonly definite = true;
}

/**
 * etcd reduced to what the adapters rely on, on the test's clock: a lease expires `ttl` after the
 * grant or keep-alive ARRIVES (on a server clock running 200 ppm fast), and its keys go with it.
 */
class FakeEtcd implements EtcdLockApi {
  revision = 1;
  grants = 0;
  fate: () => CallFate = () => ({ requestMs: 5, replyMs: 5 });
  /** Leases whose keep-alives never arrive: their holder is paused or cut off. */
  readonly cutOff = new Set<string>();
  private nextLease = 7;
  private readonly leases = new Map<string, { ttlSeconds: number; expiresAtMs: number }>();
  private readonly keys = new Map<string, { value: string; leaseId: string; rev: number }>();

  constructor(readonly clock: ManualClock) {}

  hasLease(id: string): boolean {
    this.expire();
    return this.leases.has(id);
  }

  revokeNow(id: string): void {
    this.leases.delete(id);
    for (const [key, entry] of this.keys) if (entry.leaseId === id) this.keys.delete(key);
  }

  grantLease(ttlSeconds: number, options?: EtcdCallOptions) {
    return this.call(options, () => {
      this.grants += 1;
      const leaseId = String(this.nextLease++);
      const granted = Math.max(ttlSeconds, 2); // etcd's minimum TTL
      this.leases.set(leaseId, { ttlSeconds: granted, expiresAtMs: this.expiry(granted) });
      return { leaseId, ttlSeconds: granted };
    });
  }

  keepAliveLease(leaseId: string, options?: EtcdCallOptions) {
    if (this.cutOff.has(leaseId)) return new Promise<never>(() => undefined);
    return this.call(options, () => {
      this.expire();
      const lease = this.leases.get(leaseId);
      if (lease === undefined) return { ttlSeconds: 0 };
      lease.expiresAtMs = this.expiry(lease.ttlSeconds);
      return { ttlSeconds: lease.ttlSeconds };
    });
  }

  revokeLease(leaseId: string, options?: EtcdCallOptions) {
    return this.call(options, () => this.revokeNow(leaseId));
  }

  createIfAbsent(key: string, value: string, leaseId: string, options?: EtcdCallOptions) {
    return this.call(options, (): EtcdCreateReply => {
      this.expire();
      const existing = this.keys.get(key);
      if (existing !== undefined) {
        return { created: false, createRevision: existing.rev, ...existing };
      }
      if (!this.leases.has(leaseId)) throw new Unreachable("requested lease not found");
      const rev = ++this.revision;
      this.keys.set(key, { value, leaseId, rev });
      return { created: true, createRevision: rev };
    });
  }

  deleteIfCreated(key: string, createRevision: number, options?: EtcdCallOptions) {
    return this.call(options, () => {
      const existing = this.keys.get(key);
      if (existing?.rev !== createRevision) return false;
      this.keys.delete(key);
      this.revision += 1;
      return true;
    });
  }

  private expiry(ttlSeconds: number): number {
    return this.clock.monotonicMs() + ttlSeconds * 1000 * (1 - 200e-6);
  }

  private expire(): void {
    for (const [id, lease] of this.leases) {
      if (this.clock.monotonicMs() >= lease.expiresAtMs) this.revokeNow(id);
    }
  }

  private call<T>(options: EtcdCallOptions | undefined, apply: () => T): Promise<T> {
    const fate = this.fate();
    return new Promise<T>((resolve, reject) => {
      options?.signal?.addEventListener("abort", () => reject(new AbortedError("call", false)));
      this.clock.setTimer(fate.requestMs, () => {
        if (fate.lost === "request") return;
        let outcome: { value: T } | { error: unknown };
        try {
          outcome = { value: apply() };
        } catch (error) {
          outcome = { error };
        }
        if (fate.lost === "reply") return;
        this.clock.setTimer(fate.replyMs, () =>
          "value" in outcome ? resolve(outcome.value) : reject(outcome.error),
        );
      });
    });
  }
}

function setup(startMs = 0) {
  const clock = new ManualClock({ startMs });
  const etcd = new FakeEtcd(clock);
  const grant = (extra: Partial<Parameters<typeof EtcdLease.grant>[0]> = {}) =>
    clock.run(EtcdLease.grant({ api: etcd, clock, timers: clock, ttlSeconds: 3, ...extra }));
  return { clock, etcd, grant };
}

/** Keeps the lease alive for a while, then cuts it off and returns the loss and the server's view. */
async function holdThenPartition(stepWallMs: number) {
  const { clock, etcd, grant } = setup();
  etcd.fate = () => ({ requestMs: 400, replyMs: 400 });
  const lease = await grant();
  await clock.advanceMsAsync(10_000);
  clock.jumpWallMs(stepWallMs);
  expect(lease.isValid()).toBe(true);
  etcd.fate = () => ({ requestMs: 400, replyMs: 400, lost: "request" });
  let serverHadLeaseAtLoss: boolean | undefined;
  const lost = lease.lost.then((loss) => {
    serverHadLeaseAtLoss = etcd.hasLease(lease.id);
    return loss;
  });
  const loss = await clock.run(lost);
  clock.jumpWallMs(-stepWallMs);
  await clock.advanceMsAsync(10_000);
  return { loss, serverHadLeaseAtLoss, serverHasLeaseLater: etcd.hasLease(lease.id), lease };
}

describe("EtcdLease", () => {
  it("shows that loss is reported at the safe end counted from the last confirmed SEND, while the server still has the lease", async () => {
    const { loss, serverHadLeaseAtLoss, serverHasLeaseLater, lease } = await holdThenPartition(0);
    expect(loss.reason).toBe("expired");
    expect(loss.detectedAtMs).toBe(loss.safeEndMs);
    // The server renewed 400 ms after that send, for the full TTL: the holder stopped first.
    expect(loss.safeEndMs).toBe(loss.lastConfirmedSendMs + 3000 * (1 - 400e-6));
    expect(serverHadLeaseAtLoss).toBe(true);
    expect(serverHasLeaseLater).toBe(false);
    expect(lease.signal.reason).toBeInstanceOf(LeaseExpiredError);
    expect(() => lease.check("file")).toThrow(LeaseExpiredError);
    expect(lease.keepAlivesConfirmed).toBeGreaterThan(5);
  });

  it("shows that stepping the holder's wall clock an hour either way changes nothing: only the monotonic clock is read", async () => {
    const steady = await holdThenPartition(0);
    const forward = await holdThenPartition(3_600_000);
    const back = await holdThenPartition(-3_600_000);
    for (const stepped of [forward, back]) {
      expect(stepped.loss).toEqual(steady.loss);
      expect(stepped.serverHadLeaseAtLoss).toBe(true);
    }
  });

  it("shows that a holder woken from a pause learns of the loss on its first check, before any timer runs", async () => {
    const { clock, etcd } = setup();
    const losses: EtcdLeaseLoss[] = [];
    // The holder reads a view of the clock that the test can move without firing any timer.
    let pausedMs = 0;
    const view = { monotonicMs: () => clock.monotonicMs() + pausedMs };
    const lease = await clock.run(
      EtcdLease.grant({
        api: etcd,
        clock: view,
        timers: clock,
        ttlSeconds: 3,
        onLost: (l) => losses.push(l),
      }),
    );
    pausedMs = 60_000; // a stop-the-world pause: a minute passes, no timer of the holder runs
    expect(lease.isValid()).toBe(false);
    expect(losses).toHaveLength(1);
    expect(losses[0]!.detectedAtMs).toBeGreaterThan(losses[0]!.safeEndMs);
  });

  it("shows that a lease the server no longer has is reported revoked at the next keep-alive", async () => {
    const { clock, etcd, grant } = setup();
    const lease = await grant();
    etcd.revokeNow(lease.id);
    const loss = await clock.run(lease.lost);
    expect(loss.reason).toBe("revoked");
    expect(loss.detectedAtMs).toBeLessThan(loss.safeEndMs);
  });

  it("shows that closing revokes the lease, aborts the signal and never reports a loss", async () => {
    const { clock, etcd, grant } = setup();
    let reported = false;
    const lease = await grant({ onLost: () => (reported = true) });
    expect(await clock.run(lease.close())).toBe(true);
    expect(etcd.hasLease(lease.id)).toBe(false);
    expect(lease.signal.aborted).toBe(true);
    await clock.advanceMsAsync(60_000);
    expect(reported).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("refuses settings that could never hold a lease, naming the field, before asking the server", async () => {
    const { etcd, grant } = setup();
    await expect(grant({ ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
    await expect(grant({ keepAliveIntervalMs: 3000 })).rejects.toThrow(/keepAliveIntervalMs/);
    await expect(grant({ safetyMarginMs: 5000 })).rejects.toBeInstanceOf(ConfigError);
    expect(etcd.grants).toBe(0);
  });

  it("holds as a law: whenever the holder thinks its lease valid, the server has it, under any delays and losses", async () => {
    const fate = fc.record({
      requestMs: fc.integer({ min: 0, max: 2500 }),
      replyMs: fc.integer({ min: 0, max: 2500 }),
      lost: fc.constantFrom(undefined, undefined, undefined, "request" as const, "reply" as const),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fate, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        async (fates, ttlSeconds) => {
          const { clock, etcd } = setup();
          let next = 0;
          etcd.fate = () => ({
            ...fates[next++ % fates.length]!,
            ...(next === 1 ? { lost: undefined } : {}),
          });
          const lease = await clock.run(
            EtcdLease.grant({
              api: etcd,
              clock,
              timers: clock,
              ttlSeconds,
              requestTimeoutMs: 5000,
            }),
          );
          for (let t = 0; t < 300; t++) {
            await clock.advanceMsAsync(100);
            if (lease.isValid()) expect(etcd.hasLease(lease.id)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("EtcdLock", () => {
  it("shows that the fencing token is the key's create revision, larger for every new grant, and FencedStore takes it unchanged", async () => {
    const { clock, etcd, grant } = setup();
    const store = new FencedStore<string>();
    const leaseA = await grant();
    const a = await clock.run(
      EtcdLock.acquire({
        api: etcd,
        lease: leaseA,
        key: "file",
        holder: "A",
        clock,
        timers: clock,
      }),
    );
    expect(a.token).toBe(etcd.revision);
    store.write("file", "A1", a.token);
    const leaseB = await grant();
    // A pauses: its keep-alives stop; B gets the lock once the server expires A's lease.
    etcd.cutOff.add(leaseA.id);
    const waiting = EtcdLock.acquire({
      api: etcd,
      lease: leaseB,
      key: "file",
      holder: "B",
      clock,
      timers: clock,
    });
    const b = await clock.run(waiting);
    expect(b.token).toBeGreaterThan(a.token);
    expect(leaseA.isValid()).toBe(false);
    store.write("file", "B1", b.token);
    expect(() => store.write("file", "A2 (stale)", a.token)).toThrow(StaleFencingTokenError);
    expect(store.read("file")).toBe("B1");
    expect(await clock.run(b.release())).toBe(true);
    expect(() => b.check()).toThrow(LeaseExpiredError);
  });

  it("shows that a lost reply to the create is recovered: the retry finds the key on our lease and returns its token", async () => {
    const { clock, etcd, grant } = setup();
    const lease = await grant();
    let first = true;
    etcd.fate = () => {
      const lost = first ? ("reply" as const) : undefined;
      first = false;
      return { requestMs: 5, replyMs: 5, ...(lost ? { lost } : {}) };
    };
    const lock = await clock.run(
      EtcdLock.acquire({ api: etcd, lease, key: "k", clock, timers: clock, requestTimeoutMs: 50 }),
    );
    expect(lock.token).toBe(etcd.revision);
  });

  it("shows that waiting is bounded: a held lock gives LockWaitTimeoutError naming key and holder", async () => {
    const { clock, etcd, grant } = setup();
    const held = await grant();
    await clock.run(
      EtcdLock.acquire({ api: etcd, lease: held, key: "k", holder: "A", clock, timers: clock }),
    );
    const lease = await grant();
    const attempt = clock.run(
      EtcdLock.acquire({
        api: etcd,
        lease,
        key: "k",
        holder: "B",
        clock,
        timers: clock,
        waitMs: 1000,
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(LockWaitTimeoutError);
    await expect(attempt).rejects.toThrow(/"k" is still held by "A"/);
  });
});
