// The grantor's side of leases: who holds which resource until when, on the grantor's monotonic
// clock. Each new grant carries a fresh fencing token; renewal by the same holder keeps its token
// and extends the lease. The grantor forgets a lease as soon as it expires on its own clock; the
// holder stops earlier, because `Lease` subtracts the drift bound and a safety margin.

import type { MonotonicClock } from "../core/Clock.js";
import { requirePositive } from "../core/validate.js";
import { LeaseExpiredError, LeaseHeldError } from "./errors.js";
import { FencingTokenIssuer } from "./FencingTokenIssuer.js";

export interface LeaseGrant {
  readonly resource: string;
  readonly holder: string;
  readonly durationMs: number;
  /** Fencing token of this grant; pass it with every write the lease protects. */
  readonly token: number;
}

interface Held extends LeaseGrant {
  readonly expiresAtMs: number;
}

export interface LeaseTableOptions {
  readonly clock: MonotonicClock;
  /** Default: a fresh issuer starting at 1. Share one with a durable store across restarts. */
  readonly issuer?: FencingTokenIssuer;
}

export class LeaseTable {
  private readonly clock: MonotonicClock;
  private readonly issuer: FencingTokenIssuer;
  private readonly leases = new Map<string, Held>();

  constructor(options: LeaseTableOptions) {
    this.clock = options.clock;
    this.issuer = options.issuer ?? new FencingTokenIssuer();
  }

  /**
   * Grants `resource` to `holder` for `durationMs` with a new token, or throws LeaseHeldError if
   * another holder's lease has not expired. A holder re-acquiring its own live lease renews it.
   */
  acquire(resource: string, holder: string, durationMs: number): LeaseGrant {
    requirePositive("durationMs", durationMs);
    const current = this.current(resource);
    if (current !== undefined) {
      if (current.holder === holder) return this.renew(resource, holder, current.token, durationMs);
      throw new LeaseHeldError(resource, current.holder, current.expiresAtMs - this.now());
    }
    return this.grant({ resource, holder, durationMs, token: this.issuer.next() });
  }

  /** Extends a live lease held by `holder` under `token`; throws LeaseExpiredError otherwise. */
  renew(resource: string, holder: string, token: number, durationMs: number): LeaseGrant {
    requirePositive("durationMs", durationMs);
    const current = this.current(resource);
    if (current === undefined || current.holder !== holder || current.token !== token) {
      throw new LeaseExpiredError(resource, 0);
    }
    return this.grant({ resource, holder, durationMs, token });
  }

  /** Ends the lease early if `holder` still holds it under `token`; otherwise does nothing. */
  release(resource: string, holder: string, token: number): void {
    const current = this.current(resource);
    if (current?.holder === holder && current.token === token) this.leases.delete(resource);
  }

  /** The live grant on `resource`, if any. */
  holder(resource: string): LeaseGrant | undefined {
    const current = this.current(resource);
    return (
      current && {
        resource: current.resource,
        holder: current.holder,
        durationMs: current.durationMs,
        token: current.token,
      }
    );
  }

  private grant(grant: LeaseGrant): LeaseGrant {
    this.leases.set(grant.resource, { ...grant, expiresAtMs: this.now() + grant.durationMs });
    return grant;
  }

  private current(resource: string): Held | undefined {
    const held = this.leases.get(resource);
    if (held === undefined) return undefined;
    if (this.now() >= held.expiresAtMs) {
      this.leases.delete(resource);
      return undefined;
    }
    return held;
  }

  private now(): number {
    return this.clock.monotonicMs();
  }
}
