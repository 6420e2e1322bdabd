// Flag parsing shared by `run`, `replay`, `shrink` and `tour`: which variants (or planted bug),
// which seeds, how many workers.
// Each check throws a ConfigError that names the flag, the value and the fix.

import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { defaultWorkers } from "../sweep/parallelSweep.js";
import { requireVariant, seedSpan } from "../sweep/runSweep.js";
import type { SeedSpan } from "../sweep/SeedBlocks.js";
import type { Scenario } from "../scenarios/Scenario.js";

/**
 * `--variant unsafe|safe|both|all` → the variant names to run. `both` is every variant the tour
 * shows (all but the hidden ones: a world's extra fault mixes and planted bugs); `all` is every one.
 */
export function resolveVariants(scenario: Scenario, variant: string): string[] {
  const variants =
    variant === "both"
      ? scenario.variants.filter((v) => !v.hidden).map((v) => v.name)
      : variant === "all"
        ? scenario.variants.map((v) => v.name)
        : [variant];
  variants.forEach((v) => requireVariant(scenario, v));
  return variants;
}

/** The planted bugs of a world: its variants named `bug-<name>`. */
export function plantedBugs(scenario: Scenario): string[] {
  return scenario.variants.filter((v) => v.name.startsWith("bug-")).map((v) => v.name.slice(4));
}

/**
 * `--bug NAME` is `--variant bug-NAME`, checked against the world's planted bugs. `defaultVariant`
 * is the command's own default for `--variant`, which `--bug` replaces.
 */
export function variantOption(
  scenario: Scenario,
  options: { variant?: string | undefined; bug?: string | undefined },
  defaultVariant?: string,
): string | undefined {
  if (options.bug === undefined) return options.variant;
  if (options.variant !== undefined && options.variant !== defaultVariant) {
    throw new ConfigError({
      field: "--bug",
      value: options.bug,
      expected: `no --variant beside it (--bug ${options.bug} is --variant bug-${options.bug})`,
      fix: "drop --variant, or drop --bug",
    });
  }
  const bugs = plantedBugs(scenario);
  if (!bugs.includes(options.bug)) {
    throw new ConfigError({
      field: "--bug",
      value: options.bug,
      expected:
        bugs.length === 0
          ? `a world with planted bugs, but ${scenario.name} has none (no variant named bug-<name>)`
          : `a planted bug of ${scenario.name}`,
      fix: bugs.length === 0 ? "drop --bug" : `use one of ${bugs.join(", ")}`,
    });
  }
  return `bug-${options.bug}`;
}

/** `--seed S` (one seed) or `--seeds N` (seeds 0 … N-1; default the scenario's tour count). */
export function resolveSeeds(
  scenario: Scenario,
  options: { seed?: string; seeds?: string },
): SeedSpan {
  if (options.seed !== undefined && options.seeds !== undefined) {
    throw new ConfigError({
      field: "--seed/--seeds",
      value: `${options.seed}/${options.seeds}`,
      expected: "only one of them",
      fix: "pass --seed S or --seeds N",
    });
  }
  if (options.seed !== undefined) return { first: Seed.parse(options.seed), count: 1 };
  return seedSpan(options.seeds !== undefined ? parseSeedCount(options.seeds) : scenario.tourSeeds);
}

/** `--workers N` (default: the cores of this machine). */
export function resolveWorkers(text: string | undefined): number {
  if (text === undefined) return defaultWorkers();
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError({
      field: "--workers",
      value: text,
      expected: "a whole number >= 1",
      fix: `pass e.g. --workers ${defaultWorkers()} (the cores of this machine)`,
    });
  }
  return n;
}

/** "300 (0x0 … 0x…12b)" or the one seed. */
export function describeSeeds(seeds: SeedSpan): string {
  if (seeds.count === 1) return seeds.first.toString();
  const last = Seed.parse(seeds.first.toBigInt() + BigInt(seeds.count - 1));
  return `${seeds.count} (${seeds.first.toString()} … ${last.toString()})`;
}

/** `--seeds N`: a whole number of seeds, at least 1. */
function parseSeedCount(text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new ConfigError({
      field: "--seeds",
      value: text,
      expected: `a whole number in [1, ${Number.MAX_SAFE_INTEGER}]`,
      fix: "pass e.g. --seeds 1000",
    });
  }
  return Number(text);
}
