// Runs one scenario variant over a list of seeds in this thread and folds the outcomes into a
// mergeable summary. (Worker threads and shards split the seed list and merge the summaries.)

import { Seed } from "../core/Rng.js";
import { ConfigError, MurphyError } from "../core/errors.js";
import type { Scenario, SeedOutcome } from "../scenarios/Scenario.js";
import type { SeedSpan } from "./SeedBlocks.js";
import { worldRef } from "./loadWorld.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { addOutcome, emptySummary } from "./SweepSummary.js";

/** `count` seeds from `first`, not listed: what a sweep runs, however large. */
export function seedSpan(count: number, first: bigint = 0n): SeedSpan {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ConfigError({
      field: "seeds",
      value: count,
      expected: `a whole number in [1, ${Number.MAX_SAFE_INTEGER}]`,
      fix: "pass e.g. --seeds 100",
    });
  }
  if (first + BigInt(count) > 1n << 64n) {
    throw new ConfigError({
      field: "seeds",
      value: count,
      expected: `at most 2^64 - ${first} seeds from ${first} (seeds are 64-bit)`,
      fix: "pass fewer seeds",
    });
  }
  return { first: Seed.parse(first), count };
}

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
    let outcome: SeedOutcome;
    try {
      outcome = await scenario.run({ seed, variant });
    } catch (error) {
      throw new ScenarioRunError(
        replayCommand(worldRef(scenario), variant, seed.toString()),
        error,
      );
    }
    addOutcome(summary, outcome);
    onOutcome?.(outcome);
  }
  return summary;
}

/** A seed's run threw (a node's uncaught error, a kernel limit): says how to replay it. */
export class ScenarioRunError extends MurphyError {
  readonly code = "E_SCENARIO_RUN";
  readonly definite = true;
  constructor(
    readonly replay: string,
    cause: unknown,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)}\n  replay: ${replay}`, {
      cause,
    });
  }
}

/** The command that replays one seed of a world's variant (`world`: its name or file, see worldRef). */
export function replayCommand(world: string, variant: string, seed: string): string {
  return `murphy run ${world} --variant ${variant} --seed ${seed}`;
}
