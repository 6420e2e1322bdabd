// Message latency as a distribution. A link's one-way delay is drawn per message from one of five
// shapes: constant, uniform, exponential (memoryless queueing), lognormal (the usual shape of
// measured RPC latency) and pareto (a heavy tail: most messages are fast, a few are very slow).
// A spec is plain JSON so that it can live in a scenario file; `validateLatency` checks it when the
// world is built, and `compileLatency` turns it once into a sampler that is called per message,
// returns whole microseconds and allocates nothing.
//
// For the shifted shapes the named statistic describes the whole delay: `exponential` with
// `meanMs: 10, minMs: 2` is 2 ms plus an exponential of mean 8 ms, so the mean is 10 ms; likewise
// `lognormal`'s `medianMs` is the median of the whole delay. `maxMs` caps a draw (the cap shifts
// the mean slightly down, which is the point: it cuts the tail).

import { ConfigError } from "../core/errors.js";
import type { Rng } from "../core/Rng.js";
import { MICROS_PER_MS } from "../core/units.js";
import { requireKnownKeys, requireNonNegative, requirePositive } from "../core/validate.js";

export type LatencySpec =
  | { kind: "constant"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "exponential"; meanMs: number; minMs?: number; maxMs?: number }
  | { kind: "lognormal"; medianMs: number; sigma: number; minMs?: number; maxMs?: number }
  | { kind: "pareto"; scaleMs: number; shape: number; maxMs?: number };

export type LatencyKind = LatencySpec["kind"];

/** Draws one delay in whole, non-negative microseconds. */
export type LatencySampler = (rng: Rng) => number;

export const LATENCY_KINDS: readonly LatencyKind[] = [
  "constant",
  "uniform",
  "exponential",
  "lognormal",
  "pareto",
];

/**
 * An uncapped heavy tail can draw absurd delays; every draw is limited to this many microseconds
 * (about 31.7 years) so that `now + latency` stays an exact integer. A message that late is, for
 * any run, a lost message. Set `maxMs` to cap the tail deliberately.
 */
export const LATENCY_CEILING_MICROS = 1e15;

const FIELDS: Record<LatencyKind, { required: readonly string[]; optional: readonly string[] }> = {
  constant: { required: ["ms"], optional: [] },
  uniform: { required: ["minMs", "maxMs"], optional: [] },
  exponential: { required: ["meanMs"], optional: ["minMs", "maxMs"] },
  lognormal: { required: ["medianMs", "sigma"], optional: ["minMs", "maxMs"] },
  pareto: { required: ["scaleMs", "shape"], optional: ["maxMs"] },
};

const EXAMPLES: Record<LatencyKind, string> = {
  constant: '{"kind":"constant","ms":5}',
  uniform: '{"kind":"uniform","minMs":1,"maxMs":10}',
  exponential: '{"kind":"exponential","meanMs":10,"minMs":1}',
  lognormal: '{"kind":"lognormal","medianMs":5,"sigma":0.5}',
  pareto: '{"kind":"pareto","scaleMs":1,"shape":1.5,"maxMs":1000}',
};

/** Checks an untrusted latency spec; `field` is its path, e.g. `network.latency`. */
export function validateLatency(spec: unknown, field: string): LatencySpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ConfigError({
      field,
      value: spec,
      expected: "a latency object with a `kind`",
      fix: `write e.g. ${EXAMPLES.uniform}`,
    });
  }
  const record = spec as Record<string, unknown>;
  const kind = record.kind;
  if (typeof kind !== "string" || !(LATENCY_KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError({
      field: `${field}.kind`,
      value: kind,
      expected: `one of ${LATENCY_KINDS.map((k) => JSON.stringify(k)).join(", ")}`,
      fix: "use one of the listed latency kinds",
    });
  }
  const k = kind as LatencyKind;
  const allowed = new Set<string>(["kind", ...FIELDS[k].required, ...FIELDS[k].optional]);
  requireKnownKeys(field, record, [...allowed], EXAMPLES[k]);
  for (const key of FIELDS[k].required) {
    if (record[key] === undefined) {
      throw new ConfigError({
        field: `${field}.${key}`,
        value: undefined,
        expected: `set for a ${k} latency`,
        fix: `add it, e.g. ${EXAMPLES[k]}`,
      });
    }
  }
  const ms = (key: string) => requireNonNegative(`${field}.${key}`, record[key]);
  const optionalMs = (key: string) => (record[key] === undefined ? undefined : ms(key));
  switch (k) {
    case "constant":
      return { kind: k, ms: ms("ms") };
    case "uniform": {
      const minMs = ms("minMs");
      const maxMs = ms("maxMs");
      requireOrdered(field, "minMs", minMs, "maxMs", maxMs);
      return { kind: k, minMs, maxMs };
    }
    case "exponential": {
      const meanMs = ms("meanMs");
      const minMs = optionalMs("minMs");
      const maxMs = optionalMs("maxMs");
      if (minMs !== undefined) requireOrdered(field, "minMs", minMs, "meanMs", meanMs);
      if (maxMs !== undefined) requireOrdered(field, "minMs", minMs ?? 0, "maxMs", maxMs);
      return withOptional({ kind: k, meanMs }, { minMs, maxMs });
    }
    case "lognormal": {
      const medianMs = requirePositive(`${field}.medianMs`, record.medianMs);
      const sigma = requireNonNegative(`${field}.sigma`, record.sigma);
      const minMs = optionalMs("minMs");
      const maxMs = optionalMs("maxMs");
      if (minMs !== undefined && !(minMs < medianMs)) {
        throw orderError(field, "minMs", minMs, "medianMs", medianMs, "below");
      }
      if (maxMs !== undefined) requireOrdered(field, "minMs", minMs ?? 0, "maxMs", maxMs);
      return withOptional({ kind: k, medianMs, sigma }, { minMs, maxMs });
    }
    case "pareto": {
      const scaleMs = requirePositive(`${field}.scaleMs`, record.scaleMs);
      const shape = requirePositive(`${field}.shape`, record.shape);
      const maxMs = optionalMs("maxMs");
      if (maxMs !== undefined) requireOrdered(field, "scaleMs", scaleMs, "maxMs", maxMs);
      return withOptional({ kind: k, scaleMs, shape }, { maxMs });
    }
  }
}

function withOptional(
  base: Record<string, unknown>,
  optional: Record<string, number | undefined>,
): LatencySpec {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) out[key] = value;
  return out as LatencySpec;
}

function requireOrdered(field: string, lowKey: string, low: number, highKey: string, high: number) {
  if (low > high) throw orderError(field, lowKey, low, highKey, high, "at most");
}

function orderError(
  field: string,
  lowKey: string,
  low: number,
  highKey: string,
  high: number,
  relation: "at most" | "below",
): ConfigError {
  return new ConfigError({
    field: `${field}.${lowKey}`,
    value: low,
    expected: `${relation} \`${field}.${highKey}\` (${high})`,
    fix: `lower ${lowKey} or raise ${highKey}`,
  });
}

/**
 * Turns a validated spec into a sampler. Every constant is computed here, once; the returned
 * function does a draw, a few multiplications, a round and a clamp.
 */
export function compileLatency(spec: LatencySpec): LatencySampler {
  const micros = (ms: number) => ms * MICROS_PER_MS;
  switch (spec.kind) {
    case "constant": {
      const value = Math.round(micros(spec.ms));
      return () => value;
    }
    case "uniform": {
      const lo = Math.round(micros(spec.minMs));
      const span = Math.round(micros(spec.maxMs)) - lo + 1;
      if (span === 1) return () => lo;
      // Uniform over whole microseconds in [min, max], both ends included.
      return (rng) => lo + rng.int(span);
    }
    case "exponential": {
      const lo = micros(spec.minMs ?? 0);
      const mean = micros(spec.meanMs) - lo;
      const hi = capMicros(spec.maxMs);
      return (rng) => clampRound(lo + rng.exponential(mean), hi);
    }
    case "lognormal": {
      const lo = micros(spec.minMs ?? 0);
      const mu = Math.log(micros(spec.medianMs) - lo);
      const sigma = spec.sigma;
      const hi = capMicros(spec.maxMs);
      return (rng) => clampRound(lo + rng.lognormal(mu, sigma), hi);
    }
    case "pareto": {
      const scale = micros(spec.scaleMs);
      const shape = spec.shape;
      const hi = capMicros(spec.maxMs);
      return (rng) => clampRound(rng.pareto(scale, shape), hi);
    }
  }
}

function capMicros(maxMs: number | undefined): number {
  return maxMs === undefined
    ? LATENCY_CEILING_MICROS
    : Math.min(Math.round(maxMs * MICROS_PER_MS), LATENCY_CEILING_MICROS);
}

function clampRound(micros: number, hiMicros: number): number {
  // `!(x < hi)` also catches NaN and Infinity, which a pareto with a tiny shape can produce.
  if (!(micros < hiMicros)) return hiMicros;
  return micros <= 0 ? 0 : Math.round(micros);
}

/** A short human description for tables, e.g. "uniform 1–10 ms". */
export function describeLatency(spec: LatencySpec): string {
  const bounds = (minMs?: number, maxMs?: number) => {
    const parts: string[] = [];
    if (minMs !== undefined && minMs > 0) parts.push(`min ${minMs} ms`);
    if (maxMs !== undefined) parts.push(`max ${maxMs} ms`);
    return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
  };
  switch (spec.kind) {
    case "constant":
      return `constant ${spec.ms} ms`;
    case "uniform":
      return `uniform ${spec.minMs}–${spec.maxMs} ms`;
    case "exponential":
      return `exponential mean ${spec.meanMs} ms${bounds(spec.minMs, spec.maxMs)}`;
    case "lognormal":
      return `lognormal median ${spec.medianMs} ms σ ${spec.sigma}${bounds(spec.minMs, spec.maxMs)}`;
    case "pareto":
      return `pareto scale ${spec.scaleMs} ms shape ${spec.shape}${bounds(undefined, spec.maxMs)}`;
  }
}
