import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Rng } from "../core/Rng.js";
import { AdaptiveTimeout } from "./AdaptiveTimeout.js";
import { FixedTimeout } from "./FixedTimeout.js";

describe("FixedTimeout", () => {
  it("shows that a fixed timeout ignores response times and refuses a non-positive duration", () => {
    const t = new FixedTimeout(250);
    t.recordResponseMs(10_000);
    expect(t.timeoutMs()).toBe(250);
    expect(() => new FixedTimeout(0)).toThrow(/`timeoutMs` must be > 0, got 0/);
  });
});

describe("AdaptiveTimeout", () => {
  it("shows the chapter's defaults: 5 s before any sample, then 2 × p99 within [1 s, 30 s]", () => {
    const t = new AdaptiveTimeout();
    expect(t.timeoutMs()).toBe(5_000);
    for (let ms = 1; ms <= 100; ms++) t.recordResponseMs(ms * 10); // 10 … 1000 ms; p99 = 990
    expect(t.percentileMs()).toBe(990);
    expect(t.timeoutMs()).toBe(1_980);
  });

  it("shows the clamps: fast responses give 1 s, very slow ones 30 s", () => {
    const fast = new AdaptiveTimeout();
    for (let i = 0; i < 100; i++) fast.recordResponseMs(3);
    expect(fast.timeoutMs()).toBe(1_000);
    const slow = new AdaptiveTimeout();
    for (let i = 0; i < 100; i++) slow.recordResponseMs(20_000);
    expect(slow.timeoutMs()).toBe(30_000);
  });

  it("shows that the window keeps only the last 100 responses, so the timeout recovers after a slow spell", () => {
    const t = new AdaptiveTimeout();
    for (let i = 0; i < 100; i++) t.recordResponseMs(10_000);
    expect(t.timeoutMs()).toBe(20_000);
    for (let i = 0; i < 100; i++) t.recordResponseMs(600);
    expect(t.sampleCount()).toBe(100);
    expect(t.timeoutMs()).toBe(1_200);
  });

  it("shows that the false-timeout-rate variant times out about the chosen fraction of healthy calls", () => {
    const t = AdaptiveTimeout.forFalseTimeoutRate({
      falseTimeoutRate: 0.01,
      paddingRatio: 0,
      minTimeoutMs: 1,
    });
    expect(t.windowSize).toBe(1000);
    const rng = Rng.fromSeed(5);
    const draw = () => 50 + rng.exponential(100);
    for (let i = 0; i < 1000; i++) t.recordResponseMs(draw());
    const timeoutMs = t.timeoutMs();
    let late = 0;
    for (let i = 0; i < 100_000; i++) if (draw() > timeoutMs) late++;
    // Exponential tail: P(X > p99) = 1%; a finite window gives a noisy estimate of p99.
    expect(late / 100_000).toBeGreaterThan(0.005);
    expect(late / 100_000).toBeLessThan(0.02);
    const padded = AdaptiveTimeout.forFalseTimeoutRate({ falseTimeoutRate: 0.01, paddingMs: 40 });
    for (let i = 0; i < 1000; i++) padded.recordResponseMs(1000);
    expect(padded.timeoutMs()).toBe(1000 * 1.05 + 40); // default paddingRatio 5%, then paddingMs
    const bare = AdaptiveTimeout.forFalseTimeoutRate({ falseTimeoutRate: 0.01, paddingRatio: 0 });
    for (let i = 0; i < 1000; i++) bare.recordResponseMs(1000);
    expect(bare.timeoutMs()).toBe(1000);
  });

  it("shows that the target-rate variant keeps its initial timeout until the window holds 1 / rate samples, so a few fast first calls cannot pin it low", () => {
    const t = AdaptiveTimeout.forFalseTimeoutRate({
      falseTimeoutRate: 0.01,
      minTimeoutMs: 1,
      initialTimeoutMs: 1_000,
    });
    expect(t.minSamples).toBe(100);
    for (let i = 0; i < 99; i++) t.recordResponseMs(20);
    expect(t.timeoutMs()).toBe(1_000);
    t.recordResponseMs(20);
    expect(t.timeoutMs()).toBe(21); // p99 of the window, 20, padded by the default 5%
    expect(new AdaptiveTimeout().minSamples).toBe(1); // the chapter's rule: trust the first sample
  });

  it("shows that bad settings are refused at construction, naming the value and the fix", () => {
    expect(() => new AdaptiveTimeout({ percentile: 0 })).toThrow(ConfigError);
    expect(() => new AdaptiveTimeout({ percentile: 1.2 })).toThrow(/percentile/);
    expect(() => new AdaptiveTimeout({ minTimeoutMs: 5000, maxTimeoutMs: 1000 })).toThrow(
      /maxTimeoutMs/,
    );
    expect(() => new AdaptiveTimeout({ initialTimeoutMs: 60_000 })).toThrow(/initialTimeoutMs/);
    expect(() => new AdaptiveTimeout({ windowSize: 0 })).toThrow(/windowSize/);
    expect(() => AdaptiveTimeout.forFalseTimeoutRate({ falseTimeoutRate: 0 })).toThrow(
      /falseTimeoutRate/,
    );
    expect(() =>
      AdaptiveTimeout.forFalseTimeoutRate({ falseTimeoutRate: 0.001, windowSize: 100 }),
    ).toThrow(/>= 1 \/ falseTimeoutRate = 1000/);
    expect(() =>
      AdaptiveTimeout.forFalseTimeoutRate({ falseTimeoutRate: 0.01, paddingRatio: -0.1 }),
    ).toThrow(/paddingRatio/);
    expect(() => new AdaptiveTimeout().recordResponseMs(-1)).toThrow(/responseMs/);
    expect(() => new AdaptiveTimeout({ minSamples: 0 })).toThrow(
      /`minSamples` must be an integer >= 1, got 0/,
    );
    expect(() => new AdaptiveTimeout({ windowSize: 10, minSamples: 11 })).toThrow(
      /`minSamples` must be <= windowSize \(10\), got 11; wait for fewer samples/,
    );
  });
});
