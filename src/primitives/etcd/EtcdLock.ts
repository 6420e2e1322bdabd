// A lock taken from etcd, with its fencing token. The lock is a key attached to the holder's lease:
// one transaction puts the key if it does not exist, else reads it. Whoever's put succeeds holds
// the lock until the key is deleted or the lease ends (the server then deletes the key).
//
// The fencing token is the key's CREATE REVISION: etcd's revision counter is one number for the
// whole cluster, raised by every write and never reused (it survives restarts and leader changes),
// so each new grant of the lock gets a larger token than every earlier grant. A store that refuses
// writes carrying a token lower than one it already accepted (FencedStore) refuses a holder that
// paused past its lease, even though that holder still believes it holds the lock.
//
// Why not etcd's own lock API (or etcd3's Lock)? It returns the same number as the key's create
// revision, but the etcd3 package's Lock keeps it to itself; one transaction of our own is simpler
// and says what the token is.

import type { MonotonicClock, Timers } from "../../core/Clock.js";
import { MurphyError } from "../../core/errors.js";
import { assert } from "../../core/assert.js";
import { requireNonNegative, requirePositive } from "../../core/validate.js";
import { LeaseExpiredError, LockWaitTimeoutError } from "../errors.js";
import { withTimeout } from "../withTimeout.js";
import type { EtcdCreateReply, EtcdLockApi } from "./EtcdApi.js";
import type { EtcdLease } from "./EtcdLease.js";

export interface EtcdLockOptions {
  readonly api: EtcdLockApi;
  /** The lease the lock lives on: when it is lost, so is the lock. */
  readonly lease: EtcdLease;
  readonly key: string;
  /** Stored as the key's value, so that others see who holds it. Default the lease ID. */
  readonly holder?: string;
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  /** How long to wait for a held lock, in ms. Default 60 000; 0 tries once. */
  readonly waitMs?: number;
  /** Time between attempts while the lock is held, in ms. Default 100. */
  readonly pollIntervalMs?: number;
  /** Bound on each request, in ms. Default 5 000. */
  readonly requestTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export class EtcdLock {
  private released = false;

  private constructor(
    readonly api: EtcdLockApi,
    readonly key: string,
    /** The fencing token: the lock key's create revision. Pass it with every protected write. */
    readonly token: number,
    readonly holder: string,
    readonly lease: EtcdLease,
  ) {
    assert(Number.isSafeInteger(token) && token > 0, () => `fencing token ${token} from etcd`);
  }

  /** Takes the lock, waiting while someone else holds it; throws LockWaitTimeoutError after waitMs. */
  static async acquire(options: EtcdLockOptions): Promise<EtcdLock> {
    const { api, lease, key, clock, timers } = options;
    const holder = options.holder ?? lease.id;
    const waitMs = requireNonNegative("waitMs", options.waitMs ?? 60_000);
    const pollMs = requirePositive("pollIntervalMs", options.pollIntervalMs ?? 100);
    const timeoutMs = requirePositive("requestTimeoutMs", options.requestTimeoutMs ?? 5_000);
    const startMs = clock.monotonicMs();
    let definite = true;
    let lastError: unknown;
    let lastHolder: string | undefined;
    for (;;) {
      lease.check(key);
      let reply: EtcdCreateReply | undefined;
      try {
        reply = await withTimeout(
          (signal) => api.createIfAbsent(key, holder, lease.id, { signal }),
          { timers, timeout: timeoutMs, signal: options.signal, what: `etcd lock ${key}` },
        );
      } catch (error) {
        if (options.signal?.aborted) throw error;
        // Lost replies are retried: the next attempt reads the key, and finds it ours if it was.
        if (!(error instanceof MurphyError && error.definite)) definite = false;
        lastError = error;
      }
      if (reply?.created === true) {
        return new EtcdLock(api, key, reply.createRevision, holder, lease);
      }
      if (reply !== undefined && reply.leaseId === lease.id) {
        // An earlier attempt of ours created it and its reply was lost.
        return new EtcdLock(api, key, reply.createRevision, holder, lease);
      }
      if (reply !== undefined) lastHolder = reply.value;
      const waitedMs = clock.monotonicMs() - startMs;
      if (waitedMs >= waitMs) {
        throw new LockWaitTimeoutError(key, lastHolder, waitedMs, definite, { cause: lastError });
      }
      await timers.sleep(Math.min(pollMs, waitMs - waitedMs), options.signal);
    }
  }

  /** True while the lease under the lock is certainly alive and the lock was not released. */
  isHeld(): boolean {
    return !this.released && this.lease.isValid();
  }

  /** Throws LeaseExpiredError unless the lock is certainly still held. Not a guarantee under pauses. */
  check(): void {
    if (this.released) throw new LeaseExpiredError(`${this.key} (released)`, 0);
    this.lease.check(this.key);
  }

  /** Aborts when the lease under the lock is lost or closed. */
  get signal(): AbortSignal {
    return this.lease.signal;
  }

  /** Deletes the lock key if it is still this grant's; resolves whether it was. The lease stays. */
  async release(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    this.released = true;
    return this.api.deleteIfCreated(this.key, this.token, options);
  }
}
