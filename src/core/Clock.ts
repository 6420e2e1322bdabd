// The interfaces through which code reads time, sets timers and draws randomness. Primitives and
// nodes receive implementations: the simulator's (virtual, deterministic) or the real runtime's
// (src/runtime). Nothing below the runtime layer may reach for the real clock or timers.

/** A clock that never goes backwards and is never stepped; for measuring durations. */
export interface MonotonicClock {
  monotonicMs(): number;
}

/** Time of day in ms since the Unix epoch; may jump forwards and backwards when corrected. */
export interface WallClock {
  wallMs(): number;
}

/** An interval certain to contain true time, as long as the drift bound holds. */
export interface TrueTimeInterval {
  readonly earliestMs: number;
  readonly latestMs: number;
}

export interface TrueTimeSource {
  trueTime(): TrueTimeInterval;
}

/** Everything a node knows about time: the three views of its own physical clock. */
export interface Clock extends MonotonicClock, WallClock, TrueTimeSource {}

export type TimerId = number;

/** Timers on the monotonic clock. `sleep` rejects with AbortedError when its signal aborts. */
export interface Timers {
  setTimer(delayMs: number, callback: () => void): TimerId;
  clearTimer(id: TimerId): void;
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** The randomness a component needs; `Rng` implements it, and so does the runtime's crypto source. */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}
