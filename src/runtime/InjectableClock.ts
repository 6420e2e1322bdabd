// A real node's clock: the machine's clocks, with an offset and a drift that can be injected. It
// is the one source of time of a real node, so clock faults are a parameter, not a patch: a
// `clock-jump` steps the wall clock (the monotonic clock never steps, as in the simulator), a
// `clock-drift` makes the node's oscillator run fast or slow, which both its monotonic and its
// wall clock follow and which its timers obey (a timer of 1,000 ms on a clock 500 ppm fast fires
// after 999.5 ms of true time). The state (offset and drift) survives a restart of the node's
// process: the supervisor keeps a copy and hands it to the new process, as a machine's clock
// outlives the processes on it.

import type { Clock, TimerId, Timers, TrueTimeInterval } from "../core/Clock.js";
import { sleepOnTimers } from "../core/sleepOnTimers.js";
import { requireNonNegative, requireNumber, requireRange } from "../core/validate.js";
import { MAX_DRIFT_PPM } from "../clock/PhysicalClock.js";
import { RealTimers } from "./RealTimers.js";

/** What a clock fault changes, and what a restarted process is given back. */
export interface ClockState {
  /** How far this node's wall clock is ahead of the machine's, in ms (drift so far included). */
  offsetMs: number;
  /** How fast this node's oscillator runs, in parts per million (positive runs fast). */
  driftPpm: number;
}

export interface InjectableClockOptions extends Partial<ClockState> {
  /** Half-width of the TrueTime interval, in ms (default 100, as RealClock). */
  uncertaintyMs?: number;
  /** The machine's clocks; tests may pass their own. */
  source?: { monotonicMs(): number; wallMs(): number };
}

const MACHINE = { monotonicMs: () => performance.now(), wallMs: () => Date.now() };

export class InjectableClock implements Clock {
  readonly uncertaintyMs: number;
  private readonly source: { monotonicMs(): number; wallMs(): number };
  private offsetMs: number;
  private driftPpm: number;
  /** The machine's monotonic reading when the drift was last set, and this clock's then. */
  private anchorMachineMs: number;
  private anchorMonotonicMs: number;

  constructor(options: InjectableClockOptions = {}) {
    this.source = options.source ?? MACHINE;
    this.uncertaintyMs = requireNonNegative("uncertaintyMs", options.uncertaintyMs ?? 100);
    this.offsetMs = requireNumber("offsetMs", options.offsetMs ?? 0);
    this.driftPpm = requireRange("driftPpm", options.driftPpm ?? 0, -MAX_DRIFT_PPM, MAX_DRIFT_PPM);
    this.anchorMachineMs = this.source.monotonicMs();
    this.anchorMonotonicMs = this.anchorMachineMs;
  }

  monotonicMs(): number {
    const elapsed = this.source.monotonicMs() - this.anchorMachineMs;
    return this.anchorMonotonicMs + elapsed * (1 + this.driftPpm / 1e6);
  }

  wallMs(): number {
    return this.source.wallMs() + this.offsetMs + this.driftSinceAnchorMs();
  }

  trueTime(): TrueTimeInterval {
    const wall = this.wallMs();
    return { earliestMs: wall - this.uncertaintyMs, latestMs: wall + this.uncertaintyMs };
  }

  /** Steps the wall clock by `deltaMs` (forward or back); the monotonic clock does not move. */
  jump(deltaMs: number): void {
    this.offsetMs += requireNumber("clock-jump.deltaMs", deltaMs);
  }

  /** Sets the oscillator's drift from now on; what it drifted so far stays in the offset. */
  setDrift(driftPpm: number): void {
    requireRange("clock-drift.driftPpm", driftPpm, -MAX_DRIFT_PPM, MAX_DRIFT_PPM);
    const now = this.source.monotonicMs();
    this.offsetMs += this.driftSinceAnchorMs();
    this.anchorMonotonicMs = this.monotonicMs();
    this.anchorMachineMs = now;
    this.driftPpm = driftPpm;
  }

  /** The offset (drift so far included) and drift, for a restarted process. */
  state(): ClockState {
    return { offsetMs: this.offsetMs + this.driftSinceAnchorMs(), driftPpm: this.driftPpm };
  }

  /** How long in true (machine) time a delay of `delayMs` on this clock lasts. */
  machineDelayMs(delayMs: number): number {
    return delayMs / (1 + this.driftPpm / 1e6);
  }

  private driftSinceAnchorMs(): number {
    return ((this.source.monotonicMs() - this.anchorMachineMs) * this.driftPpm) / 1e6;
  }
}

/** Timers on an InjectableClock: delays are measured by the node's oscillator. */
export class ClockTimers implements Timers {
  private readonly timers = new RealTimers();
  private readonly active = new Set<TimerId>();

  constructor(private readonly clock: InjectableClock) {}

  setTimer(delayMs: number, callback: () => void): TimerId {
    requireNonNegative("delayMs", delayMs);
    const id = this.timers.setTimer(this.clock.machineDelayMs(delayMs), () => {
      this.active.delete(id);
      callback();
    });
    this.active.add(id);
    return id;
  }

  clearTimer(id: TimerId): void {
    this.active.delete(id);
    this.timers.clearTimer(id);
  }

  /** Cancels every timer not yet fired (the node stops). */
  clearAll(): void {
    for (const id of this.active) this.timers.clearTimer(id);
    this.active.clear();
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(this, delayMs, signal);
  }
}
