// Bounds one call in time. When the timeout fires, the returned promise rejects with a
// TimeoutError (indeterminate: the call may still take effect) and the signal handed to the
// operation aborts, so that an operation that listens can stop its work. An operation that does
// not listen keeps running; its late result is dropped. With a TimeoutPolicy, the durations of
// calls that complete are measured on the monotonic clock and fed back to the policy, and a call
// that timed out is fed back as lasting its timeout (see AdaptiveTimeout on why).

import type { MonotonicClock, Timers } from "../core/Clock.js";
import { AbortedError, TimeoutError } from "../core/errors.js";
import { requirePositive } from "../core/validate.js";
import type { TimeoutPolicy } from "./TimeoutPolicy.js";

/**
 * How `withTimeout` bounds a call. Every optional field also accepts `undefined` (meaning "the
 * default"), so options compose under `exactOptionalPropertyTypes`: `{ ...base, signal }` with the
 * `AbortSignal | undefined` that `retry` hands each attempt type-checks.
 */
export interface WithTimeoutOptions {
  readonly timers: Timers;
  /** A fixed duration in ms, or a policy that chooses one and learns from completed calls. */
  readonly timeout: number | TimeoutPolicy;
  /** Needed only with a policy, to measure response times. */
  readonly clock?: MonotonicClock | undefined;
  /**
   * The caller's own cancellation: aborting rejects at once with an AbortedError whose `cause` is
   * `signal.reason`, whether the signal was aborted before the call or during it.
   */
  readonly signal?: AbortSignal | undefined;
  /** Names the call in the TimeoutError message. Default "call". */
  readonly what?: string | undefined;
}

/**
 * Runs `operation` with a deadline. It rejects with a TimeoutError (`definite: false`: the call may
 * still take effect, so `retry` retries it only for an idempotent operation) when the timeout fires
 * first, and with an AbortedError (`cause`: `signal.reason`) when the caller's signal aborts first.
 */
export function withTimeout<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  options: WithTimeoutOptions,
): Promise<T> {
  const policy = typeof options.timeout === "number" ? undefined : options.timeout;
  const timeoutMs = requirePositive(
    "timeout",
    policy === undefined ? options.timeout : policy.timeoutMs(),
  );
  if (policy !== undefined && options.clock === undefined) {
    throw new TypeError("withTimeout: a TimeoutPolicy needs `clock` to measure response times");
  }
  const what = options.what ?? "call";
  const { timers, signal } = options;
  if (signal?.aborted) {
    return Promise.reject(new AbortedError(what, true, { cause: signal.reason }));
  }
  const controller = new AbortController();
  const startMs = options.clock?.monotonicMs() ?? 0;

  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      timers.clearTimer(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const onAbort = () => {
      if (!finish()) return;
      controller.abort(signal?.reason);
      reject(new AbortedError(what, false, { cause: signal?.reason }));
    };
    const timer = timers.setTimer(timeoutMs, () => {
      if (!finish()) return;
      // The call lasted at least timeoutMs. Recording that keeps the policy's window honest:
      // dropping timed-out calls hides the tail, and a policy that times out at a percentile of
      // what it saw (multiplier 1) would then lower its timeout after every window.
      policy?.recordResponseMs(timeoutMs);
      const error = new TimeoutError(what, timeoutMs);
      controller.abort(error);
      reject(error);
    });
    signal?.addEventListener("abort", onAbort, { once: true });

    let pending: Promise<T>;
    try {
      pending = operation(controller.signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        if (!finish()) return;
        if (policy !== undefined && options.clock !== undefined) {
          policy.recordResponseMs(options.clock.monotonicMs() - startMs);
        }
        resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}
