// `murphy shrink <world> --seed S`: minimises the fault schedule of a failing seed (a scenario or a
// world file), prints "shrunk from N faults to M" and the faults that are left, and writes a replay
// file that `murphy replay --schedule FILE` runs.

import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { describeFault } from "../../faults/FaultAction.js";
import { requireInteger } from "../../core/validate.js";
import { loadWorld, worldRef } from "../../sweep/loadWorld.js";
import { writeReplayFile } from "../../sweep/ReplayFile.js";
import { shrinkWorld } from "../../sweep/shrinkWorld.js";
import { checkOutputFile } from "../outputPaths.js";
import { variantOption } from "../sweepOptions.js";

interface ShrinkOptions {
  seed?: string;
  variant?: string;
  bug?: string;
  property?: string;
  out?: string;
  maxRuns?: string;
}

export function registerShrinkCommand(program: Command): void {
  program
    .command("shrink")
    .description("minimise a failing seed's fault schedule and write a replay file")
    .argument("[world]", "a scenario name (see `murphy list`) or a world file (./my-world.ts)")
    .option("--seed <seed>", "the failing seed (decimal or 0x hex); required")
    .option("--variant <name>", "the variant (default: the first the seed fails in)")
    .option("--bug <name>", "the world's planted bug NAME (its variant bug-NAME)")
    .option("--property <name>", "the property that must stay violated (default: the first)")
    .option("--out <file>", "where to write the replay file (default: <world>-<seed>.replay.json)")
    .option("--max-runs <n>", "replays allowed while shrinking", "500")
    .action(async (name: string | undefined, options: ShrinkOptions) => {
      process.exitCode = await shrinkCommand(name, options);
    });
}

export async function shrinkCommand(
  name: string | undefined,
  options: ShrinkOptions,
): Promise<number> {
  const world = await loadWorld(name);
  if (options.seed === undefined) {
    throw new ConfigError({
      field: "--seed",
      value: undefined,
      expected: "a value",
      fix: "add --seed 0x… (a violating seed printed by `murphy run`)",
    });
  }
  const seed = Seed.parse(options.seed);
  const maxRuns = requireInteger("--max-runs", Number(options.maxRuns ?? "500"), 1);
  const out = options.out ?? `${world.name}-${seed.toString()}.replay.json`;
  checkOutputFile("--out", out);
  const ref = worldRef(world);
  console.log(pc.bold(`murphy shrink ${ref}`) + pc.dim(` — seed ${seed.toString()}`));
  const result = await shrinkWorld(world, {
    seed,
    variant: variantOption(world, options),
    property: options.property,
    maxRuns,
  });
  const { shrunk, original, variant, property } = result;
  console.log(
    `${variant}: ${property} violated; shrunk from ${original.length} faults to ` +
      `${shrunk.actions.length} in ${shrunk.runs} runs${shrunk.exhausted ? " (budget ran out)" : ""}`,
  );
  for (const a of shrunk.actions) console.log(`  ${a.atMs} ms  ${describeFault(a)}`);
  for (const line of result.outcome.details?.[property] ?? []) console.log(pc.dim(`  ${line}`));
  writeReplayFile(out, {
    world: ref,
    variant,
    seed: seed.toString(),
    property,
    faults: shrunk.actions,
  });
  console.log(`replay file written to ${out}; run it: murphy replay --schedule ${out}`);
  // The shrink succeeded; `murphy replay --schedule` exits 1 for the violation it shows.
  return 0;
}
