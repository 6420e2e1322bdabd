// Sweeping until something breaks: runs a world's variant on seeds first, first + 1, … and stops at
// the first seed that violates a property (or after `maxSeeds`). How many seeds it took is how
// hard the failure is to find — the measure murphy's bug-finding figures report for planted bugs.

import { Seed } from "../core/Rng.js";
import { requireInteger } from "../core/validate.js";
import type { Scenario } from "../scenarios/Scenario.js";
import { requireVariant } from "./runSweep.js";

export interface FirstViolation {
  /** The violating seed, or undefined when none of the `maxSeeds` seeds violated anything. */
  seed: Seed | undefined;
  /** Seeds run, the violating one included. */
  seedsRun: number;
  /** The properties the seed violated. */
  properties: string[];
}

export async function findFirstViolation(
  world: Scenario,
  options: { variant: string; firstSeed?: bigint; maxSeeds: number },
): Promise<FirstViolation> {
  requireVariant(world, options.variant);
  const maxSeeds = requireInteger("maxSeeds", options.maxSeeds, 1);
  const first = options.firstSeed ?? 0n;
  for (let i = 0; i < maxSeeds; i++) {
    const seed = Seed.parse(first + BigInt(i));
    const outcome = await world.run({ seed, variant: options.variant });
    const properties = Object.entries(outcome.properties)
      .filter(([, verdict]) => verdict === "violated")
      .map(([name]) => name);
    if (properties.length > 0) return { seed, seedsRun: i + 1, properties };
  }
  return { seed: undefined, seedsRun: maxSeeds, properties: [] };
}
