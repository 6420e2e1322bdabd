// The simplest timeout: the same duration every time. Right when the response-time distribution is
// known and stable; wrong for long when it is not, which is why AdaptiveTimeout exists.

import { requirePositive } from "../core/validate.js";
import type { TimeoutPolicy } from "./TimeoutPolicy.js";

export class FixedTimeout implements TimeoutPolicy {
  readonly fixedTimeoutMs: number;

  constructor(timeoutMs: number) {
    this.fixedTimeoutMs = requirePositive("timeoutMs", timeoutMs);
  }

  timeoutMs(): number {
    return this.fixedTimeoutMs;
  }

  recordResponseMs(_responseMs: number): void {}
}
