// `sleep` built from `setTimer` and `clearTimer`, for any Timers implementation: resolves after
// the delay, or rejects at once with a definite AbortedError when the signal aborts first.

import type { TimerId } from "./Clock.js";
import { AbortedError } from "./errors.js";
import { requireNonNegative } from "./validate.js";

export function sleepOnTimers(
  timers: {
    setTimer(delayMs: number, callback: () => void): TimerId;
    clearTimer(id: TimerId): void;
  },
  delayMs: number,
  signal?: AbortSignal,
): Promise<void> {
  requireNonNegative("delayMs", delayMs);
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError("sleep", true, { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      timers.clearTimer(id);
      reject(new AbortedError("sleep", true, { cause: signal?.reason }));
    };
    const id = timers.setTimer(delayMs, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
