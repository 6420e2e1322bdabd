// Writes the result file of one shard (`murphy run X --shard i/n [--out DIR]`).

import { join } from "node:path";
import type { Seed } from "../core/Rng.js";
import type { Scenario } from "../scenarios/Scenario.js";
import { SEEDS_PER_BLOCK, type Shard } from "../scenarios/SeedBlocks.js";
import {
  sealShardFile,
  SHARD_FORMAT,
  shardFileName,
  type ShardFile,
} from "../scenarios/ShardFile.js";
import type { VariantSummary } from "../scenarios/SweepSummary.js";
import { prepareOutputDir, writeOutputFile } from "./outputPaths.js";

/** Writes the shard's per-block summaries (the merge repeats the single run's reduction). */
export function writeShardFile(args: {
  scenario: Scenario;
  seeds: readonly Seed[];
  shard: Shard;
  blockSummaries: readonly { variant: string; index: number; summary: VariantSummary }[];
  variants: readonly string[];
  dir: string | undefined;
}): string {
  const file: ShardFile = sealShardFile({
    format: SHARD_FORMAT,
    scenario: args.scenario.name,
    variants: [...args.variants],
    seeds: { first: args.seeds[0]!.toString(), count: args.seeds.length },
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
