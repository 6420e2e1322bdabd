// A retry budget caps retries across many calls, so that when a dependency is failing, retries
// cannot multiply the load on it (a retry storm). `retry()` consults the budget before every retry
// and gives up when the budget refuses; it reports every call and every success to it.

export interface RetryBudget {
  /** Called before every call made, the first of an operation and each retry alike. */
  recordAttempt(): void;
  /**
   * Asks for permission to retry after `error`. True spends from the budget; false means the
   * budget is exhausted and the caller must give up instead of retrying.
   */
  tryAcquireRetry(error: unknown): boolean;
  /** Called when a call succeeds. */
  recordSuccess(): void;
}

/** True when `error` is a timeout (its `code` is E_TIMEOUT), which budgets may charge more for. */
export function isTimeoutError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "E_TIMEOUT"
  );
}
