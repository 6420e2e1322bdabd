// A timeout policy says how long to wait for the next response, and may learn from the response
// times it is shown. `FixedTimeout` ignores them; `AdaptiveTimeout` follows their distribution.

export interface TimeoutPolicy {
  /** The timeout to use for the next call, in ms. */
  timeoutMs(): number;
  /** Reports how long a call that completed took, in ms on the monotonic clock. */
  recordResponseMs(responseMs: number): void;
}
