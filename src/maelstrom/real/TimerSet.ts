// Real timers that can all be cancelled at once: the real-time harness owns every timer it sets
// (for its own nodes, its faults, its deliveries) and clears them all when a test ends, so a
// finished test leaves nothing behind on the event loop.

import type { TimerId } from "../../core/Clock.js";
import { sleepOnTimers } from "../../core/sleepOnTimers.js";

export class TimerSet {
  private nextId = 1;
  private readonly handles = new Map<TimerId, ReturnType<typeof setTimeout>>();
  private closed = false;

  /** Runs `callback` after `delayMs` (clamped at 0); errors it throws go to `onError`. */
  set(delayMs: number, callback: () => void, onError?: (error: unknown) => void): TimerId {
    const id = this.nextId++;
    if (this.closed) return id;
    const fire = () => {
      this.handles.delete(id);
      try {
        callback();
      } catch (error) {
        if (onError === undefined) throw error;
        onError(error);
      }
    };
    const handle = setTimeout(fire, Math.max(0, delayMs)); // real-world: the harness's own timers
    this.handles.set(id, handle);
    return id;
  }

  clear(id: TimerId): void {
    const handle = this.handles.get(id);
    if (handle !== undefined) clearTimeout(handle);
    this.handles.delete(id);
  }

  /** Resolves after `delayMs` on these timers (so `close` ends it too); rejects if `signal` aborts. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(
      { setTimer: (ms, callback) => this.set(ms, callback), clearTimer: (id) => this.clear(id) },
      delayMs,
      signal,
    );
  }

  /** Cancels every timer and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
  }
}
