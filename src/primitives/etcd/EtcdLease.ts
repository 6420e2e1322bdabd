// The holder's side of an etcd lease: granted once, kept alive on the holder's monotonic clock, and
// reported lost the moment the holder can no longer be sure the server still has it.
//
// The server renews a lease for its TTL from when a keep-alive ARRIVES. The holder cannot know that
// instant, only that it came after the keep-alive was SENT. So the holder's safe end counts from
// the send time of the last keep-alive that succeeded (or of the grant), shortened for clock drift
// and a safety margin exactly as `Lease` does:
//
//   safeEndMs = lastSuccessfulSendMs + ttlMs · (1 − 2·driftPpm/10^6) − safetyMarginMs
//
// Until then the lease is certainly alive on the server; after it, it may not be, and the holder
// reports the loss (the `lost` promise resolves, `signal` aborts, `onLost` is called) at once: a
// timer is armed for the safe end, and every `isValid`/`check` also looks at the clock, so a
// process that wakes from a pause learns it before it acts. Only the monotonic clock is read: a
// wall clock stepped by NTP or by hand changes nothing here.
//
// The lease alone does not make a pause safe (see Lease.ts): a holder can check, then stop, then
// act. Writes must carry a fencing token (EtcdLock) to a store that checks it (FencedStore).

import type { MonotonicClock, Timers } from "../../core/Clock.js";
import { AbortedError, ConfigError } from "../../core/errors.js";
import { requireInteger, requirePositive } from "../../core/validate.js";
import { LeaseExpiredError } from "../errors.js";
import { Lease } from "../Lease.js";
import { withTimeout } from "../withTimeout.js";
import type { EtcdLeaseApi } from "./EtcdApi.js";

export interface EtcdLeaseOptions {
  readonly api: EtcdLeaseApi;
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  /** The TTL to ask for, in whole seconds; the server may grant more (etcd's minimum TTL). */
  readonly ttlSeconds: number;
  /** Names the lease in errors, e.g. the lock key it protects. Default "etcd lease <id>". */
  readonly name?: string;
  /** Bound on each clock's rate error, in parts per million. Default 200. */
  readonly driftPpm?: number;
  /** Subtracted from the safe end, in ms, for the time between check and act. Default 0. */
  readonly safetyMarginMs?: number;
  /** Time between keep-alive sends, in ms. Default a third of the granted TTL. */
  readonly keepAliveIntervalMs?: number;
  /** Bound on each request to etcd, in ms. Default the keep-alive interval. */
  readonly requestTimeoutMs?: number;
  /** Called once, when the lease is reported lost (not when it is closed). */
  readonly onLost?: (loss: EtcdLeaseLoss) => void;
  /** Cancels the grant request. */
  readonly signal?: AbortSignal;
}

export interface EtcdLeaseLoss {
  /** "expired": no keep-alive confirmed in time; "revoked": the server said it has no such lease. */
  readonly reason: "expired" | "revoked";
  /** Monotonic time at which the holder reported the loss. */
  readonly detectedAtMs: number;
  /** The safe end in force when the loss was reported. */
  readonly safeEndMs: number;
  /** Monotonic time at which the last successful keep-alive (or the grant) was sent. */
  readonly lastConfirmedSendMs: number;
}

type State = "held" | "lost" | "closed";

/** Refuses settings that could never keep the lease, before a lease is taken from the server. */
function validateBeforeGrant(options: EtcdLeaseOptions, ttlSeconds: number): void {
  const ttlMs = ttlSeconds * 1000;
  // Lease's own checks (drift, margin shorter than the lease), on a lease that is never used.
  void new Lease({
    clock: options.clock,
    grant: { resource: "", holder: "", durationMs: ttlMs, token: 0 },
    requestSentAtMs: 0,
    ...(options.driftPpm !== undefined ? { driftPpm: options.driftPpm } : {}),
    ...(options.safetyMarginMs !== undefined ? { safetyMarginMs: options.safetyMarginMs } : {}),
  });
  const intervalMs = options.keepAliveIntervalMs;
  if (intervalMs !== undefined && !(intervalMs > 0 && intervalMs < ttlMs)) {
    throw new ConfigError({
      field: "keepAliveIntervalMs",
      value: intervalMs,
      expected: `a positive number of ms below the TTL (${ttlMs} ms)`,
      fix: "send keep-alives several times per TTL, e.g. every third of it",
    });
  }
}

export class EtcdLease {
  readonly id: string;
  /** The TTL the server granted, in seconds. */
  readonly ttlSeconds: number;
  readonly name: string;
  /** Resolves when the lease is reported lost; never rejects, and never resolves after close. */
  readonly lost: Promise<EtcdLeaseLoss>;
  /** Keep-alives the server confirmed, and those that failed or timed out. */
  keepAlivesConfirmed = 0;
  keepAlivesFailed = 0;

  private state: State = "held";
  private current: Lease;
  private lastConfirmedSendMs: number;
  private readonly controller = new AbortController();
  private readonly intervalMs: number;
  private readonly requestTimeoutMs: number;
  private keepAliveTimer: number | undefined;
  private lossTimer: number | undefined;
  private inFlight: AbortController | undefined;
  private resolveLost!: (loss: EtcdLeaseLoss) => void;

  /** Asks etcd for a lease and starts keeping it alive. */
  static async grant(options: EtcdLeaseOptions): Promise<EtcdLease> {
    const ttl = requireInteger("ttlSeconds", options.ttlSeconds, 1);
    const timeoutMs = requirePositive(
      "requestTimeoutMs",
      options.requestTimeoutMs ?? options.keepAliveIntervalMs ?? (ttl * 1000) / 3,
    );
    validateBeforeGrant(options, ttl);
    const sentAtMs = options.clock.monotonicMs();
    const reply = await withTimeout((signal) => options.api.grantLease(ttl, { signal }), {
      timers: options.timers,
      timeout: timeoutMs,
      signal: options.signal,
      what: `etcd lease grant (TTL ${ttl} s)`,
    });
    requireInteger("granted ttlSeconds", reply.ttlSeconds, 1);
    return new EtcdLease(options, reply.leaseId, reply.ttlSeconds, sentAtMs);
  }

  private constructor(
    private readonly options: EtcdLeaseOptions,
    id: string,
    ttlSeconds: number,
    sentAtMs: number,
  ) {
    this.id = id;
    this.ttlSeconds = ttlSeconds;
    this.name = options.name ?? `etcd lease ${id}`;
    const ttlMs = ttlSeconds * 1000;
    this.intervalMs = requirePositive(
      "keepAliveIntervalMs",
      options.keepAliveIntervalMs ?? ttlMs / 3,
    );
    this.requestTimeoutMs = requirePositive(
      "requestTimeoutMs",
      options.requestTimeoutMs ?? this.intervalMs,
    );
    this.lastConfirmedSendMs = sentAtMs;
    this.current = new Lease({
      clock: options.clock,
      grant: { resource: this.name, holder: this.name, durationMs: ttlMs, token: 0 },
      requestSentAtMs: sentAtMs,
      ...(options.driftPpm !== undefined ? { driftPpm: options.driftPpm } : {}),
      ...(options.safetyMarginMs !== undefined ? { safetyMarginMs: options.safetyMarginMs } : {}),
    });
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
    this.armLossTimer();
    this.scheduleKeepAlive(this.intervalMs);
  }

  /** Aborts when the lease is reported lost or closed; its reason is a LeaseExpiredError then. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The holder's safe end on its monotonic clock. */
  get safeEndMs(): number {
    return this.current.safeEndMs;
  }

  /** Time left before the safe end, in ms; zero or negative once past it. */
  remainingMs(): number {
    return this.state === "held" ? this.current.remainingMs() : 0;
  }

  /** True while the server certainly still has the lease. Reports a loss it notices. */
  isValid(): boolean {
    this.checkLoss();
    return this.state === "held";
  }

  /** Throws LeaseExpiredError unless the lease is certainly still held. */
  check(resource: string = this.name): void {
    if (!this.isValid()) {
      throw new LeaseExpiredError(resource, Math.max(0, -this.current.remainingMs()));
    }
  }

  /** Stops keeping the lease alive and revokes it; resolves true if the server confirmed. */
  async close(): Promise<boolean> {
    if (this.state === "closed") return false;
    this.stop("closed", new AbortedError(`${this.name}`, true));
    try {
      await withTimeout((signal) => this.options.api.revokeLease(this.id, { signal }), {
        timers: this.options.timers,
        timeout: this.requestTimeoutMs,
        what: `etcd lease revoke (${this.id})`,
      });
      return true;
    } catch {
      // The server forgets the lease within its TTL anyway; nothing is held on our side.
      return false;
    }
  }

  private scheduleKeepAlive(delayMs: number): void {
    this.keepAliveTimer = this.options.timers.setTimer(Math.max(0, delayMs), () => {
      this.keepAliveTimer = undefined;
      void this.keepAliveOnce();
    });
  }

  private async keepAliveOnce(): Promise<void> {
    if (!this.isValid()) return;
    const { clock, timers, api } = this.options;
    const sentAtMs = clock.monotonicMs();
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const reply = await withTimeout((signal) => api.keepAliveLease(this.id, { signal }), {
        timers,
        timeout: this.requestTimeoutMs,
        signal: controller.signal,
        what: `etcd lease keep-alive (${this.id})`,
      });
      if (this.state !== "held") return;
      if (reply.ttlSeconds <= 0) {
        this.reportLost("revoked");
        return;
      }
      this.keepAlivesConfirmed += 1;
      this.renew(reply.ttlSeconds, sentAtMs);
    } catch {
      // A lost request or a lost reply look the same; the safe end stays where it was, and the
      // next keep-alive tries again. If none succeeds in time, the loss timer reports it.
      this.keepAlivesFailed += 1;
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
    if (this.state === "held") {
      this.scheduleKeepAlive(sentAtMs + this.intervalMs - clock.monotonicMs());
    }
  }

  private renew(ttlSeconds: number, sentAtMs: number): void {
    const grant = { ...this.current.grant, durationMs: ttlSeconds * 1000 };
    const next = this.current.renewed(grant, sentAtMs);
    // Replies may arrive out of order; a reply to an older send must not shorten the lease.
    if (next.safeEndMs > this.current.safeEndMs) {
      this.current = next;
      this.lastConfirmedSendMs = sentAtMs;
      this.armLossTimer();
    }
  }

  private armLossTimer(): void {
    if (this.lossTimer !== undefined) this.options.timers.clearTimer(this.lossTimer);
    this.lossTimer = this.options.timers.setTimer(Math.max(0, this.current.remainingMs()), () => {
      this.lossTimer = undefined;
      if (this.state === "held" && this.current.remainingMs() > 0) this.armLossTimer();
      else this.checkLoss();
    });
  }

  private checkLoss(): void {
    if (this.state === "held" && this.current.remainingMs() <= 0) this.reportLost("expired");
  }

  private reportLost(reason: EtcdLeaseLoss["reason"]): void {
    const loss: EtcdLeaseLoss = {
      reason,
      detectedAtMs: this.options.clock.monotonicMs(),
      safeEndMs: this.current.safeEndMs,
      lastConfirmedSendMs: this.lastConfirmedSendMs,
    };
    this.stop("lost", new LeaseExpiredError(this.name, Math.max(0, -this.current.remainingMs())));
    this.resolveLost(loss);
    this.options.onLost?.(loss);
  }

  private stop(state: Exclude<State, "held">, reason: Error): void {
    this.state = state;
    const { timers } = this.options;
    if (this.keepAliveTimer !== undefined) timers.clearTimer(this.keepAliveTimer);
    if (this.lossTimer !== undefined) timers.clearTimer(this.lossTimer);
    this.keepAliveTimer = this.lossTimer = undefined;
    this.inFlight?.abort(reason);
    this.controller.abort(reason);
  }
}
