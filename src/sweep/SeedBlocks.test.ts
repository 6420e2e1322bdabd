import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { seedRange } from "./runSweep.js";
import { Seed } from "../core/Rng.js";
import {
  listBlocks,
  parseShard,
  SEEDS_PER_BLOCK,
  seedBlocks,
  seedCount,
  shardBlocks,
} from "./SeedBlocks.js";

describe("seedBlocks", () => {
  it("cuts the seed list into fixed blocks that depend only on the list", () => {
    // Shows that block boundaries are a function of the seed list alone, in order, covering it.
    const seeds = seedRange(3 * SEEDS_PER_BLOCK + 5);
    const blocks = listBlocks(seedBlocks(seeds));
    expect(blocks.map((b) => b.index)).toEqual([0, 1, 2, 3]);
    expect(blocks.map((b) => b.seeds.length)).toEqual([
      SEEDS_PER_BLOCK,
      SEEDS_PER_BLOCK,
      SEEDS_PER_BLOCK,
      5,
    ]);
    expect(blocks.flatMap((b) => b.seeds)).toEqual(seeds);
  });
});

describe("shardBlocks", () => {
  it("covers every seed exactly once, in order, for many (i, n)", () => {
    // Shows that shards 0/n … n-1/n partition the sweep whatever its length and the shard count.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 60 }), (count, n) => {
        const seeds = seedRange(count);
        const blocks = seedBlocks(seeds);
        const shards = Array.from({ length: n }, (_, i) =>
          listBlocks(shardBlocks(blocks, { index: i, count: n })),
        );
        const covered = shards.flat().flatMap((b) => b.seeds.map((s) => s.toString()));
        expect(covered).toEqual(seeds.map((s) => s.toString()));
        // Balanced: shard sizes differ by at most one block.
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("makes a small shard of a huge sweep without listing the sweep", () => {
    // Shows that 10^12 seeds cost nothing up front: the last shard of a million holds its own
    // blocks only, and they are the right seeds.
    const span = { first: Seed.parse(0), count: 1e12 };
    const all = seedBlocks(span);
    expect(seedCount(all)).toBe(1e12);
    const last = shardBlocks(all, { index: 999_999, count: 1_000_000 });
    expect(seedCount(last)).toBe(1e6);
    const block = last.at(last.length - 1)!;
    expect(block.seeds.at(-1)!.toBigInt()).toBe(10n ** 12n - 1n);
    expect(last.at(last.length)).toBeUndefined();
  });

  it("gives some shards nothing when there are more shards than blocks", () => {
    // Shows the edge: 1 block over 3 shards is still an exact cover (two shards are empty).
    const blocks = seedBlocks(seedRange(10));
    const sizes = [0, 1, 2].map((i) => shardBlocks(blocks, { index: i, count: 3 }).length);
    expect(sizes.reduce((a, b) => a + b)).toBe(1);
  });
});

describe("parseShard", () => {
  it("accepts i/n with 0 <= i < n", () => {
    // Shows the valid forms, including the edges 0/1 and n-1/n.
    expect(parseShard("0/1")).toEqual({ index: 0, count: 1 });
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShard(" 7 / 100 ")).toEqual({ index: 7, count: 100 });
  });

  it.each([
    ["1/0", /shard count n >= 1, got "1\/0"/],
    ["0/0", /shard count n >= 1/],
    ["3/2", /index i in \[0, 1\].*got "3\/2"; use one of 0\/2, 1\/2/],
    ["2/2", /index i in \[0, 1\]/],
    ["-1/2", /of the form i\/n, got "-1\/2"/],
    ["1", /of the form i\/n/],
    ["a/b", /of the form i\/n/],
    ["1.5/3", /of the form i\/n/],
  ])("rejects %s with a ConfigError naming the value and the fix", (text, message) => {
    // Shows where valid turns invalid and that the message says what to pass instead.
    expect(() => parseShard(text)).toThrow(ConfigError);
    expect(() => parseShard(text)).toThrow(message);
    expect(() => parseShard(text)).toThrow(/--shard/);
  });
});
