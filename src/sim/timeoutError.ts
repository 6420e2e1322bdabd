import { TimeoutError } from "../core/errors.js";

export /** A TimeoutError without a stack: the kernel's stack says nothing about the caller's code. */
function timeoutError(what: string, timeoutMs: number): TimeoutError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TimeoutError(what, timeoutMs);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
