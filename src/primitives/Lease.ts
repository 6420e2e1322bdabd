// The holder's side of a lease: "I may act as owner of this resource until my safe end".
//
// The safe end is measured on the holder's own monotonic clock from when it SENT the request (the
// grant cannot have started earlier), shortened for clock drift, since the holder's clock and the
// grantor's may run at different rates by up to twice the drift bound, and by a safety margin for
// the time between checking the lease and acting on it:
//
//   safeEndMs = requestSentAtMs + durationMs · (1 − 2·driftPpm/10^6) − safetyMarginMs
//
// A LEASE ALONE IS UNSAFE UNDER PAUSES. A process can check its lease, find it valid, then stop
// for a GC pause or a VM suspension longer than the lease, and on waking perform its write with no
// idea that the lease expired and was granted to someone else meanwhile. No check on the holder
// can close that gap, because the pause can fall between the check and the act. Protect every
// write with the grant's fencing token and a store that checks it (FencedStore).

import type { MonotonicClock } from "../core/Clock.js";
import { ConfigError } from "../core/errors.js";
import { requireNonNegative, requireNumber, requireRange } from "../core/validate.js";
import { LeaseExpiredError } from "./errors.js";
import type { LeaseGrant } from "./LeaseTable.js";

export interface LeaseOptions {
  readonly clock: MonotonicClock;
  readonly grant: LeaseGrant;
  /** The holder's monotonic time when it sent the acquire or renew request. */
  readonly requestSentAtMs: number;
  /** Bound on each clock's rate error, in parts per million. Default 200. */
  readonly driftPpm?: number;
  /** Subtracted from the end, in ms, for the time between check and act. Default 0. */
  readonly safetyMarginMs?: number;
}

export class Lease {
  readonly grant: LeaseGrant;
  readonly safeEndMs: number;
  private readonly options: LeaseOptions;

  constructor(options: LeaseOptions) {
    const sentAt = requireNumber("requestSentAtMs", options.requestSentAtMs);
    const driftPpm = requireRange("driftPpm", options.driftPpm ?? 200, 0, 100_000);
    const marginMs = requireNonNegative("safetyMarginMs", options.safetyMarginMs ?? 0);
    const usableMs = options.grant.durationMs * (1 - (2 * driftPpm) / 1e6) - marginMs;
    if (usableMs <= 0) {
      throw new ConfigError({
        field: "safetyMarginMs",
        value: marginMs,
        expected: `less than the drift-adjusted lease duration (${options.grant.durationMs} ms)`,
        fix: "ask for a longer lease or use a smaller safety margin",
      });
    }
    this.grant = options.grant;
    this.safeEndMs = sentAt + usableMs;
    this.options = options;
  }

  get token(): number {
    return this.grant.token;
  }

  /** Time left before the safe end, in ms; zero or negative once past it. */
  remainingMs(): number {
    return this.safeEndMs - this.options.clock.monotonicMs();
  }

  isValid(): boolean {
    return this.remainingMs() > 0;
  }

  /** Throws LeaseExpiredError once past the safe end. Not a guarantee: see the module comment. */
  check(): void {
    const remaining = this.remainingMs();
    if (remaining <= 0) throw new LeaseExpiredError(this.grant.resource, -remaining);
  }

  /** The lease after a successful renewal whose request was sent at `requestSentAtMs`. */
  renewed(grant: LeaseGrant, requestSentAtMs: number): Lease {
    return new Lease({ ...this.options, grant, requestSentAtMs });
  }
}
