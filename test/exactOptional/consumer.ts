// What a p-retry user writes with `exactOptionalPropertyTypes` on: options objects built from
// values that may be undefined, spread into one another, and retry's attempt signal handed on to
// withTimeout. It imports "murphy" as an installed package does; exactOptional.test.ts compiles it.
import {
  exponentialBackoff,
  realRuntime,
  retry,
  withTimeout,
  type AttemptContext,
  type RetryOptions,
  type WithTimeoutOptions,
} from "murphy";

/** The user's own settings, every one optional, as they come from a config file. */
interface CallSettings {
  retries?: number;
  maxElapsedMs?: number;
  idempotent?: boolean;
  timeoutMs?: number;
  jitterRatio?: number;
  signal?: AbortSignal;
}

/** Values that may be undefined pass straight through: undefined means "the default". */
export function callWithRetry<T>(
  call: (signal: AbortSignal) => Promise<T>,
  settings: CallSettings,
): Promise<T> {
  const runtime = realRuntime();
  const timeout: Omit<WithTimeoutOptions, "signal"> = {
    timers: runtime.timers,
    timeout: settings.timeoutMs ?? 1_000,
    clock: undefined,
    what: undefined,
  };
  const options: RetryOptions = {
    ...runtime,
    maxAttempts: settings.retries === undefined ? undefined : settings.retries + 1,
    maxElapsedMs: settings.maxElapsedMs,
    idempotent: settings.idempotent,
    signal: settings.signal,
    backoff: exponentialBackoff({ baseMs: 100, capMs: 5_000, jitterRatio: settings.jitterRatio }),
    onRetry: undefined,
  };
  // retry hands each attempt `signal: AbortSignal | undefined`; withTimeout takes it as it is.
  return retry(({ signal }: AttemptContext) => withTimeout(call, { ...timeout, signal }), options);
}

/** Shared defaults spread under per-call options, and per-call options over them. */
const defaults: Partial<RetryOptions> = { maxAttempts: 5, idempotent: undefined };
export function withDefaults(overrides: Partial<RetryOptions>): RetryOptions {
  return { ...realRuntime(), ...defaults, ...overrides };
}

// The flag is on: a property of a type that does not say `| undefined` refuses undefined here.
interface Strict {
  readonly value?: number;
}
// @ts-expect-error exactOptionalPropertyTypes is on, so undefined is not a number here
export const strict: Strict = { value: undefined };
