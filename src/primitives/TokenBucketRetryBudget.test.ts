import { describe, expect, it } from "vitest";
import { ConfigError, TimeoutError } from "../core/errors.js";
import { TokenBucketRetryBudget } from "./TokenBucketRetryBudget.js";

describe("TokenBucketRetryBudget", () => {
  it("shows the AWS defaults: 500 tokens, a retry costs 5, a timeout retry 10, a success refunds 1", () => {
    const budget = new TokenBucketRetryBudget();
    expect(budget.availableTokens()).toBe(500);
    expect(budget.tryAcquireRetry(new Error("500"))).toBe(true);
    expect(budget.availableTokens()).toBe(495);
    expect(budget.tryAcquireRetry(new TimeoutError("get", 1))).toBe(true);
    expect(budget.availableTokens()).toBe(485);
    budget.recordSuccess();
    expect(budget.availableTokens()).toBe(486);
  });

  it("shows that a failing dependency drains the bucket after 100 retries, then retries are refused", () => {
    const budget = new TokenBucketRetryBudget();
    let granted = 0;
    while (budget.tryAcquireRetry(new Error("503"))) granted++;
    expect(granted).toBe(100);
    expect(budget.tryAcquireRetry(new Error("503"))).toBe(false);
    for (let i = 0; i < 5; i++) budget.recordSuccess();
    expect(budget.tryAcquireRetry(new Error("503"))).toBe(true);
  });

  it("shows that successes never fill the bucket beyond its capacity", () => {
    const budget = new TokenBucketRetryBudget({ capacityTokens: 10 });
    for (let i = 0; i < 100; i++) budget.recordSuccess();
    expect(budget.availableTokens()).toBe(10);
  });

  it("shows that bad sizes are refused with the field and the fix", () => {
    expect(() => new TokenBucketRetryBudget({ capacityTokens: -1 })).toThrow(ConfigError);
    expect(() => new TokenBucketRetryBudget({ retryCostTokens: 0 })).toThrow(/retryCostTokens/);
    expect(() => new TokenBucketRetryBudget({ capacityTokens: 4 })).toThrow(
      /<= capacityTokens \(4\)/,
    );
  });
});
