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
// `classifyError` encodes these rules; pass `classify` to change them. This is where retry differs
// from p-retry, which retries every error but an AbortError: here a plain `new Error("boom")` says
// nothing about whether it took effect, so it is indeterminate and is NOT retried unless the
// operation is declared `idempotent: true`. Counting is explicit: `maxAttempts` is the total number
// of calls, the first included, so `maxAttempts: 1` never retries and `maxAttempts: 3` retries at
// most twice. Time is read from the monotonic clock passed in, and `signal` cancels a pending
// backoff delay immediately rather than when it ends.

import type { MonotonicClock, Random, Timers } from "../core/Clock.js";
import { AbortedError } from "../core/errors.js";
import { requireInteger, requirePositive } from "../core/validate.js";
import { fullJitterBackoff, type Backoff } from "./Backoff.js";
import type { RetryBudget } from "./RetryBudget.js";

/**
 * What a failed call means for a retry (see `classifyError` for the default rules):
 * - `transient`: certainly did not take effect and may succeed if retried; always retried.
 * - `indeterminate`: may have taken effect; retried only when the operation is `idempotent`.
 * - `permanent`: retrying cannot help (or must not be done); never retried.
 */
export type ErrorClass = "transient" | "indeterminate" | "permanent";

/**
 * Why retry stopped: `max-attempts`, `max-elapsed` and `budget-exhausted` are its limits;
 * `permanent` is an error classed permanent; `not-idempotent` is an indeterminate error (e.g. a
 * timeout, or a plain `Error`) on an operation not declared `idempotent`; `aborted` is the signal.
 */
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

/**
 * How `retry` runs. Which errors are retried is decided by `classify` (default `classifyError`):
 * an error with `definite: true` and `retryable: true` is retried; one with `definite: true` alone
 * is not; any other error — a timeout, a lost connection, a plain `Error` — may have taken effect
 * and is retried only when `idempotent` is true (p-retry users: it defaults to false, so a plain
 * `Error` is NOT retried until you declare the operation idempotent or mark the error).
 *
 * Every optional field also accepts `undefined` (meaning "the default"), so options compose under
 * `exactOptionalPropertyTypes`: `{ ...defaults, maxAttempts: config.retries }` type-checks when
 * `config.retries` may be undefined.
 */
export interface RetryOptions {
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  readonly random: Random;
  /** Total calls, the first one included. Default 3 (one call and at most two retries). */
  readonly maxAttempts?: number | undefined;
  /**
   * No retry starts if it would begin more than this long after the first call began, measured on
   * the monotonic clock. It does not interrupt a call in progress: bound each call with a timeout.
   * Default: no limit.
   */
  readonly maxElapsedMs?: number | undefined;
  /** Default full jitter with baseMs 100 and capMs 10_000. */
  readonly backoff?: Backoff | undefined;
  /**
   * True when applying the operation twice has the same effect as once. Default false, and then
   * an indeterminate error (a timeout, a plain `Error`) is not retried: it may have taken effect.
   */
  readonly idempotent?: boolean | undefined;
  /** Default `classifyError`: `definite` and `retryable` on the error decide. */
  readonly classify?: ((error: unknown) => ErrorClass) | undefined;
  /** Shared across calls to cap retries when a dependency is failing. */
  readonly budget?: RetryBudget | undefined;
  /**
   * Aborting stops retrying at once, cancelling a pending backoff delay, and retry rejects with an
   * AbortedError whose `cause` is `signal.reason` whenever the abort came.
   */
  readonly signal?: AbortSignal | undefined;
  readonly onRetry?: ((event: RetryScheduledEvent) => void) | undefined;
  /** Also called on abort, with the last call's error in `error`. */
  readonly onGiveUp?: ((event: GiveUpEvent) => void) | undefined;
}

/**
 * The default classification, read from two fields of the error:
 *
 * | the error                                | class           | retried?                    |
 * | ---------------------------------------- | --------------- | --------------------------- |
 * | `definite: true, retryable: true`        | `transient`     | yes                         |
 * | `definite: true` (no `retryable: true`)  | `permanent`     | no                          |
 * | an AbortedError                          | `permanent`     | no                          |
 * | anything else: `definite: false` or none | `indeterminate` | only if `idempotent: true`  |
 *
 * So a plain `new Error("ECONNRESET")`, a string, or a TimeoutError is indeterminate: it may have
 * taken effect, and retrying a non-idempotent operation could apply it twice. murphy's own errors
 * carry `definite`; give yours `definite` and `retryable` fields, or pass your own `classify`.
 */
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
 * have taken effect, and whose `cause` is `signal.reason` — the same whether the abort came before
 * a call, during one or during a backoff delay.
 *
 * Which failures are retried (see `classifyError`): an error marked `definite: true` and
 * `retryable: true` is; one marked `definite: true` only is not; every other error, a plain
 * `Error` included, is retried only when `options.idempotent` is true. Unlike p-retry, a plain
 * `Error` is NOT retried by default: declare the operation idempotent, or mark the error. The
 * package's docs/retries.md has the whole story.
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
    if (signal?.aborted) throw aborted(signal, mayHaveTakenEffect);
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
      throw reason === "aborted" ? aborted(signal, mayHaveTakenEffect) : error;
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

/**
 * The error of an aborted retry. Its cause is the abort's reason wherever the abort landed: the
 * error of the call in flight (often an AbortedError of its own) and the last failure before a
 * backoff are what `onGiveUp` reports, not the cause.
 */
function aborted(signal: AbortSignal | undefined, mayHaveTakenEffect: boolean): AbortedError {
  return new AbortedError("retry", !mayHaveTakenEffect, { cause: signal?.reason });
}
