// The retry quota of the AWS SDKs' "standard" retry mode: a bucket of tokens shared by all calls
// to one service. A retry costs tokens (more after a timeout, which is the likelier sign of an
// overloaded service), a success puts a token back, and when the bucket cannot pay for a retry the
// call fails at once instead of retrying. A healthy service keeps the bucket full; a failing one
// drains it after about initialTokens / retryCost retries, and then only first attempts are sent.

import { ConfigError } from "../core/errors.js";
import { requireInteger } from "../core/validate.js";
import { isTimeoutError, type RetryBudget } from "./RetryBudget.js";

export interface TokenBucketRetryBudgetOptions {
  /** Tokens at the start, and the most the bucket holds. Default 500. */
  readonly capacityTokens?: number;
  /** Tokens a retry after an ordinary error costs. Default 5. */
  readonly retryCostTokens?: number;
  /** Tokens a retry after a timeout costs. Default 10. */
  readonly timeoutRetryCostTokens?: number;
  /** Tokens a success puts back, never beyond capacity. Default 1. */
  readonly successRefundTokens?: number;
}

export class TokenBucketRetryBudget implements RetryBudget {
  readonly capacityTokens: number;
  readonly retryCostTokens: number;
  readonly timeoutRetryCostTokens: number;
  readonly successRefundTokens: number;
  private tokens: number;

  constructor(options: TokenBucketRetryBudgetOptions = {}) {
    this.capacityTokens = requireInteger("capacityTokens", options.capacityTokens ?? 500, 0);
    this.retryCostTokens = requireInteger("retryCostTokens", options.retryCostTokens ?? 5, 1);
    this.timeoutRetryCostTokens = requireInteger(
      "timeoutRetryCostTokens",
      options.timeoutRetryCostTokens ?? 10,
      1,
    );
    this.successRefundTokens = requireInteger(
      "successRefundTokens",
      options.successRefundTokens ?? 1,
      0,
    );
    if (this.retryCostTokens > this.capacityTokens && this.capacityTokens > 0) {
      throw new ConfigError({
        field: "retryCostTokens",
        value: this.retryCostTokens,
        expected: `<= capacityTokens (${this.capacityTokens})`,
        fix: "lower the cost or raise the capacity, else no retry can ever be paid for",
      });
    }
    this.tokens = this.capacityTokens;
  }

  /** Tokens left now. */
  availableTokens(): number {
    return this.tokens;
  }

  recordAttempt(): void {}

  tryAcquireRetry(error: unknown): boolean {
    const cost = isTimeoutError(error) ? this.timeoutRetryCostTokens : this.retryCostTokens;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  recordSuccess(): void {
    this.tokens = Math.min(this.capacityTokens, this.tokens + this.successRefundTokens);
  }
}
