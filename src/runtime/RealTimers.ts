// Real timers on Node's event loop. Delays longer than Node's limit (2^31 − 1 ms, about 24.8
// days, beyond which Node fires after 1 ms) are split into several timers under one id, so a long
// lease or retention timer fires when asked rather than at once.

import { sleepOnTimers } from "../core/sleepOnTimers.js";
import type { TimerId, Timers } from "../core/Clock.js";
import { requireNonNegative } from "../core/validate.js";

const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

export class RealTimers implements Timers {
  private nextId = 1;
  private readonly handles = new Map<TimerId, ReturnType<typeof setTimeout>>();

  setTimer(delayMs: number, callback: () => void): TimerId {
    requireNonNegative("delayMs", delayMs);
    const id = this.nextId++;
    this.arm(id, delayMs, callback);
    return id;
  }

  clearTimer(id: TimerId): void {
    const handle = this.handles.get(id);
    if (handle !== undefined) clearTimeout(handle);
    this.handles.delete(id);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(this, delayMs, signal);
  }

  private arm(id: TimerId, delayMs: number, callback: () => void): void {
    const stepMs = Math.min(delayMs, MAX_NODE_DELAY_MS);
    const handle = setTimeout(() => {
      if (delayMs > stepMs) {
        this.arm(id, delayMs - stepMs, callback);
        return;
      }
      this.handles.delete(id);
      callback();
    }, stepMs);
    this.handles.set(id, handle);
  }
}
