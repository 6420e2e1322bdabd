// A node's physical clock, as a function of true (virtual) time. A real quartz clock runs a little
// fast or slow (drift, typically within ±50 ppm: 4.32 s a day), is corrected now and then by an
// NTP daemon that steps it (jumps) when it is far off and otherwise slews it (runs it slightly
// faster or slower until the offset is absorbed), and can be jumped by an operator or a fault.
// A node reads three things from it: the wall clock (time of day, which can go back), the
// monotonic clock (elapsed time, which runs at the same rate but is never stepped, so it never goes
// back) and a TrueTime interval that contains the true time as long as the assumed drift bound and
// the last sync's error bound hold.
//
// The clock is piecewise linear and kept as anchors, never as an accumulated sum: at the last
// adjustment (true time `anchorTrueMicros`) the wall clock read `anchorLocalMicros` past the epoch
// and the monotonic clock `anchorMonotonicMicros`; from there both advance at `rate` plus the slew
// rate until the slew ends. The end of a slew is a computed instant, not an event: readings split
// the elapsed time at it, so slewing costs the kernel nothing. Readings are rounded to whole µs.

import { assert } from "../core/assert.js";
import { ConfigError } from "../core/errors.js";
import { msToMicros } from "../core/units.js";
import {
  requireKnownKeys,
  requireNonNegative,
  requireNumber,
  requireRange,
} from "../core/validate.js";
import { MAX_DRIFT_PPM } from "./maxDriftPpm.js";
import { NTP_DEFAULT_SLEW_RATE_PPM, NTP_DEFAULT_STEP_THRESHOLD_MS } from "./NtpConfig.js";

export { MAX_DRIFT_PPM };

export interface ClockConfig {
  /** How fast the oscillator runs: +50 means 50 µs gained per true second. */
  driftPpm: number;
  /** Wall clock minus true wall time at true time 0. */
  initialOffsetMs: number;
  /** The wall reading, in ms since the Unix epoch, that true time 0 corresponds to. */
  epochMs: number;
  /** The drift the TrueTime interval assumes at most (|driftPpm| must not exceed it to hold). */
  driftBoundPpm: number;
  /** Error bound of the last sync; before any sync, of the initial setting. */
  syncUncertaintyMs: number;
}

export const DEFAULT_EPOCH_MS = 1_700_000_000_000;
export const DEFAULT_DRIFT_BOUND_PPM = 200;
const MAX_EPOCH_MS = 4_000_000_000_000; // year 2096: keeps every reading an exact integer in µs.
const CLOCK_KEYS = ["driftPpm", "initialOffsetMs", "epochMs", "driftBoundPpm", "syncUncertaintyMs"];

/** Checks an untrusted clock config and fills defaults; `field` is its path, e.g. `nodes.n1.clock`. */
export function validateClockConfig(config: unknown, field: string): ClockConfig {
  if (config === undefined) config = {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError({
      field,
      value: config,
      expected: "an object of clock settings",
      fix: 'write e.g. {"driftPpm":50,"initialOffsetMs":0}',
    });
  }
  const record = config as Record<string, unknown>;
  requireKnownKeys(field, record, CLOCK_KEYS);
  const at = (key: string) => `${field}.${key}`;
  return {
    driftPpm: requireRange(at("driftPpm"), record.driftPpm ?? 0, -MAX_DRIFT_PPM, MAX_DRIFT_PPM),
    initialOffsetMs: requireNumber(at("initialOffsetMs"), record.initialOffsetMs ?? 0),
    epochMs: requireRange(at("epochMs"), record.epochMs ?? DEFAULT_EPOCH_MS, 0, MAX_EPOCH_MS),
    driftBoundPpm: requireRange(
      at("driftBoundPpm"),
      record.driftBoundPpm ?? DEFAULT_DRIFT_BOUND_PPM,
      0,
      MAX_DRIFT_PPM,
    ),
    syncUncertaintyMs: requireNonNegative(at("syncUncertaintyMs"), record.syncUncertaintyMs ?? 0),
  };
}

export interface TrueTimeInterval {
  earliestMicros: number;
  latestMicros: number;
}

export interface NtpSyncOptions {
  /** Step when the measured offset exceeds this; default 128 (ntpd). */
  stepThresholdMs?: number;
  /** Slew at this rate; default 500 (ntpd's maximum). */
  slewRatePpm?: number;
  /** The error bound TrueTime assumes from now on; default: the bound already in force. */
  uncertaintyMs?: number;
}

/**
 * What a sync did. `offsetMicros` is the measured offset, local wall minus the NTP target
 * (positive: the clock was ahead); `correctionMicros` is its negation, the change applied.
 */
export type NtpSyncResult =
  | { action: "step"; offsetMicros: number; correctionMicros: number }
  | { action: "slew"; offsetMicros: number; correctionMicros: number; slewEndsAtMicros: number };

export class PhysicalClock {
  readonly epochMicros: number;
  readonly driftBoundPpm: number;
  private currentDriftPpm: number;
  private syncUncertaintyMicros: number;
  /** True time of the last sync (0 before any), from which TrueTime's drift term grows. */
  private lastSyncMicros = 0;

  private anchorTrueMicros = 0;
  private anchorLocalMicros: number;
  private anchorMonotonicMicros = 0;
  private rate: number;
  /** Extra rate while slewing (e.g. +5e-4); 0 when not slewing. */
  private slewRate = 0;
  /** True instant the current slew ends (exact, possibly fractional). */
  private slewEndsAtMicros = 0;
  private lastMonotonicMicros = 0;
  /**
   * How often `trueTime` was read: a report draws the interval only for clocks whose nodes used it.
   * Counting changes nothing the node sees.
   */
  trueTimeReads = 0;

  constructor(config: Partial<ClockConfig> = {}, field = "clock") {
    const valid = validateClockConfig(config, field);
    this.epochMicros = msToMicros(valid.epochMs);
    this.driftBoundPpm = valid.driftBoundPpm;
    this.currentDriftPpm = valid.driftPpm;
    this.rate = 1 + valid.driftPpm * 1e-6;
    this.anchorLocalMicros = valid.initialOffsetMs * 1000;
    this.syncUncertaintyMicros = valid.syncUncertaintyMs * 1000;
  }

  get driftPpm(): number {
    return this.currentDriftPpm;
  }

  /** Time of day in whole microseconds since the Unix epoch. Can jump, forward or back. */
  wallMicros(nowMicros: number): number {
    return this.epochMicros + Math.round(this.localExact(nowMicros));
  }

  wallMs(nowMicros: number): number {
    return this.wallMicros(nowMicros) / 1000;
  }

  /** Elapsed time in whole microseconds from 0 at true time 0; never stepped, never back. */
  monotonicMicros(nowMicros: number): number {
    const micros = Math.floor(this.anchorMonotonicMicros + this.advance(nowMicros));
    assert(
      micros >= this.lastMonotonicMicros,
      () =>
        `monotonic clock went back from ${this.lastMonotonicMicros} to ${micros} µs at true ${nowMicros}: ` +
        "the caller passed a true time earlier than a previous reading",
    );
    this.lastMonotonicMicros = micros;
    return micros;
  }

  monotonicMs(nowMicros: number): number {
    return this.monotonicMicros(nowMicros) / 1000;
  }

  /** Wall clock minus true wall time (epoch + now), in whole microseconds: the clock's skew. */
  offsetMicros(nowMicros: number): number {
    return this.wallMicros(nowMicros) - (this.epochMicros + nowMicros);
  }

  /**
   * An interval of wall time that contains the true wall time whenever |drift| <= driftBoundPpm
   * and the last sync's error was within its uncertainty. Its half-width is the sync uncertainty,
   * plus the drift bound times the time since the sync, plus whatever a slew has yet to correct.
   * An explicit step() is a fault outside those assumptions and can break the containment.
   */
  trueTime(nowMicros: number): TrueTimeInterval {
    this.trueTimeReads++;
    return this.trueTimeInterval(nowMicros);
  }

  /** The same interval as `trueTime`, read without counting (for reports that observe a run). */
  trueTimeInterval(nowMicros: number): TrueTimeInterval {
    const local = this.localExact(nowMicros);
    const epsilonMicros =
      this.syncUncertaintyMicros +
      this.driftBoundPpm * 1e-6 * (nowMicros - this.lastSyncMicros) +
      this.remainingSlewMicros(nowMicros);
    return {
      earliestMicros: this.epochMicros + Math.floor(local - epsilonMicros),
      latestMicros: this.epochMicros + Math.ceil(local + epsilonMicros),
    };
  }

  /** Jumps the wall clock by `deltaMicros` (forward or back); the monotonic clock is unaffected. */
  step(nowMicros: number, deltaMicros: number): void {
    assert(Number.isInteger(deltaMicros), () => `step must be whole µs, got ${deltaMicros}`);
    this.reanchor(nowMicros);
    this.anchorLocalMicros += deltaMicros;
  }

  /** Changes the oscillator's drift from now on (e.g. a temperature change or a fault). */
  setDriftPpm(nowMicros: number, driftPpm: number): void {
    requireRange("clock.driftPpm", driftPpm, -MAX_DRIFT_PPM, MAX_DRIFT_PPM);
    this.reanchor(nowMicros);
    this.currentDriftPpm = driftPpm;
    this.rate = 1 + driftPpm * 1e-6;
  }

  /**
   * The NTP daemon measured the clock's offset with error `measurementErrorMicros`: it aims the
   * clock at true wall + that error. Over the step threshold it steps at once; otherwise it slews
   * at ±slewRatePpm, replacing any slew in progress, until the offset is absorbed. Frequency
   * discipline (ntpd learning the drift) is not modelled: drift keeps accumulating between syncs.
   */
  ntpSync(
    nowMicros: number,
    measurementErrorMicros: number,
    options: NtpSyncOptions = {},
  ): NtpSyncResult {
    const thresholdMicros =
      requireNonNegative(
        "ntpSync.stepThresholdMs",
        options.stepThresholdMs ?? NTP_DEFAULT_STEP_THRESHOLD_MS,
      ) * 1000;
    const slewRatePpm = requireRange(
      "ntpSync.slewRatePpm",
      options.slewRatePpm ?? NTP_DEFAULT_SLEW_RATE_PPM,
      Number.MIN_VALUE,
      MAX_DRIFT_PPM,
    );
    if (options.uncertaintyMs !== undefined) {
      this.syncUncertaintyMicros =
        requireNonNegative("ntpSync.uncertaintyMs", options.uncertaintyMs) * 1000;
    }
    this.reanchor(nowMicros);
    this.lastSyncMicros = nowMicros;
    const offsetExact = this.anchorLocalMicros - nowMicros - measurementErrorMicros;
    const offsetMicros = Math.round(offsetExact);
    if (Math.abs(offsetExact) > thresholdMicros) {
      this.anchorLocalMicros -= offsetExact;
      this.slewRate = 0;
      this.slewEndsAtMicros = nowMicros;
      return { action: "step", offsetMicros, correctionMicros: -offsetMicros };
    }
    const rate = slewRatePpm * 1e-6;
    this.slewRate = offsetExact > 0 ? -rate : offsetExact < 0 ? rate : 0;
    this.slewEndsAtMicros = nowMicros + Math.abs(offsetExact) / rate;
    return {
      action: "slew",
      offsetMicros,
      correctionMicros: -offsetMicros,
      slewEndsAtMicros: Math.ceil(this.slewEndsAtMicros),
    };
  }

  /** True while a slew is still absorbing an offset. */
  isSlewing(nowMicros: number): boolean {
    return this.slewRate !== 0 && nowMicros < this.slewEndsAtMicros;
  }

  /** The part of the last slew's correction not yet applied at `nowMicros`, in µs (>= 0). */
  remainingSlewMicros(nowMicros: number): number {
    return this.isSlewing(nowMicros)
      ? Math.abs(this.slewRate) * (this.slewEndsAtMicros - nowMicros)
      : 0;
  }

  /** Wall minus epoch, exact (unrounded). */
  private localExact(nowMicros: number): number {
    return this.anchorLocalMicros + this.advance(nowMicros);
  }

  /** How far the clock has advanced since the anchor: rate for all of it, slew until it ends. */
  private advance(nowMicros: number): number {
    const elapsed = nowMicros - this.anchorTrueMicros;
    assert(
      elapsed >= 0,
      () =>
        `clock read at true ${nowMicros} µs, before its last adjustment at ${this.anchorTrueMicros}`,
    );
    if (this.slewRate === 0) return elapsed * this.rate;
    const slewing = Math.min(elapsed, this.slewEndsAtMicros - this.anchorTrueMicros);
    return elapsed * this.rate + slewing * this.slewRate;
  }

  private reanchor(nowMicros: number): void {
    assert(Number.isInteger(nowMicros), () => `true time must be whole µs, got ${nowMicros}`);
    const advanced = this.advance(nowMicros);
    this.anchorLocalMicros += advanced;
    this.anchorMonotonicMicros += advanced;
    this.anchorTrueMicros = nowMicros;
    if (this.slewRate !== 0 && this.slewEndsAtMicros <= nowMicros) this.slewRate = 0;
  }
}
