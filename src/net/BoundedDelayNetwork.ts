// Timing models, as a network that keeps a promise about delay. Distributed algorithms are designed
// for one of three (Dwork, Lynch and Stockmeyer, "Consensus in the presence of partial synchrony",
// 1988): asynchronous, where a message may take any time at all; synchronous, where every message
// arrives within a known bound; and partially synchronous, where the bound holds only from an
// unknown global stabilisation time (GST) on. The asynchronous model is the network itself. The
// other two wrap it: the wrapped network still decides every message's fate, drawing exactly what
// it would draw unwrapped, and the wrapper then moves late arrivals forward to the bound.
//
// A bounded network is a reliable one: a message the network loses (to random loss, a full switch
// queue or a partition left standing from before GST) is taken to be retransmitted by the link
// until it gets through, and arrives at send + bound, the latest the model allows. Before GST
// anything goes (drops, partitions, huge delays), except that a message sent then and not dropped
// arrives by GST + bound at the latest: that is the partially synchronous model of DLS, where
// the bound holds for messages in transit at GST too.
//
// The wrapper keeps no per-pair state, so it costs nothing in a world of 10,000 nodes.

import { ConfigError } from "../core/errors.js";
import type { NetworkModel } from "../sim/WorldModels.js";

export type TimingConfig =
  /** The default: a message takes whatever the network draws, and may be dropped. */
  | { model: "asynchronous" }
  /** Every message arrives within `maxDelayMs` of being sent. */
  | { model: "synchronous"; maxDelayMs: number }
  /** Anything goes until `gstMs`; from then on every message arrives within `maxDelayMs`. */
  | { model: "partially-synchronous"; gstMs: number; maxDelayMs: number };

export type TimingModelName = TimingConfig["model"];

export const TIMING_MODEL_NAMES: readonly TimingModelName[] = [
  "asynchronous",
  "synchronous",
  "partially-synchronous",
];

/** The promise a bounded timing model makes, in whole microseconds of virtual time. */
export interface DelayBound {
  readonly model: "synchronous" | "partially-synchronous";
  /** From this instant on, every message arrives within `maxDelayMicros` (0 when synchronous). */
  readonly gstMicros: number;
  readonly maxDelayMicros: number;
}

const EXAMPLE = '{ model: "partially-synchronous", gstMs: 1000, maxDelayMs: 20 }';

/**
 * Checks a world's `timing` setting and returns the promise it makes, or null for the
 * asynchronous model (the default), which promises nothing and needs no wrapper.
 */
export function validateTiming(timing: unknown, field = "timing"): DelayBound | null {
  if (timing === undefined) return null;
  if (typeof timing !== "object" || timing === null || Array.isArray(timing)) {
    throw new ConfigError({
      field,
      value: timing,
      expected: "an object naming a timing model",
      fix: `write e.g. ${EXAMPLE}, or leave it out for the asynchronous model`,
    });
  }
  const t = timing as Record<string, unknown>;
  if (!TIMING_MODEL_NAMES.includes(t.model as TimingModelName)) {
    throw new ConfigError({
      field: `${field}.model`,
      value: t.model,
      expected: `one of ${TIMING_MODEL_NAMES.map((m) => JSON.stringify(m)).join(", ")}`,
      fix:
        'use "asynchronous" (unbounded delays, the default), "synchronous" (with maxDelayMs) ' +
        'or "partially-synchronous" (with gstMs and maxDelayMs)',
    });
  }
  if (t.model === "asynchronous") return null;
  const maxDelayMicros = maxDelayMicrosOf(`${field}.maxDelayMs`, t.maxDelayMs);
  if (t.model === "synchronous") return { model: "synchronous", gstMicros: 0, maxDelayMicros };
  const gstMs = t.gstMs;
  if (typeof gstMs !== "number" || !Number.isFinite(gstMs) || gstMs < 0) {
    throw new ConfigError({
      field: `${field}.gstMs`,
      value: gstMs,
      expected: "a finite number of ms >= 0 (when delays become bounded)",
      fix: `set it to the virtual time at which the network stabilises, e.g. ${EXAMPLE}`,
    });
  }
  // Rounded as fault times are, so that "scheduled at or after GST" compares like with like.
  return { model: "partially-synchronous", gstMicros: Math.round(gstMs * 1000), maxDelayMicros };
}

/** The bound in whole microseconds, rounded down so that it is never exceeded. */
function maxDelayMicrosOf(field: string, value: unknown): number {
  // The epsilon absorbs binary-fraction error (0.29 * 1000 is 289.99…), which would lose 1 µs.
  const micros = typeof value === "number" ? Math.floor(value * 1000 + 1e-6) : NaN;
  if (!Number.isFinite(micros) || micros < 1) {
    throw new ConfigError({
      field,
      value,
      expected: "a finite number of ms >= 0.001 (virtual time counts whole microseconds)",
      fix: "set it to the most a message may take once delays are bounded, e.g. maxDelayMs: 20",
    });
  }
  return micros;
}

/** Any network, with arrivals bounded as a synchronous or partially synchronous model promises. */
export class BoundedDelayNetwork implements NetworkModel {
  arrivals = new Float64Array(2);
  arrivalCount = 0;

  constructor(
    private readonly inner: NetworkModel,
    private readonly bound: DelayBound,
  ) {}

  route(from: number, to: number, nowMicros: number): string | null {
    const inner = this.inner;
    const { gstMicros, maxDelayMicros } = this.bound;
    // Always asked, exactly once, so the wrapped network draws what it would draw unwrapped.
    const drop = inner.route(from, to, nowMicros);
    const stable = nowMicros >= gstMicros;
    if (drop !== null) {
      this.arrivalCount = 0;
      if (!stable) return drop;
      // A reliable link retransmits until the message gets through: the latest the bound allows.
      this.arrivals[0] = nowMicros + maxDelayMicros;
      this.arrivalCount = 1;
      return null;
    }
    const latestMicros = (stable ? nowMicros : gstMicros) + maxDelayMicros;
    const copies = inner.arrivalCount;
    if (copies > this.arrivals.length) this.arrivals = new Float64Array(copies);
    for (let i = 0; i < copies; i++) {
      this.arrivals[i] = Math.min(inner.arrivals[i]!, latestMicros);
    }
    this.arrivalCount = copies;
    return null;
  }
}
