// The answer of a retry-storm server that is too busy to take a call. Both worlds' servers throttle
// rather than queue without bound, and the callers retry a throttled call like a timed-out one.

import { MurphyError } from "../../core/errors.js";

/** The server's answer when its queue is full: definitely not executed, retryable. */
export class ThrottledError extends MurphyError {
  readonly code = "E_THROTTLED";
  readonly definite = true;
  readonly retryable = true;
  constructor() {
    super("the server throttled the call; it was not executed");
  }
}
