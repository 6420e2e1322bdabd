// What a sweep of one world variant found, as mergeable aggregates: per property how many seeds held,
// were violated or stayed unknown (with the first violating seeds), per figure a count, sum,
// minimum and maximum, and each seed's trace hash. Worlds read it in their reports; the sweep
// engine (src/sweep) builds and merges it.

import type { FigureSpec } from "./Scenario.js";

export const MAX_RECORDED_SEEDS = 20;

export interface PropertySummary {
  held: number;
  violated: number;
  unknown: number;
  /** The first violating seeds, in seed order (at most MAX_RECORDED_SEEDS). */
  violatingSeeds: string[];
}

export interface FigureSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface VariantSummary {
  scenario: string;
  variant: string;
  seeds: number;
  events: number;
  properties: Record<string, PropertySummary>;
  figures: Record<string, FigureSummary>;
  /** Hash over the per-seed trace hashes in seed order, for determinism checks across workers. */
  seedHashes: Record<string, string>;
}

/** The summarised value of a figure according to its kind. */
export function figureValue(summary: VariantSummary, spec: FigureSpec): number | undefined {
  const f = summary.figures[spec.name];
  if (f === undefined || f.count === 0) return undefined;
  switch (spec.kind) {
    case "sum":
      return f.sum;
    case "max":
      return f.max;
    case "min":
      return f.min;
    case "mean":
    case "rate":
      return f.sum / f.count;
  }
}

/** The mean of a figure over the seeds that reported it; NaN when none did. */
export function figureMean(summary: VariantSummary, name: string): number {
  const f = summary.figures[name];
  return f === undefined || f.count === 0 ? NaN : f.sum / f.count;
}
