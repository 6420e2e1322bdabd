// Shrinking a failing seed of a world: take the fault schedule the seed drew, check that it fails,
// and let `shrinkFaultSchedule` (ddmin over faults and their ends, then shorter durations) find a
// small schedule under which the same seed still violates the same property. The seed's other
// random streams stay as they were, so what is left is what matters.

import { ConfigError } from "../core/errors.js";
import type { Seed } from "../core/Rng.js";
import type { FaultAction } from "../faults/FaultAction.js";
import { shrinkFaultSchedule, type ShrinkResult } from "../faults/shrinkFaultSchedule.js";
import type { Scenario, SeedOutcome } from "../scenarios/Scenario.js";

export interface ShrinkWorldOptions {
  seed: Seed;
  /** The variant to shrink in (default: the first in which the seed violates a property). */
  variant?: string | undefined;
  /** The property that must stay violated (default: the first the seed violates). */
  property?: string | undefined;
  /** Replays allowed (default 500). */
  maxRuns?: number | undefined;
}

export interface ShrinkWorldResult {
  variant: string;
  property: string;
  /** The seed's own schedule. */
  original: FaultAction[];
  shrunk: ShrinkResult;
  /** The failing run under the shrunk schedule (its details say what went wrong). */
  outcome: SeedOutcome;
}

export async function shrinkWorld(
  world: Scenario,
  options: ShrinkWorldOptions,
): Promise<ShrinkWorldResult> {
  const faultSchedule = world.faultSchedule?.bind(world);
  if (faultSchedule === undefined) {
    throw new ConfigError({
      field: "world",
      value: world.name,
      expected: "a world whose fault schedule is data (defined with defineWorld and `faults`)",
      fix: "shrink a world file or a scenario defined with defineWorld",
    });
  }
  const { seed } = options;
  const variants =
    options.variant === undefined ? world.variants.map((v) => v.name) : [options.variant];
  for (const variant of variants) {
    if (!world.variants.some((v) => v.name === variant)) {
      throw new ConfigError({
        field: "--variant",
        value: variant,
        expected: `a variant of ${world.name}`,
        fix: `use one of ${world.variants.map((v) => v.name).join(", ")}`,
      });
    }
    const original = faultSchedule({ seed, variant });
    const first = await world.run({ seed, variant, faults: original });
    const property = options.property ?? violatedProperty(first);
    if (property === undefined || first.properties[property] !== "violated") continue;
    let last = first;
    const shrunk = await shrinkFaultSchedule(
      original,
      async (candidate) => {
        const outcome = await world.run({ seed, variant, faults: candidate });
        const fails = outcome.properties[property] === "violated";
        if (fails) last = outcome;
        return fails;
      },
      options.maxRuns === undefined ? {} : { maxRuns: options.maxRuns },
    );
    // The last failing candidate is not always the result; run the result once more for details.
    last = await world.run({ seed, variant, faults: shrunk.actions });
    return { variant, property, original, shrunk, outcome: last };
  }
  throw new ConfigError({
    field: "--seed",
    value: seed.toString(),
    expected: `a seed that violates ${options.property ?? "a property"} in ${variants.join(" or ")}`,
    fix: "shrink a seed a sweep reported as violating (`murphy run … --seeds N` prints them)",
  });
}

function violatedProperty(outcome: SeedOutcome): string | undefined {
  return Object.entries(outcome.properties).find(([, v]) => v === "violated")?.[0];
}
