// TrueTime, the clock API of Google's Spanner: the time is not a point but an interval
// [earliest, latest] certain to contain true time, as long as the clock's error bound holds.
// `after(t)` is true only when t has certainly passed, `before(t)` only when it certainly has not.
// `commitWait(t)` waits until t is certainly in the past, which is how Spanner makes a commit
// timestamp safe to expose: by the time anyone hears of the commit, every clock agrees its
// timestamp is over. The wait is about twice the uncertainty, so a smaller bound is a faster
// system. Times are wall-clock ms since the epoch; the waiting is done on the Timers passed in.

import type { TrueTimeInterval, TrueTimeSource, Timers } from "../core/Clock.js";
import { requireNumber } from "../core/validate.js";

export interface TrueTimeOptions {
  readonly clock: TrueTimeSource;
  readonly timers: Timers;
}

export class TrueTime {
  private readonly clock: TrueTimeSource;
  private readonly timers: Timers;

  constructor(options: TrueTimeOptions) {
    this.clock = options.clock;
    this.timers = options.timers;
  }

  now(): TrueTimeInterval {
    return this.clock.trueTime();
  }

  /** True when `tMs` has certainly passed: it lies before the earliest possible now. */
  after(tMs: number): boolean {
    return requireNumber("tMs", tMs) < this.now().earliestMs;
  }

  /** True when `tMs` has certainly not arrived: it lies after the latest possible now. */
  before(tMs: number): boolean {
    return requireNumber("tMs", tMs) > this.now().latestMs;
  }

  /**
   * Resolves once `after(tMs)` holds; rejects with AbortedError if `signal` aborts first. Returns
   * the wait, measured as how far `earliest` moved, in ms.
   */
  async commitWait(tMs: number, signal?: AbortSignal): Promise<number> {
    requireNumber("tMs", tMs);
    const startEarliestMs = this.now().earliestMs;
    for (;;) {
      const { earliestMs } = this.now();
      if (tMs < earliestMs) return Math.max(0, earliestMs - startEarliestMs);
      // Sleep just past the gap; loop in case the clock was slewed or the timer fired early.
      await this.timers.sleep(Math.floor(tMs - earliestMs) + 1, signal);
    }
  }
}
