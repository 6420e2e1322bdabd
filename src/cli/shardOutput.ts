// Writes the result file of one shard (`murphy run X --shard i/n [--out DIR]`).

import { join } from "node:path";
import type { Scenario } from "../scenarios/Scenario.js";
import { SEEDS_PER_BLOCK, type SeedSpan, type Shard } from "../sweep/SeedBlocks.js";
import { sealShardFile, SHARD_FORMAT, shardFileName, type ShardFile } from "../sweep/ShardFile.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { worldRef } from "../sweep/loadWorld.js";
import { prepareOutputDir, writeOutputFile } from "./outputPaths.js";

/** Writes the shard's per-block summaries (the merge repeats the single run's reduction). */
export function writeShardFile(args: {
  scenario: Scenario;
  seeds: SeedSpan;
  shard: Shard;
  blockSummaries: readonly { variant: string; index: number; summary: VariantSummary }[];
  variants: readonly string[];
  dir: string | undefined;
}): string {
  const file: ShardFile = sealShardFile({
    format: SHARD_FORMAT,
    // The world as the user named it (a scenario or a file), so that `murphy merge` can load it.
    scenario: worldRef(args.scenario),
    variants: [...args.variants],
    seeds: { first: args.seeds.first.toString(), count: args.seeds.count },
    seedsPerBlock: SEEDS_PER_BLOCK,
    shard: args.shard,
    blocks: [...args.blockSummaries],
  });
  const dir = args.dir ?? ".";
  prepareOutputDir("--out", dir);
  const path = join(dir, shardFileName(args.shard));
  writeOutputFile("--out", path, JSON.stringify(file) + "\n");
  return path;
}
