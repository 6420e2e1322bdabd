// The plainest failure detector: a node is suspected when no heartbeat has arrived from it for
// `timeoutMs` on the monotonic clock. Its weakness is the fixed timeout, which is either too short
// (false suspicions under load) or too long (slow detection); PhiAccrualFailureDetector adapts.
// Before the first heartbeat a node is not suspected, as in Akka: the detector has no evidence.
// With `timers`, it fires `onSuspect` when the silence reaches the timeout and `onAlive` when a
// heartbeat arrives from a suspected node.

import type { MonotonicClock, TimerId, Timers } from "../core/Clock.js";
import { requirePositive } from "../core/validate.js";

/** The shortest delay the detector re-arms its timer with, in ms (one microsecond). */
const MIN_REARM_MS = 0.001;

export interface SuspicionEvent {
  /** Time since the last heartbeat, in ms. */
  readonly silenceMs: number;
}

export interface HeartbeatFailureDetectorOptions {
  readonly clock: MonotonicClock;
  /** Needed for the events; without it, poll `isAvailable()`. */
  readonly timers?: Timers;
  readonly timeoutMs: number;
  readonly onSuspect?: (event: SuspicionEvent) => void;
  readonly onAlive?: (event: SuspicionEvent) => void;
}

export class HeartbeatFailureDetector {
  readonly timeoutMs: number;
  private readonly options: HeartbeatFailureDetectorOptions;
  private lastHeartbeatMs: number | undefined;
  private suspected = false;
  private timer: TimerId | undefined;

  constructor(options: HeartbeatFailureDetectorOptions) {
    this.timeoutMs = requirePositive("timeoutMs", options.timeoutMs);
    if ((options.onSuspect || options.onAlive) && !options.timers) {
      throw new TypeError("HeartbeatFailureDetector: onSuspect/onAlive need `timers`");
    }
    this.options = options;
  }

  heartbeat(): void {
    const nowMs = this.options.clock.monotonicMs();
    const silenceMs = this.lastHeartbeatMs === undefined ? 0 : nowMs - this.lastHeartbeatMs;
    this.lastHeartbeatMs = nowMs;
    if (this.suspected) {
      this.suspected = false;
      this.options.onAlive?.({ silenceMs });
    }
    this.arm(this.timeoutMs);
  }

  /** Time since the last heartbeat, or undefined before the first. */
  silenceMs(): number | undefined {
    if (this.lastHeartbeatMs === undefined) return undefined;
    return this.options.clock.monotonicMs() - this.lastHeartbeatMs;
  }

  isAvailable(): boolean {
    const silence = this.silenceMs();
    return silence === undefined || silence < this.timeoutMs;
  }

  /** Cancels the pending timer; no more events fire until the next heartbeat. */
  stop(): void {
    if (this.timer !== undefined) this.options.timers?.clearTimer(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    const timers = this.options.timers;
    if (!timers) return;
    this.stop();
    this.timer = timers.setTimer(delayMs, () => {
      this.timer = undefined;
      const silence = this.silenceMs() ?? 0;
      if (silence < this.timeoutMs) {
        // At least a microsecond: a remainder lost to floating-point rounding (silence computed
        // as 399.99999999999994 for 400) would otherwise re-arm a timer that fires at the same
        // instant forever, on any timer service that rounds delays (the simulator rounds to µs).
        this.arm(Math.max(MIN_REARM_MS, this.timeoutMs - silence));
      } else if (!this.suspected) {
        this.suspected = true;
        this.options.onSuspect?.({ silenceMs: silence });
      }
    });
  }
}
