// A scenario is one failure from the chapter made runnable: a system, a workload, a fault model
// and the properties to check, in an unsafe variant (the failure happens) and a safe one (the
// remedy prevents it). One seed gives one outcome: a verdict per property and measured figures.

import type { Seed } from "../core/Rng.js";
import type { TraceOptions } from "../sim/Trace.js";
import type { VariantSummary } from "./VariantSummary.js";

export type Verdict = "held" | "violated" | "unknown";

export interface ScenarioVariant {
  name: string;
  description: string;
  /** True for the unsafe variant: violations are what it exists to show. */
  expectViolations: boolean;
}

/** How a figure is summarised over seeds. */
export type FigureKind = "mean" | "sum" | "max" | "min" | "rate";

export interface FigureSpec {
  name: string;
  kind: FigureKind;
  unit?: string;
  description?: string;
}

export interface SeedOutcome {
  seed: string;
  variant: string;
  properties: Record<string, Verdict>;
  figures: Record<string, number>;
  /** Combined hash of every world the seed ran: equal across runs of the same seed. */
  traceHash: string;
  events: number;
}

export interface RunSeedOptions {
  seed: Seed;
  variant: string;
  /** Where to stream each world's trace; `label` names the world within the seed. */
  trace?: (label: string) => TraceOptions | undefined;
}

export interface Scenario {
  name: string;
  title: string;
  /** The chapter's claim this scenario demonstrates, in a sentence or two. */
  claim: string;
  variants: readonly ScenarioVariant[];
  properties: readonly string[];
  figures: readonly FigureSpec[];
  /** Seeds per variant in the tour (chosen so the whole tour takes about a minute). */
  tourSeeds: number;
  /** Names of the figures the tour table shows (default: the first two of `figures`). */
  keyFigures?: readonly string[];
  run(options: RunSeedOptions): Promise<SeedOutcome>;
  /** Optional scenario-specific lines for the report (e.g. a per-case table). */
  report?(summaries: readonly VariantSummary[]): string[];
}

/** Folds several world hashes into one, order-sensitively. */
export function combineHashes(hashes: readonly string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x1b873593;
  for (const hash of hashes) {
    for (let i = 0; i < hash.length; i++) {
      h1 = Math.imul(h1 ^ hash.charCodeAt(i), 0x01000193);
      h2 = Math.imul(h2 ^ hash.charCodeAt(i), 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
