// The retry strategies the retry-storm scenario compares. A strategy is a backoff (exponential
// without jitter, or with full, equal or decorrelated jitter) and, for two of them, a retry budget
// shared by the callers of one client process. The burst world runs the four without a budget,
// the stream world all six.

import type { NodeContext } from "../../sim/NodeApi.js";
import {
  decorrelatedJitterBackoff,
  equalJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
  RatioRetryBudget,
  TokenBucketRetryBudget,
  type Backoff,
  type RetryBudget,
} from "../../primitives/index.js";

export const RETRY_STORM_STRATEGIES = [
  "no-jitter",
  "full-jitter",
  "equal-jitter",
  "decorrelated-jitter",
  "full-jitter+token-bucket",
  "full-jitter+ratio-budget",
] as const;
export type RetryStormStrategy = (typeof RETRY_STORM_STRATEGIES)[number];

/** The stream world's backoff; the burst world passes its own. */
const BACKOFF = { baseMs: 50, capMs: 1_000 };

export function backoffFor(
  strategy: RetryStormStrategy,
  params: { baseMs: number; capMs: number } = BACKOFF,
): Backoff {
  switch (strategy) {
    case "no-jitter":
      return exponentialBackoff(params);
    case "equal-jitter":
      return equalJitterBackoff(params);
    case "decorrelated-jitter":
      return decorrelatedJitterBackoff(params);
    default:
      return fullJitterBackoff(params);
  }
}

export function budgetFor(strategy: RetryStormStrategy, ctx: NodeContext): RetryBudget | undefined {
  switch (strategy) {
    case "full-jitter+token-bucket":
      // The AWS SDKs' retry quota with its defaults: 500 tokens, a retry costs 5 (10 after a
      // timeout), a success refunds 1.
      return new TokenBucketRetryBudget();
    case "full-jitter+ratio-budget":
      // The SRE book's per-client budget: retries at most 10% of the calls of the last 10 s
      // (with Finagle's floor of 10 retries per window).
      return new RatioRetryBudget({ clock: ctx.clock, maxRetryRatio: 0.1, windowMs: 10_000 });
    default:
      return undefined;
  }
}
