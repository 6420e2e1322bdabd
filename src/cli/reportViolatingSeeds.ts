// Reports of the first violating seeds of a sweep: each seed is run again here, with a recorder,
// and its HTML report written into a directory, named by world, variant and seed. A sweep keeps no
// traces (it would not fit), so the seeds worth looking at are replayed, exactly, after it.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pc from "picocolors";
import { Seed } from "../core/Rng.js";
import { reportSeed } from "../report/writeRunReport.js";
import type { Scenario } from "../scenarios/Scenario.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { worldRef } from "../sweep/loadWorld.js";
import { replayCommand } from "../sweep/runSweep.js";

export interface SeedReport {
  world: string;
  variant: string;
  seed: string;
  property: string;
  /** The report's file name inside the directory. */
  name: string;
}

/** The first `perVariant` violating seeds of each variant, each with the first property it violated. */
export function firstViolatingSeeds(
  summaries: readonly VariantSummary[],
  perVariant: number,
): { variant: string; seed: string; property: string }[] {
  return summaries.flatMap((summary) => {
    const seeds = new Map<string, string>();
    for (const [property, p] of Object.entries(summary.properties)) {
      for (const seed of p.violatingSeeds) if (!seeds.has(seed)) seeds.set(seed, property);
    }
    return [...seeds]
      .sort(([a], [b]) => (Seed.parse(a).toBigInt() < Seed.parse(b).toBigInt() ? -1 : 1))
      .slice(0, perVariant)
      .map(([seed, property]) => ({ variant: summary.variant, seed, property }));
  });
}

export async function reportViolatingSeeds(
  scenario: Scenario,
  summaries: readonly VariantSummary[],
  dir: string,
  options: { quiet?: boolean; perVariant?: number } = {},
): Promise<SeedReport[]> {
  mkdirSync(dir, { recursive: true });
  const written: SeedReport[] = [];
  for (const { variant, seed, property } of firstViolatingSeeds(
    summaries,
    options.perVariant ?? 3,
  )) {
    const parsed = Seed.parse(seed);
    const name = `${scenario.name}-${variant}-${parsed.toString()}.html`;
    await reportSeed(scenario, variant, parsed, join(dir, name), {
      command: replayCommand(worldRef(scenario), variant, parsed.toString()),
    });
    written.push({ world: scenario.name, variant, seed: parsed.toString(), property, name });
    if (!options.quiet)
      console.log(pc.dim(`report of ${variant} seed ${seed} written to ${join(dir, name)}`));
  }
  if (!options.quiet && written.length === 0) {
    console.log(pc.dim(`no seed violated a property: no report written to ${dir}`));
  }
  return written;
}
