// A clock and timers that move only when told to. Tests and users drive time by hand: nothing
// happens until `advanceMs` is called, and then every timer that falls due fires in the order of
// its due time, ties broken by the order in which the timers were set. No real time passes and no
// global fake-timer machinery is involved, so a test that uses it is deterministic and instant.
//
// The monotonic clock starts at `startMs` and only ever moves forward. The wall clock is the
// monotonic clock plus an offset that `jumpWallMs` can change, which is how a test makes wall
// time step backwards or forwards (as NTP does) while durations stay correct. TrueTime is the wall
// clock widened by `uncertaintyMs` on each side.

import { sleepOnTimers } from "./sleepOnTimers.js";
import type { Clock, TimerId, Timers, TrueTimeInterval } from "./Clock.js";
import { requireInteger, requireNonNegative, requireNumber } from "./validate.js";

export interface ManualClockOptions {
  /** Initial monotonic reading in ms. Default 0. */
  readonly startMs?: number;
  /** Initial wall reading in ms since the epoch. Default 1_700_000_000_000 (November 2023). */
  readonly wallStartMs?: number;
  /** Half-width of the TrueTime interval around the wall clock, in ms. Default 0. */
  readonly uncertaintyMs?: number;
  /** Microtask turns `run` and `advanceMsAsync` yield after each timer so woken code can go on. */
  readonly drainTurns?: number;
}

interface PendingTimer {
  readonly id: TimerId;
  readonly dueMs: number;
  readonly sequence: number;
  readonly callback: () => void;
}

export class ManualClock implements Clock, Timers {
  private nowMs: number;
  private wallOffsetMs: number;
  private uncertaintyMsValue: number;
  private readonly drainTurns: number;
  private nextId = 1;
  private nextSequence = 0;
  /** Kept sorted by (dueMs, sequence); timers are few in tests, so insertion sort is enough. */
  private readonly pending: PendingTimer[] = [];

  constructor(options: ManualClockOptions = {}) {
    this.nowMs = requireNumber("startMs", options.startMs ?? 0);
    const wallStartMs = requireNumber("wallStartMs", options.wallStartMs ?? 1_700_000_000_000);
    this.wallOffsetMs = wallStartMs - this.nowMs;
    this.uncertaintyMsValue = requireNonNegative("uncertaintyMs", options.uncertaintyMs ?? 0);
    this.drainTurns = requireInteger("drainTurns", options.drainTurns ?? 100, 1);
  }

  monotonicMs(): number {
    return this.nowMs;
  }

  wallMs(): number {
    return this.nowMs + this.wallOffsetMs;
  }

  trueTime(): TrueTimeInterval {
    const wall = this.wallMs();
    return { earliestMs: wall - this.uncertaintyMsValue, latestMs: wall + this.uncertaintyMsValue };
  }

  /** Steps the wall clock by `deltaMs` (either sign) without moving monotonic time. */
  jumpWallMs(deltaMs: number): void {
    this.wallOffsetMs += requireNumber("deltaMs", deltaMs);
  }

  /** Changes the TrueTime half-width from now on. */
  setUncertaintyMs(uncertaintyMs: number): void {
    this.uncertaintyMsValue = requireNonNegative("uncertaintyMs", uncertaintyMs);
  }

  /** Number of timers set and not yet fired or cleared. */
  pendingTimers(): number {
    return this.pending.length;
  }

  setTimer(delayMs: number, callback: () => void): TimerId {
    requireNonNegative("delayMs", delayMs);
    const timer: PendingTimer = {
      id: this.nextId++,
      dueMs: this.nowMs + delayMs,
      sequence: this.nextSequence++,
      callback,
    };
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.dueMs > timer.dueMs) i--;
    this.pending.splice(i, 0, timer);
    return timer.id;
  }

  clearTimer(id: TimerId): void {
    const i = this.pending.findIndex((t) => t.id === id);
    if (i >= 0) this.pending.splice(i, 1);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(this, delayMs, signal);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due (including timers set by the
   * callbacks themselves) at its own due time. Synchronous: code woken through a promise runs only
   * after this returns, so async code should be driven with `advanceMsAsync` or `run`.
   */
  advanceMs(ms: number): void {
    const targetMs = this.nowMs + requireNonNegative("ms", ms);
    for (;;) {
      const next = this.pending[0];
      if (next === undefined || next.dueMs > targetMs) break;
      this.pending.shift();
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.callback();
    }
    this.nowMs = targetMs;
  }

  /** Like `advanceMs`, but lets woken async code run after each timer before time moves on. */
  async advanceMsAsync(ms: number): Promise<void> {
    const targetMs = this.nowMs + requireNonNegative("ms", ms);
    await this.drain();
    for (;;) {
      const next = this.pending[0];
      if (next === undefined || next.dueMs > targetMs) break;
      this.pending.shift();
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.callback();
      await this.drain();
    }
    this.nowMs = targetMs;
  }

  /**
   * Drives time until `work` settles and returns its outcome: fires the next timer whenever the
   * work is waiting on one. Throws if the work is still pending with no timer left to fire (it
   * would wait forever) or after `maxTimers` timers (it would run forever).
   */
  async run<T>(work: Promise<T>, maxTimers = 1_000_000): Promise<T> {
    let settled = false;
    const observed = work.then(
      (value) => {
        settled = true;
        return value;
      },
      (error: unknown) => {
        settled = true;
        throw error;
      },
    );
    observed.catch(() => undefined);
    for (let fired = 0; ; fired++) {
      await this.drain();
      if (settled) return observed;
      if (fired >= maxTimers) {
        throw new Error(`ManualClock.run: the work is still pending after ${maxTimers} timers`);
      }
      const next = this.pending.shift();
      if (next === undefined) {
        throw new Error(
          `ManualClock.run: the work is pending at ${this.nowMs} ms with no timer set`,
        );
      }
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.callback();
    }
  }

  private async drain(): Promise<void> {
    for (let i = 0; i < this.drainTurns; i++) await Promise.resolve();
  }
}
