import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { ManualClock } from "../core/ManualClock.js";
import { RealClock } from "../runtime/RealClock.js";
import { RatioRetryBudget } from "./RatioRetryBudget.js";

describe("RatioRetryBudget", () => {
  it("shows that retries are held to 10% of calls over the window, beyond a small allowance", () => {
    const clock = new ManualClock();
    const budget = new RatioRetryBudget({ clock, minRetriesPerWindow: 0 });
    for (let i = 0; i < 100; i++) budget.recordAttempt();
    let granted = 0;
    while (budget.tryAcquireRetry(new Error("x"))) {
      budget.recordAttempt();
      granted++;
    }
    // retries r are allowed while r <= 0.1 · (100 + r), i.e. up to 11.
    expect(granted).toBe(11);
    expect(budget.counts()).toEqual({ attempts: 111, retries: 11 });
  });

  it("shows that the allowance lets a quiet client retry, and old counts slide out of the window", () => {
    const clock = new ManualClock();
    const budget = new RatioRetryBudget({ clock, minRetriesPerWindow: 2, windowMs: 1000 });
    budget.recordAttempt();
    expect(budget.tryAcquireRetry(null)).toBe(true);
    expect(budget.tryAcquireRetry(null)).toBe(true);
    expect(budget.tryAcquireRetry(null)).toBe(false);
    clock.advanceMs(1000);
    expect(budget.counts()).toEqual({ attempts: 0, retries: 0 });
    expect(budget.tryAcquireRetry(null)).toBe(true);
  });

  it("shows that under a retry storm the extra load stays near 10% however long it lasts", () => {
    const clock = new ManualClock();
    const budget = new RatioRetryBudget({ clock, minRetriesPerWindow: 0 });
    let calls = 0;
    let retries = 0;
    for (let request = 0; request < 10_000; request++) {
      clock.advanceMs(7);
      budget.recordAttempt();
      calls++;
      // Every call fails and its client would retry up to 3 times.
      for (let r = 0; r < 3 && budget.tryAcquireRetry(null); r++) {
        budget.recordAttempt();
        calls++;
        retries++;
      }
    }
    expect(retries / calls).toBeLessThanOrEqual(0.12);
    expect(retries / calls).toBeGreaterThan(0.05);
  });

  it("shows that bad settings are refused at construction", () => {
    const clock = new ManualClock();
    expect(() => new RatioRetryBudget({ clock, maxRetryRatio: 1.5 })).toThrow(ConfigError);
    expect(() => new RatioRetryBudget({ clock, windowMs: 0 })).toThrow(/windowMs/);
    expect(() => new RatioRetryBudget({ clock, bucketCount: 0 })).toThrow(/bucketCount/);
  });

  it("shows that the budget runs on the real clock", () => {
    const budget = new RatioRetryBudget({ clock: new RealClock(), minRetriesPerWindow: 1 });
    budget.recordAttempt();
    expect(budget.tryAcquireRetry(null)).toBe(true);
    expect(budget.tryAcquireRetry(null)).toBe(false);
  });
});
