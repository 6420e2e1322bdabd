// How a node's NTP daemon behaves: it polls every `intervalMs`, and each measurement of the
// clock's offset is wrong by up to ±`errorMs` (network asymmetry, server error). ntpd steps the
// clock when the measured offset exceeds `stepThresholdMs` (128 ms) and otherwise slews it, at
// most `slewRatePpm` (500 ppm, ntpd's limit) faster or slower, until the offset is absorbed.
// The presets are the figures of the chapter: about ±35 ms on a LAN and ±100 ms over the internet.

import { ConfigError } from "../core/errors.js";
import type { Rng } from "../core/Rng.js";
import { msToMicros } from "../core/units.js";
import {
  requireKnownKeys,
  requireNonNegative,
  requirePositive,
  requireRange,
} from "../core/validate.js";
import { MAX_DRIFT_PPM } from "./maxDriftPpm.js";

export interface NtpConfig {
  /** Time between two syncs (ntpd polls every 64–1024 s). */
  intervalMs: number;
  /** Each measurement is off by a uniform draw in [-errorMs, +errorMs]. */
  errorMs: number;
  /** A measured offset larger than this is stepped; a smaller one is slewed. */
  stepThresholdMs: number;
  /** How much faster or slower the clock runs while slewing. */
  slewRatePpm: number;
}

export const NTP_DEFAULT_STEP_THRESHOLD_MS = 128;
export const NTP_DEFAULT_SLEW_RATE_PPM = 500;

export const NTP_LAN: Readonly<NtpConfig> = Object.freeze({
  intervalMs: 64_000,
  errorMs: 35,
  stepThresholdMs: NTP_DEFAULT_STEP_THRESHOLD_MS,
  slewRatePpm: NTP_DEFAULT_SLEW_RATE_PPM,
});

export const NTP_WAN: Readonly<NtpConfig> = Object.freeze({
  intervalMs: 64_000,
  errorMs: 100,
  stepThresholdMs: NTP_DEFAULT_STEP_THRESHOLD_MS,
  slewRatePpm: NTP_DEFAULT_SLEW_RATE_PPM,
});

const KEYS = ["intervalMs", "errorMs", "stepThresholdMs", "slewRatePpm"];

/**
 * Checks an untrusted NTP config; `field` is its path, e.g. `nodes.n1.ntp`. `intervalMs` and
 * `errorMs` are required; the threshold and slew rate default to ntpd's.
 */
export function validateNtpConfig(config: unknown, field: string): NtpConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError({
      field,
      value: config,
      expected: "an object with intervalMs and errorMs",
      fix: 'write e.g. {"intervalMs":64000,"errorMs":35}',
    });
  }
  const record = config as Record<string, unknown>;
  requireKnownKeys(field, record, KEYS);
  const intervalMs = requirePositive(`${field}.intervalMs`, record.intervalMs);
  // Virtual time is whole microseconds: an interval that rounds to 0 µs would sync forever at
  // one instant, and the world's time would never advance.
  if (Math.round(intervalMs * 1000) < 1) {
    throw new ConfigError({
      field: `${field}.intervalMs`,
      value: intervalMs,
      expected: "at least 0.001 (one microsecond, the resolution of virtual time)",
      fix: "sync at most once per microsecond; ntpd polls every 64,000 ms or more",
    });
  }
  return {
    intervalMs,
    errorMs: requireNonNegative(`${field}.errorMs`, record.errorMs),
    stepThresholdMs: requireNonNegative(
      `${field}.stepThresholdMs`,
      record.stepThresholdMs ?? NTP_DEFAULT_STEP_THRESHOLD_MS,
    ),
    slewRatePpm: requireRange(
      `${field}.slewRatePpm`,
      record.slewRatePpm ?? NTP_DEFAULT_SLEW_RATE_PPM,
      Number.MIN_VALUE,
      MAX_DRIFT_PPM,
    ),
  };
}

/** One measurement error in whole microseconds, uniform in [-errorMs, +errorMs]. */
export function sampleNtpError(rng: Rng, config: NtpConfig): number {
  const boundMicros = msToMicros(config.errorMs);
  return rng.intBetween(-boundMicros, boundMicros);
}

/** The options `PhysicalClock.ntpSync` takes for a daemon with this config. */
export function ntpSyncOptions(config: NtpConfig): {
  stepThresholdMs: number;
  slewRatePpm: number;
  uncertaintyMs: number;
} {
  return {
    stepThresholdMs: config.stepThresholdMs,
    slewRatePpm: config.slewRatePpm,
    uncertaintyMs: config.errorMs,
  };
}
