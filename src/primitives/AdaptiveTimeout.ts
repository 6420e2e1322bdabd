// A timeout that follows the response times it observes. It keeps the last `windowSize` response
// times and sets the timeout to multiplier × (the given percentile of them) + padding, kept within
// [minTimeoutMs, maxTimeoutMs], and uses `initialTimeoutMs` until `minSamples` samples have come in. The
// defaults are the chapter's: window 100, 2 × p99, within [1 s, 30 s], 5 s before any sample.
//
// `AdaptiveTimeout.forFalseTimeoutRate` builds the other common shape: choose how often a healthy
// call may be timed out (say 0.1%) and use that percentile, with padding for what the window has
// not seen (5% of the percentile by default). It waits for 1 / falseTimeoutRate samples before
// trusting the window: the percentile of a few samples is just their maximum, and a timeout set
// that low would be stuck there.
//
// A timed-out call should be recorded as lasting its timeout (it lasted at least that long), as
// `withTimeout` does. Dropping it instead hides the tail from the window, and a policy that times
// out at a percentile of what it saw then lowers its timeout after every window, until most calls
// time out (a simulated run went from the target 1% to 8%). Recorded that way, the timeout can
// only rise through the multiplier or `paddingMs`: with multiplier 1 and no padding, sampling
// noise ratchets it below the target percentile — hence `paddingRatio`'s default of 5%.
// Percentiles are nearest-rank: the p-th percentile of n samples is the ceil(p·n)-th smallest.

import { percentile } from "../core/percentile.js";
import { ConfigError } from "../core/errors.js";
import {
  requireInteger,
  requireNonNegative,
  requirePositive,
  requireRange,
} from "../core/validate.js";
import type { TimeoutPolicy } from "./TimeoutPolicy.js";

export interface AdaptiveTimeoutOptions {
  /** Response times kept. Default 100. */
  readonly windowSize?: number;
  /** Percentile of the window, in (0, 1]. Default 0.99. */
  readonly percentile?: number;
  /** Factor applied to the percentile. Default 2. Must be > 0. */
  readonly multiplier?: number;
  /** Added after the multiplier, in ms. Default 0. */
  readonly paddingMs?: number;
  /** Default 1_000. */
  readonly minTimeoutMs?: number;
  /** Default 30_000. */
  readonly maxTimeoutMs?: number;
  /** Used before any sample. Default 5_000; must lie in [minTimeoutMs, maxTimeoutMs]. */
  readonly initialTimeoutMs?: number;
  /**
   * Samples needed before the window replaces `initialTimeoutMs`, in [1, windowSize]. Default 1
   * (the chapter's rule); `forFalseTimeoutRate` waits for 1 / falseTimeoutRate of them.
   */
  readonly minSamples?: number;
}

export interface FalseTimeoutRateOptions extends Omit<
  AdaptiveTimeoutOptions,
  "percentile" | "multiplier"
> {
  /** Fraction of healthy calls allowed to time out, in (0, 1), e.g. 0.001 for 0.1%. */
  readonly falseTimeoutRate: number;
  /**
   * Padding as a fraction of the percentile, in [0, 1]: timeout = percentile × (1 + paddingRatio)
   * + paddingMs. Default 0.05. At 0 the timeout ratchets down and overshoots the target rate.
   */
  readonly paddingRatio?: number;
}

export class AdaptiveTimeout implements TimeoutPolicy {
  readonly windowSize: number;
  readonly percentile: number;
  readonly multiplier: number;
  readonly paddingMs: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly initialTimeoutMs: number;
  readonly minSamples: number;
  private readonly samples: number[] = [];
  private next = 0;
  private cachedMs: number | undefined;

  constructor(options: AdaptiveTimeoutOptions = {}) {
    this.windowSize = requireInteger("windowSize", options.windowSize ?? 100, 1);
    this.percentile = requireRange("percentile", options.percentile ?? 0.99, 0, 1);
    if (this.percentile === 0) {
      throw new ConfigError({
        field: "percentile",
        value: 0,
        expected: "in (0, 1]",
        fix: "use e.g. 0.99 for p99",
      });
    }
    this.multiplier = requirePositive("multiplier", options.multiplier ?? 2);
    this.paddingMs = requireNonNegative("paddingMs", options.paddingMs ?? 0);
    this.minTimeoutMs = requirePositive("minTimeoutMs", options.minTimeoutMs ?? 1_000);
    this.maxTimeoutMs = requirePositive("maxTimeoutMs", options.maxTimeoutMs ?? 30_000);
    if (this.maxTimeoutMs < this.minTimeoutMs) {
      throw new ConfigError({
        field: "maxTimeoutMs",
        value: this.maxTimeoutMs,
        expected: `>= minTimeoutMs (${this.minTimeoutMs})`,
        fix: "raise maxTimeoutMs or lower minTimeoutMs",
      });
    }
    this.initialTimeoutMs = requireRange(
      "initialTimeoutMs",
      options.initialTimeoutMs ?? 5_000,
      this.minTimeoutMs,
      this.maxTimeoutMs,
    );
    this.minSamples = requireInteger("minSamples", options.minSamples ?? 1, 1);
    if (this.minSamples > this.windowSize) {
      throw new ConfigError({
        field: "minSamples",
        value: this.minSamples,
        expected: `<= windowSize (${this.windowSize})`,
        fix: "wait for fewer samples or keep a larger window",
      });
    }
  }

  /**
   * Timeout = the (1 − falseTimeoutRate) percentile × (1 + paddingRatio) + paddingMs. The window must hold at least
   * 1 / falseTimeoutRate samples, else that percentile is just the window's maximum.
   */
  static forFalseTimeoutRate(options: FalseTimeoutRateOptions): AdaptiveTimeout {
    const rate = requireRange("falseTimeoutRate", options.falseTimeoutRate, 0, 1);
    if (rate === 0 || rate === 1) {
      throw new ConfigError({
        field: "falseTimeoutRate",
        value: rate,
        expected: "in (0, 1)",
        fix: "use e.g. 0.001 for 0.1% of healthy calls timed out",
      });
    }
    const needed = Math.ceil(1 / rate);
    const windowSize = options.windowSize ?? Math.max(1_000, needed);
    if (windowSize < needed) {
      throw new ConfigError({
        field: "windowSize",
        value: windowSize,
        expected: `>= 1 / falseTimeoutRate = ${needed}`,
        fix: `keep at least ${needed} samples, or accept a higher falseTimeoutRate`,
      });
    }
    const paddingRatio = requireRange("paddingRatio", options.paddingRatio ?? 0.05, 0, 1);
    const { paddingRatio: _ratio, falseTimeoutRate: _rate, ...rest } = options;
    return new AdaptiveTimeout({
      ...rest,
      windowSize,
      minSamples: options.minSamples ?? needed,
      percentile: 1 - rate,
      multiplier: 1 + paddingRatio,
      paddingMs: options.paddingMs ?? 0,
    });
  }

  recordResponseMs(responseMs: number): void {
    requireNonNegative("responseMs", responseMs);
    if (this.samples.length < this.windowSize) this.samples.push(responseMs);
    else this.samples[this.next] = responseMs;
    this.next = (this.next + 1) % this.windowSize;
    this.cachedMs = undefined;
  }

  /** Samples currently in the window. */
  sampleCount(): number {
    return this.samples.length;
  }

  /** The configured percentile of the window, or undefined before any sample. */
  percentileMs(): number | undefined {
    if (this.samples.length === 0) return undefined;
    return percentile(this.samples, this.percentile);
  }

  timeoutMs(): number {
    if (this.cachedMs !== undefined) return this.cachedMs;
    if (this.samples.length < this.minSamples) return this.initialTimeoutMs;
    const p = this.percentileMs()!;
    const raw = this.multiplier * p + this.paddingMs;
    this.cachedMs = Math.min(this.maxTimeoutMs, Math.max(this.minTimeoutMs, raw));
    return this.cachedMs;
  }
}
