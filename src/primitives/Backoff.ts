// Backoff strategies: how long to wait before each retry. Five classic shapes, as named in the
// AWS Architecture Blog's "Exponential Backoff and Jitter" (Marc Brooker, 2015):
//
//   constant             delayMs
//   exponential          min(cap, base·factor^n), optionally ±jitterRatio around it
//   full jitter          rand(0, min(cap, base·2^n))
//   equal jitter         t/2 + rand(0, t/2), where t = min(cap, base·2^n)
//   decorrelated jitter  min(cap, rand(base, previous·3)), previous starting at base
//
// `n` is the retry number counted from 0: the delay before the first retry is `delayMs(0, …)`.
// Jitter spreads out the retries of many clients that failed together, so that they do not come
// back in synchronised waves. Every strategy also states its bounds for the n-th retry, which is
// what the property tests check and what a caller can use to reason about the worst case.

import type { Random } from "../core/Clock.js";
import { ConfigError } from "../core/errors.js";
import { requireNonNegative, requirePositive, requireRange } from "../core/validate.js";

export interface DelayBoundsMs {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface Backoff {
  readonly kind:
    "constant" | "exponential" | "full-jitter" | "equal-jitter" | "decorrelated-jitter";
  /**
   * The delay before retry number `retry` (0 for the first retry). `previousDelayMs` is the delay
   * this strategy returned for the retry before (or `undefined` for the first); only decorrelated
   * jitter uses it.
   */
  delayMs(retry: number, previousDelayMs: number | undefined, random: Random): number;
  /** Inclusive bounds on `delayMs(retry, previousDelayMs, ·)` for every random draw. */
  boundsMs(retry: number, previousDelayMs: number | undefined): DelayBoundsMs;
}

export interface ExponentialShape {
  /** The delay before the first retry, before any jitter, in ms. Must be > 0. */
  readonly baseMs: number;
  /** No delay ever exceeds this, in ms. Must be >= baseMs. */
  readonly capMs: number;
}

function checkShape(shape: ExponentialShape): ExponentialShape {
  const baseMs = requirePositive("baseMs", shape.baseMs);
  const capMs = requirePositive("capMs", shape.capMs);
  if (capMs < baseMs) {
    throw new ConfigError({
      field: "capMs",
      value: capMs,
      expected: `>= baseMs (${baseMs})`,
      fix: "raise capMs or lower baseMs",
    });
  }
  return { baseMs, capMs };
}

/** min(cap, base·factor^n), computed without overflow for any n. */
function cappedExponentialMs(shape: ExponentialShape, retry: number, factor = 2): number {
  const growth = Math.pow(factor, retry);
  const raw = shape.baseMs * growth;
  return Number.isFinite(raw) ? Math.min(shape.capMs, raw) : shape.capMs;
}

function checkRetry(retry: number): void {
  if (!Number.isInteger(retry) || retry < 0) {
    throw new RangeError(`retry must be an integer >= 0, got ${retry}`);
  }
}

/** The same delay before every retry. */
export function constantBackoff(delayMs: number): Backoff {
  const d = requireNonNegative("delayMs", delayMs);
  return {
    kind: "constant",
    delayMs: () => d,
    boundsMs: () => ({ minMs: d, maxMs: d }),
  };
}

export interface ExponentialBackoffOptions extends ExponentialShape {
  /** Growth per retry. Default 2. Must be >= 1. */
  readonly factor?: number | undefined;
  /**
   * Proportional jitter in [0, 1]: the delay is drawn from [d·(1−r), d·(1+r)] around the
   * exponential value d, then capped. Default 0 (no jitter, as in the textbook form).
   */
  readonly jitterRatio?: number | undefined;
}

/** min(cap, base·factor^n), optionally with proportional jitter (gRPC uses 0.2). */
export function exponentialBackoff(options: ExponentialBackoffOptions): Backoff {
  const shape = checkShape(options);
  const factor = options.factor ?? 2;
  if (!(typeof factor === "number" && factor >= 1 && Number.isFinite(factor))) {
    throw new ConfigError({
      field: "factor",
      value: factor,
      expected: "a finite number >= 1",
      fix: "use 2 to double the delay each retry, or 1 for a constant delay",
    });
  }
  const jitterRatio = requireRange("jitterRatio", options.jitterRatio ?? 0, 0, 1);
  const boundsMs = (retry: number): DelayBoundsMs => {
    checkRetry(retry);
    const d = cappedExponentialMs(shape, retry, factor);
    return {
      minMs: Math.min(shape.capMs, d * (1 - jitterRatio)),
      maxMs: Math.min(shape.capMs, d * (1 + jitterRatio)),
    };
  };
  return {
    kind: "exponential",
    boundsMs,
    delayMs: (retry, _previous, random) => {
      const { minMs, maxMs } = boundsMs(retry);
      return jitterRatio === 0 ? maxMs : minMs + (maxMs - minMs) * random.float();
    },
  };
}

/** rand(0, min(cap, base·2^n)): the AWS recommendation; least total work under contention. */
export function fullJitterBackoff(options: ExponentialShape): Backoff {
  const shape = checkShape(options);
  const boundsMs = (retry: number): DelayBoundsMs => {
    checkRetry(retry);
    return { minMs: 0, maxMs: cappedExponentialMs(shape, retry) };
  };
  return {
    kind: "full-jitter",
    boundsMs,
    delayMs: (retry, _previous, random) => boundsMs(retry).maxMs * random.float(),
  };
}

/** t/2 + rand(0, t/2) with t = min(cap, base·2^n): never waits less than half the backoff. */
export function equalJitterBackoff(options: ExponentialShape): Backoff {
  const shape = checkShape(options);
  const boundsMs = (retry: number): DelayBoundsMs => {
    checkRetry(retry);
    const t = cappedExponentialMs(shape, retry);
    return { minMs: t / 2, maxMs: t };
  };
  return {
    kind: "equal-jitter",
    boundsMs,
    delayMs: (retry, _previous, random) => {
      const t = boundsMs(retry).maxMs;
      return t / 2 + (t / 2) * random.float();
    },
  };
}

/** min(cap, rand(base, previous·3)), previous starting at base: grows without a retry count. */
export function decorrelatedJitterBackoff(options: ExponentialShape): Backoff {
  const shape = checkShape(options);
  const boundsMs = (retry: number, previousDelayMs: number | undefined): DelayBoundsMs => {
    checkRetry(retry);
    // A previous delay below base (impossible from this strategy) is read as base, so the range
    // [base, 3·previous] is never empty.
    const previous = Math.max(shape.baseMs, previousDelayMs ?? shape.baseMs);
    return {
      minMs: Math.min(shape.capMs, shape.baseMs),
      maxMs: Math.min(shape.capMs, previous * 3),
    };
  };
  return {
    kind: "decorrelated-jitter",
    boundsMs,
    delayMs: (retry, previousDelayMs, random) => {
      checkRetry(retry);
      const previous = Math.max(shape.baseMs, previousDelayMs ?? shape.baseMs);
      const drawn = shape.baseMs + (previous * 3 - shape.baseMs) * random.float();
      return Math.min(shape.capMs, drawn);
    },
  };
}
