// How a seed sweep is cut into work. The seed list is split into fixed-size blocks that depend only
// on the list (never on the number of workers or shards); every block is summarised on its own, and
// the block summaries are merged in block order. Because the reduction order is fixed, floating-point
// sums come out bit-identical whether one worker, eight workers or three machines ran the blocks.
// A shard `i/n` is a contiguous run of whole blocks, so shards cover every seed exactly once.

import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { emptySummary, mergeSummaries } from "./SweepSummary.js";

/** Seeds per block: small enough to balance work across cores, large enough to amortise messages. */
export const SEEDS_PER_BLOCK = 16;

export interface SeedBlock {
  /** Position of the block in the whole sweep (0-based); the merge order. */
  index: number;
  seeds: readonly Seed[];
}

export interface BlockSummary {
  index: number;
  summary: VariantSummary;
}

export interface Shard {
  /** 0-based shard number. */
  index: number;
  count: number;
}

/** Cuts a seed list into blocks of `SEEDS_PER_BLOCK` (the last may be shorter). */
export function seedBlocks(seeds: readonly Seed[]): SeedBlock[] {
  const blocks: SeedBlock[] = [];
  for (let start = 0; start < seeds.length; start += SEEDS_PER_BLOCK) {
    blocks.push({
      index: blocks.length,
      seeds: seeds.slice(start, start + SEEDS_PER_BLOCK),
    });
  }
  return blocks;
}

/** Parses `i/n` (0 <= i < n), as in `--shard 1/3`. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const fix = "pass --shard i/n with 0 <= i < n, e.g. --shard 0/3, --shard 1/3, --shard 2/3";
  if (match === null) {
    throw new ConfigError({ field: "--shard", value: text, expected: "of the form i/n", fix });
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ConfigError({
      field: "--shard",
      value: text,
      expected: "a shard count n >= 1",
      fix,
    });
  }
  if (!Number.isSafeInteger(index) || index >= count) {
    throw new ConfigError({
      field: "--shard",
      value: text,
      expected: `a shard index i in [0, ${count - 1}] (shards are numbered from 0)`,
      fix: `use one of ${count <= 4 ? Array.from({ length: count }, (_, i) => `${i}/${count}`).join(", ") : `0/${count} … ${count - 1}/${count}`}`,
    });
  }
  return { index, count };
}

/** The blocks shard `i/n` runs: a contiguous run, sized within one block of every other shard. */
export function shardBlocks(blocks: readonly SeedBlock[], shard: Shard): SeedBlock[] {
  const from = Math.floor((shard.index * blocks.length) / shard.count);
  const to = Math.floor(((shard.index + 1) * blocks.length) / shard.count);
  return blocks.slice(from, to);
}

/** Merges block summaries of one variant in block order: the canonical reduction. */
export function mergeBlocks(
  scenario: string,
  variant: string,
  blocks: readonly BlockSummary[],
): VariantSummary {
  const seen = new Set<number>();
  for (const b of blocks) {
    if (seen.has(b.index)) {
      throw new ConfigError({
        field: "block",
        value: b.index,
        expected: "present once",
        fix: "merge each shard file once",
      });
    }
    seen.add(b.index);
  }
  if (blocks.length === 0) return emptySummary(scenario, variant);
  return mergeSummaries([...blocks].sort((a, b) => a.index - b.index).map((b) => b.summary));
}
