// Runs one scenario variant over a list of seeds in this thread and folds the outcomes into a
// mergeable summary. (Worker threads and shards split the seed list and merge the summaries.)

import { Seed } from "../core/Rng.js";
import { ConfigError } from "../core/errors.js";
import type { Scenario, SeedOutcome } from "./Scenario.js";
import { addOutcome, emptySummary, type VariantSummary } from "./SweepSummary.js";

/** Seeds `first`, `first + 1`, …: `count` of them. */
export function seedRange(count: number, first: bigint = 0n): Seed[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError({
      field: "seeds",
      value: count,
      expected: "a whole number >= 1",
      fix: "pass e.g. --seeds 100",
    });
  }
  return Array.from({ length: count }, (_, i) => Seed.parse(first + BigInt(i)));
}

export function requireVariant(scenario: Scenario, variant: string): void {
  if (!scenario.variants.some((v) => v.name === variant)) {
    throw new ConfigError({
      field: "variant",
      value: variant,
      expected: `a variant of ${scenario.name}`,
      fix: `use one of ${scenario.variants.map((v) => v.name).join(", ")} or both`,
    });
  }
}

export async function runSweep(
  scenario: Scenario,
  variant: string,
  seeds: readonly Seed[],
  onOutcome?: (outcome: SeedOutcome) => void,
): Promise<VariantSummary> {
  requireVariant(scenario, variant);
  const summary = emptySummary(scenario.name, variant);
  for (const seed of seeds) {
    const outcome = await scenario.run({ seed, variant });
    addOutcome(summary, outcome);
    onOutcome?.(outcome);
  }
  return summary;
}

/** The command that replays one seed of a scenario variant. */
export function replayCommand(scenario: string, variant: string, seed: string): string {
  return `murphy run ${scenario} --variant ${variant} --seed ${seed}`;
}
