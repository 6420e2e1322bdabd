// The φ accrual failure detector (Hayashibara, Défago, Yared and Katayama, 2004), with Akka's
// parameters. Instead of a yes/no verdict it outputs a suspicion level φ that grows with the
// silence since the last heartbeat, scaled to what this connection's heartbeats usually look like:
//
//   φ(t) = −log10 P(the next heartbeat comes later than t)
//
// with inter-arrival times modelled as normal, of the sampled mean (plus an acceptable pause) and
// standard deviation (at least minStdDeviationMs). φ = 8 means a false suspicion would have odds of
// about 1 in 10^8 under that model. As in Akka, the first heartbeat seeds the history with two
// intervals around `firstHeartbeatEstimateMs` (standard deviation a quarter of it), so that φ is
// meaningful before real samples accumulate, and a node never heard from is not suspected. Also as
// in Akka, a heartbeat that arrives when φ has reached the threshold does not add its interval.
//
// `formula: "normal"` (the default) computes the normal tail exactly, so the crossing time agrees
// with the closed form; `"logistic"` uses the logistic approximation Akka uses, which reaches a
// given φ somewhat earlier in the far tail. With `timers`, `onSuspect` fires at the moment φ
// reaches the threshold (computed, not polled) and `onAlive` when a suspected node sends again.

import type { MonotonicClock, TimerId, Timers } from "../core/Clock.js";
import { requireInteger, requireNonNegative, requirePositive } from "../core/validate.js";
import { negLog10NormalUpperTail } from "./normalTail.js";

export interface PhiEvent {
  readonly phi: number;
  /** Time since the last heartbeat, in ms. */
  readonly silenceMs: number;
}

export interface PhiAccrualFailureDetectorOptions {
  readonly clock: MonotonicClock;
  /** Needed for the events; without it, poll `phi()` or `isAvailable()`. */
  readonly timers?: Timers;
  /** φ at or above which the node is suspected. Default 8. Must be > 0. */
  readonly threshold?: number;
  /** Inter-arrival intervals kept. Default 1000. */
  readonly maxSampleSize?: number;
  /** Floor on the standard deviation, in ms. Default 100. */
  readonly minStdDeviationMs?: number;
  /** Silence tolerated on top of the mean interval (GC, network blips), in ms. Default 3000. */
  readonly acceptableHeartbeatPauseMs?: number;
  /** Expected interval, used to seed the history at the first heartbeat, in ms. Default 1000. */
  readonly firstHeartbeatEstimateMs?: number;
  /** Default "normal". */
  readonly formula?: "normal" | "logistic";
  readonly onSuspect?: (event: PhiEvent) => void;
  readonly onAlive?: (event: PhiEvent) => void;
}

/** −log10 of the logistic approximation of the normal tail (Bowling et al. 2009), as in Akka. */
function logisticPhi(y: number): number {
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  return y > 0 ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

export class PhiAccrualFailureDetector {
  readonly threshold: number;
  readonly maxSampleSize: number;
  readonly minStdDeviationMs: number;
  readonly acceptableHeartbeatPauseMs: number;
  readonly firstHeartbeatEstimateMs: number;
  readonly formula: "normal" | "logistic";
  private readonly options: PhiAccrualFailureDetectorOptions;
  private readonly intervals: number[] = [];
  private oldest = 0;
  private sumMs = 0;
  private sumSquaresMs2 = 0;
  private lastHeartbeatMs: number | undefined;
  private suspected = false;
  private timer: TimerId | undefined;

  constructor(options: PhiAccrualFailureDetectorOptions) {
    this.threshold = requirePositive("threshold", options.threshold ?? 8);
    this.maxSampleSize = requireInteger("maxSampleSize", options.maxSampleSize ?? 1000, 1);
    this.minStdDeviationMs = requirePositive("minStdDeviationMs", options.minStdDeviationMs ?? 100);
    this.acceptableHeartbeatPauseMs = requireNonNegative(
      "acceptableHeartbeatPauseMs",
      options.acceptableHeartbeatPauseMs ?? 3000,
    );
    this.firstHeartbeatEstimateMs = requirePositive(
      "firstHeartbeatEstimateMs",
      options.firstHeartbeatEstimateMs ?? 1000,
    );
    this.formula = options.formula ?? "normal";
    if ((options.onSuspect || options.onAlive) && !options.timers) {
      throw new TypeError("PhiAccrualFailureDetector: onSuspect/onAlive need `timers`");
    }
    this.options = options;
  }

  /** Records a heartbeat arriving now. */
  heartbeat(): void {
    const nowMs = this.options.clock.monotonicMs();
    if (this.lastHeartbeatMs === undefined) {
      const mean = this.firstHeartbeatEstimateMs;
      this.addInterval(mean - mean / 4);
      this.addInterval(mean + mean / 4);
    } else {
      const silenceMs = nowMs - this.lastHeartbeatMs;
      const phi = this.phiAfter(silenceMs);
      // As in Akka, the silence that ends a suspicion is an outage, not a sample of this
      // connection's intervals: counting it would skew the mean and σ, and a node back from a
      // long pause would then be suspected far too late the next time it went quiet.
      if (phi < this.threshold) this.addInterval(silenceMs);
      if (this.suspected) {
        this.suspected = false;
        this.options.onAlive?.({ phi, silenceMs });
      }
    }
    this.lastHeartbeatMs = nowMs;
    this.arm();
  }

  /** The suspicion level now; 0 before the first heartbeat. */
  phi(): number {
    if (this.lastHeartbeatMs === undefined) return 0;
    return this.phiAfter(this.options.clock.monotonicMs() - this.lastHeartbeatMs);
  }

  /** φ after `silenceMs` of silence, under the current history. */
  phiAfter(silenceMs: number): number {
    const { meanMs, stdDeviationMs } = this.model();
    const y = (silenceMs - meanMs) / stdDeviationMs;
    return this.formula === "normal" ? negLog10NormalUpperTail(y) : logisticPhi(y);
  }

  isAvailable(): boolean {
    return this.phi() < this.threshold;
  }

  /** The distribution φ is computed from: mean includes the acceptable pause. */
  model(): { meanMs: number; stdDeviationMs: number } {
    const n = this.intervals.length;
    const mean = n === 0 ? this.firstHeartbeatEstimateMs : this.sumMs / n;
    const variance = n === 0 ? 0 : Math.max(0, this.sumSquaresMs2 / n - mean * mean);
    return {
      meanMs: mean + this.acceptableHeartbeatPauseMs,
      stdDeviationMs: Math.max(this.minStdDeviationMs, Math.sqrt(variance)),
    };
  }

  /**
   * The silence after which φ first reaches the threshold under the current history, to within
   * a microsecond (never early).
   */
  silenceToThresholdMs(): number {
    let lo = 0;
    let hi = this.model().meanMs + this.model().stdDeviationMs;
    while (this.phiAfter(hi) < this.threshold) hi *= 2;
    if (this.phiAfter(lo) >= this.threshold) return 0;
    while (hi - lo > 0.001) {
      const mid = (lo + hi) / 2;
      if (this.phiAfter(mid) >= this.threshold) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** Cancels the pending timer; no more events fire until the next heartbeat. */
  stop(): void {
    if (this.timer !== undefined) this.options.timers?.clearTimer(this.timer);
    this.timer = undefined;
  }

  private addInterval(intervalMs: number): void {
    if (this.intervals.length < this.maxSampleSize) {
      this.intervals.push(intervalMs);
    } else {
      const dropped = this.intervals[this.oldest]!;
      this.sumMs -= dropped;
      this.sumSquaresMs2 -= dropped * dropped;
      this.intervals[this.oldest] = intervalMs;
      this.oldest = (this.oldest + 1) % this.maxSampleSize;
    }
    this.sumMs += intervalMs;
    this.sumSquaresMs2 += intervalMs * intervalMs;
    if (this.oldest === 0 && this.intervals.length === this.maxSampleSize) {
      // Once per full turn of the window, recompute the sums so rounding cannot accumulate.
      this.sumMs = 0;
      this.sumSquaresMs2 = 0;
      for (const x of this.intervals) {
        this.sumMs += x;
        this.sumSquaresMs2 += x * x;
      }
    }
  }

  private arm(): void {
    const timers = this.options.timers;
    if (!timers || this.lastHeartbeatMs === undefined) return;
    this.stop();
    const last = this.lastHeartbeatMs;
    const dueMs = last + this.silenceToThresholdMs();
    const fire = () => {
      this.timer = undefined;
      const silenceMs = this.options.clock.monotonicMs() - last;
      const phi = this.phiAfter(silenceMs);
      if (phi < this.threshold) {
        // A real timer may fire a hair early against the clock it is compared with.
        this.timer = timers.setTimer(Math.max(0.001, dueMs - last - silenceMs), fire);
      } else if (!this.suspected) {
        this.suspected = true;
        this.options.onSuspect?.({ phi, silenceMs });
      }
    };
    this.timer = timers.setTimer(dueMs - this.options.clock.monotonicMs(), fire);
  }
}
