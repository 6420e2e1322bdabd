// The result of running one scenario variant over many seeds, kept as mergeable aggregates so that
// shards run on different machines (or worker threads) combine into exactly the summary a single
// run would give: counts and sums add, minima and maxima compare, failing seeds are kept in order.

import type { SeedOutcome } from "../scenarios/Scenario.js";
import { MAX_RECORDED_SEEDS, type VariantSummary } from "../scenarios/VariantSummary.js";

export function emptySummary(scenario: string, variant: string): VariantSummary {
  return { scenario, variant, seeds: 0, events: 0, properties: {}, figures: {}, seedHashes: {} };
}

export function addOutcome(summary: VariantSummary, outcome: SeedOutcome): void {
  summary.seeds++;
  summary.events += outcome.events;
  summary.seedHashes[outcome.seed] = outcome.traceHash;
  for (const [name, verdict] of Object.entries(outcome.properties)) {
    const p = (summary.properties[name] ??= {
      held: 0,
      violated: 0,
      unknown: 0,
      violatingSeeds: [],
    });
    p[verdict]++;
    if (verdict === "violated" && p.violatingSeeds.length < MAX_RECORDED_SEEDS)
      p.violatingSeeds.push(outcome.seed);
  }
  for (const [name, value] of Object.entries(outcome.figures)) {
    if (!Number.isFinite(value)) continue;
    const f = (summary.figures[name] ??= { count: 0, sum: 0, min: Infinity, max: -Infinity });
    f.count++;
    f.sum += value;
    f.min = Math.min(f.min, value);
    f.max = Math.max(f.max, value);
  }
}

/** Merges summaries of disjoint seed sets of the same variant. */
export function mergeSummaries(parts: readonly VariantSummary[]): VariantSummary {
  const first = parts[0]!;
  const out = emptySummary(first.scenario, first.variant);
  for (const part of parts) {
    out.seeds += part.seeds;
    out.events += part.events;
    Object.assign(out.seedHashes, part.seedHashes);
    for (const [name, p] of Object.entries(part.properties)) {
      const q = (out.properties[name] ??= { held: 0, violated: 0, unknown: 0, violatingSeeds: [] });
      q.held += p.held;
      q.violated += p.violated;
      q.unknown += p.unknown;
      q.violatingSeeds.push(...p.violatingSeeds);
    }
    for (const [name, f] of Object.entries(part.figures)) {
      const g = (out.figures[name] ??= { count: 0, sum: 0, min: Infinity, max: -Infinity });
      g.count += f.count;
      g.sum += f.sum;
      g.min = Math.min(g.min, f.min);
      g.max = Math.max(g.max, f.max);
    }
  }
  for (const p of Object.values(out.properties)) {
    p.violatingSeeds = [...new Set(p.violatingSeeds)]
      .sort(compareSeeds)
      .slice(0, MAX_RECORDED_SEEDS);
  }
  out.seedHashes = Object.fromEntries(
    Object.entries(out.seedHashes).sort(([a], [b]) => compareSeeds(a, b)),
  );
  return out;
}

function compareSeeds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
