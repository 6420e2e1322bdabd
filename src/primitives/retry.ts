// Retry an operation with backoff, safely. Two questions decide whether a failed call is retried,
// and libraries that ask only the second one turn a timeout into a duplicated payment:
//
//   1. Could a retry apply the operation twice? A definite failure (`error.definite === true`)
//      certainly did not take effect, so retrying it cannot duplicate anything. An indeterminate
//      one (a timeout, a lost connection, or any error that does not say) may have taken effect,
//      so it is retried only when the caller declares the operation idempotent.
//   2. Could a retry succeed? A definite failure is usually an answer ("insufficient funds") that
//      a retry would only repeat, so it is retried only when it says it is transient
//      (`error.retryable === true`, e.g. "connection refused" or "throttled").
//
// `classifyError` encodes these rules; pass `classify` to change them. Counting is explicit:
// `maxAttempts` is the total number of calls, the first included, so `maxAttempts: 1` never
// retries and `maxAttempts: 3` retries at most twice. Time is read from the monotonic clock passed
// in, and `signal` cancels a pending backoff delay immediately rather than when it ends.

import type { MonotonicClock, Random, Timers } from "../core/Clock.js";
import { AbortedError } from "../core/errors.js";
import { requireInteger, requirePositive } from "../core/validate.js";
import { fullJitterBackoff, type Backoff } from "./Backoff.js";
import type { RetryBudget } from "./RetryBudget.js";

/**
 * `transient`: certainly did not take effect and may succeed if retried. `indeterminate`: may have
 * taken effect. `permanent`: retrying cannot help (or must not be done).
 */
export type ErrorClass = "transient" | "indeterminate" | "permanent";

export type GiveUpReason =
  "max-attempts" | "max-elapsed" | "permanent" | "not-idempotent" | "budget-exhausted" | "aborted";

export interface RetryEvent {
  /** The number of the call that failed; 1 is the first call. */
  readonly attempt: number;
  readonly error: unknown;
  readonly errorClass: ErrorClass;
  /** Time since the first call began, on the monotonic clock. */
  readonly elapsedMs: number;
}

export interface RetryScheduledEvent extends RetryEvent {
  /** How long retry will wait before the next call. */
  readonly delayMs: number;
}

export interface GiveUpEvent extends RetryEvent {
  readonly reason: GiveUpReason;
}

export interface AttemptContext {
  /** 1 for the first call, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** The caller's signal, to pass on to the operation so that it can stop early too. */
  readonly signal: AbortSignal | undefined;
}

export interface RetryOptions {
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  readonly random: Random;
  /** Total calls, the first one included. Default 3 (one call and at most two retries). */
  readonly maxAttempts?: number;
  /**
   * No retry starts if it would begin more than this long after the first call began, measured on
   * the monotonic clock. It does not interrupt a call in progress: bound each call with a timeout.
   * Default: no limit.
   */
  readonly maxElapsedMs?: number;
  /** Default full jitter with baseMs 100 and capMs 10_000. */
  readonly backoff?: Backoff;
  /** True when applying the operation twice has the same effect as once. Default false. */
  readonly idempotent?: boolean;
  /** Default `classifyError`. */
  readonly classify?: (error: unknown) => ErrorClass;
  /** Shared across calls to cap retries when a dependency is failing. */
  readonly budget?: RetryBudget;
  /** Aborting stops retrying at once, cancelling a pending backoff delay. */
  readonly signal?: AbortSignal;
  readonly onRetry?: (event: RetryScheduledEvent) => void;
  readonly onGiveUp?: (event: GiveUpEvent) => void;
}

/** The default classification; see the module comment. */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof AbortedError) return "permanent";
  if (typeof error !== "object" || error === null) return "indeterminate";
  const { definite, retryable } = error as { definite?: unknown; retryable?: unknown };
  if (definite === true) return retryable === true ? "transient" : "permanent";
  return "indeterminate";
}

function isDefinite(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { definite?: unknown }).definite === true
  );
}

const DEFAULT_BACKOFF = fullJitterBackoff({ baseMs: 100, capMs: 10_000 });

/**
 * Calls `operation` until it succeeds or retrying stops. On giving up, rethrows the last error
 * unchanged (so its `code` and `definite` flag reach the caller), except when aborted, which
 * throws an AbortedError whose `definite` is false if any call, the one in flight included, may
 * have taken effect.
 */
export async function retry<T>(
  operation: (context: AttemptContext) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const maxAttempts = requireInteger("maxAttempts", options.maxAttempts ?? 3, 1);
  const maxElapsedMs =
    options.maxElapsedMs === undefined
      ? Infinity
      : requirePositive("maxElapsedMs", options.maxElapsedMs);
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const classify = options.classify ?? classifyError;
  const { clock, timers, random, budget, signal } = options;
  const startMs = clock.monotonicMs();
  let previousDelayMs: number | undefined;
  let mayHaveTakenEffect = false;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) {
      throw new AbortedError("retry", !mayHaveTakenEffect, { cause: signal.reason });
    }
    budget?.recordAttempt();
    let error: unknown;
    try {
      const result = await operation({ attempt, signal });
      budget?.recordSuccess();
      return result;
    } catch (caught) {
      error = caught;
    }
    const errorClass = classify(error);
    // Only an error that says it is definite proves the call did not take effect. The class says
    // whether to retry, not what happened: an AbortedError from a call in flight is "permanent"
    // (retrying will not help) yet its outcome is unknown, and a custom classifier may call any
    // error transient.
    if (errorClass === "indeterminate" || !isDefinite(error)) mayHaveTakenEffect = true;
    const elapsedMs = clock.monotonicMs() - startMs;
    const event: RetryEvent = { attempt, error, errorClass, elapsedMs };
    const giveUp = (reason: GiveUpReason): never => {
      options.onGiveUp?.({ ...event, reason });
      if (reason === "aborted") {
        throw new AbortedError("retry", !mayHaveTakenEffect, { cause: error });
      }
      throw error;
    };

    if (signal?.aborted) giveUp("aborted");
    if (errorClass === "permanent") giveUp("permanent");
    if (errorClass === "indeterminate" && options.idempotent !== true) giveUp("not-idempotent");
    if (attempt >= maxAttempts) giveUp("max-attempts");
    const delayMs = backoff.delayMs(attempt - 1, previousDelayMs, random);
    if (elapsedMs + delayMs > maxElapsedMs) giveUp("max-elapsed");
    if (budget !== undefined && !budget.tryAcquireRetry(error)) giveUp("budget-exhausted");

    options.onRetry?.({ ...event, delayMs });
    previousDelayMs = delayMs;
    try {
      await timers.sleep(delayMs, signal);
    } catch {
      giveUp("aborted");
    }
  }
}
