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

/**
 * The blocks of a sweep, made on demand: a sweep of 10^12 seeds, or a small shard of one, holds
 * only the blocks being run, never the whole list. Arrays of blocks fit this shape too.
 */
export interface BlockList {
  readonly length: number;
  at(position: number): SeedBlock | undefined;
}

/** `count` consecutive seeds from `first`: a sweep's seeds without listing them. */
export interface SeedSpan {
  first: Seed;
  count: number;
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

/** Cuts seeds into blocks of `SEEDS_PER_BLOCK` (the last may be shorter), made when asked for. */
export function seedBlocks(seeds: readonly Seed[] | SeedSpan): BlockList {
  const count = Array.isArray(seeds) ? seeds.length : (seeds as SeedSpan).count;
  const seedAt = Array.isArray(seeds)
    ? (i: number) => seeds[i]!
    : (i: number) => Seed.parse((seeds as SeedSpan).first.toBigInt() + BigInt(i));
  const length = Math.ceil(count / SEEDS_PER_BLOCK);
  return {
    length,
    at(position) {
      if (!Number.isInteger(position) || position < 0 || position >= length) return undefined;
      const start = position * SEEDS_PER_BLOCK;
      const size = Math.min(SEEDS_PER_BLOCK, count - start);
      return { index: position, seeds: Array.from({ length: size }, (_, k) => seedAt(start + k)) };
    },
  };
}

/** Every block, made now: for tests and small sweeps only. */
export function listBlocks(blocks: BlockList): SeedBlock[] {
  return Array.from({ length: blocks.length }, (_, i) => blocks.at(i)!);
}

/** How many seeds the blocks hold, without making them. */
export function seedCount(blocks: BlockList): number {
  if (blocks.length === 0) return 0;
  return (blocks.length - 1) * SEEDS_PER_BLOCK + blocks.at(blocks.length - 1)!.seeds.length;
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
export function shardBlocks(blocks: BlockList, shard: Shard): BlockList {
  // In bigints: shard index times block count passes 2^53 long before either does.
  const length = BigInt(blocks.length);
  const from = Number((BigInt(shard.index) * length) / BigInt(shard.count));
  const to = Number((BigInt(shard.index + 1) * length) / BigInt(shard.count));
  return {
    length: to - from,
    at: (position) =>
      Number.isInteger(position) && position >= 0 && position < to - from
        ? blocks.at(from + position)
        : undefined,
  };
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
