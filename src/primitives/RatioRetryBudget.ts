// The per-client retry budget of Google's SRE book ("Handling Overload"): retries may be at most a
// fixed fraction (10%) of the calls made over a recent window. Unlike a per-request retry limit,
// which still lets every request triple the load during an outage, this bounds the extra load at
// 1.1x. A small allowance (`minRetriesPerWindow`, as in Finagle's RetryBudget) lets a client with
// little traffic retry at all.
//
// The window slides in `bucketCount` steps: counts are kept per bucket of windowMs / bucketCount
// on the monotonic clock, so memory stays constant however many calls are made.

import type { MonotonicClock } from "../core/Clock.js";
import { requireInteger, requirePositive, requireRange } from "../core/validate.js";
import type { RetryBudget } from "./RetryBudget.js";

export interface RatioRetryBudgetOptions {
  readonly clock: MonotonicClock;
  /** Largest allowed retries / calls over the window, in [0, 1]. Default 0.1. */
  readonly maxRetryRatio?: number;
  /** Length of the sliding window, in ms. Default 10_000. */
  readonly windowMs?: number;
  /** Retries allowed in any window regardless of the ratio. Default 10. */
  readonly minRetriesPerWindow?: number;
  /** Resolution of the sliding window. Default 10. */
  readonly bucketCount?: number;
}

export class RatioRetryBudget implements RetryBudget {
  readonly maxRetryRatio: number;
  readonly windowMs: number;
  readonly minRetriesPerWindow: number;
  private readonly clock: MonotonicClock;
  private readonly bucketMs: number;
  private readonly attempts: number[];
  private readonly retries: number[];
  /** Index (time / bucketMs) of the newest bucket written. */
  private newestBucket = -Infinity;

  constructor(options: RatioRetryBudgetOptions) {
    this.clock = options.clock;
    this.maxRetryRatio = requireRange("maxRetryRatio", options.maxRetryRatio ?? 0.1, 0, 1);
    this.windowMs = requirePositive("windowMs", options.windowMs ?? 10_000);
    this.minRetriesPerWindow = requireInteger(
      "minRetriesPerWindow",
      options.minRetriesPerWindow ?? 10,
      0,
    );
    const bucketCount = requireInteger("bucketCount", options.bucketCount ?? 10, 1);
    this.bucketMs = this.windowMs / bucketCount;
    this.attempts = new Array<number>(bucketCount).fill(0);
    this.retries = new Array<number>(bucketCount).fill(0);
  }

  recordAttempt(): void {
    this.attempts[this.advance()]! += 1;
  }

  tryAcquireRetry(_error: unknown): boolean {
    const slot = this.advance();
    const retries = sum(this.retries);
    const allowed = Math.max(this.minRetriesPerWindow, this.maxRetryRatio * sum(this.attempts));
    if (retries + 1 > allowed) return false;
    this.retries[slot]! += 1;
    return true;
  }

  recordSuccess(): void {}

  /** Retries and calls counted in the current window. */
  counts(): { attempts: number; retries: number } {
    this.advance();
    return { attempts: sum(this.attempts), retries: sum(this.retries) };
  }

  /** Zeroes buckets that slid out of the window; returns the slot for now. */
  private advance(): number {
    const bucket = Math.floor(this.clock.monotonicMs() / this.bucketMs);
    const n = this.attempts.length;
    if (bucket > this.newestBucket) {
      const stale = Math.min(n, bucket - this.newestBucket);
      for (let i = 0; i < stale; i++) {
        const slot = mod(bucket - i, n);
        this.attempts[slot] = 0;
        this.retries[slot] = 0;
      }
      this.newestBucket = bucket;
    }
    return mod(bucket, n);
  }
}

function sum(xs: readonly number[]): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
