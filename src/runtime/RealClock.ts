// The real clock of this process. Monotonic time comes from `performance.now()`, which Node bases
// on the OS monotonic clock (never stepped by NTP); wall time from `Date.now()`, which may jump.
// The TrueTime interval is wall time widened by a configured uncertainty: a real deployment should
// set it from its time daemon's reported error bound (chrony's "root dispersion" + "root delay"/2,
// or AWS ClockBound), since a bound that is too small silently breaks commit-wait.

import type { Clock, TrueTimeInterval } from "../core/Clock.js";
import { requireNonNegative } from "../core/validate.js";

export interface RealClockOptions {
  /** Half-width of the TrueTime interval, in ms. Default 100 (a loose NTP-over-WAN bound). */
  readonly uncertaintyMs?: number;
}

export class RealClock implements Clock {
  readonly uncertaintyMs: number;

  constructor(options: RealClockOptions = {}) {
    this.uncertaintyMs = requireNonNegative("uncertaintyMs", options.uncertaintyMs ?? 100);
  }

  monotonicMs(): number {
    return performance.now();
  }

  wallMs(): number {
    return Date.now();
  }

  trueTime(): TrueTimeInterval {
    const wall = Date.now();
    return { earliestMs: wall - this.uncertaintyMs, latestMs: wall + this.uncertaintyMs };
  }
}
