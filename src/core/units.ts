// Units as branded numbers. Virtual time is an integer count of microseconds; instants and
// durations are different types so that adding two instants does not type-check. The brands cost
// nothing at run time: they are plain numbers.

import { ConfigError } from "./errors.js";

/** A duration in integer microseconds. */
export type DurationMicros = number & { readonly __unit: "DurationMicros" };
/** An instant of virtual time: integer microseconds since the start of the run. */
export type InstantMicros = number & { readonly __unit: "InstantMicros" };
/** A probability in [0, 1]; build one with `probability()`, which checks the range. */
export type Probability = number & { readonly __unit: "Probability" };

export const MICROS_PER_MS = 1_000;
export const MICROS_PER_SECOND = 1_000_000;

/** Converts milliseconds (possibly fractional) to whole microseconds, rounding to nearest. */
export function msToMicros(ms: number): DurationMicros {
  return Math.round(ms * MICROS_PER_MS) as DurationMicros;
}

export function microsToMs(micros: number): number {
  return micros / MICROS_PER_MS;
}

export function durationMicros(micros: number): DurationMicros {
  return micros as DurationMicros;
}

export function instantMicros(micros: number): InstantMicros {
  return micros as InstantMicros;
}

/** Checks that `value` is a probability and brands it; `field` names it in the error. */
export function probability(value: number, field = "probability"): Probability {
  if (!(typeof value === "number" && value >= 0 && value <= 1)) {
    throw new ConfigError({
      field,
      value,
      expected: "a probability in [0, 1]",
      fix: "pass a number between 0 and 1, e.g. 0.01 for 1%",
    });
  }
  return value as Probability;
}
