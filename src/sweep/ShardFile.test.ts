import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { SEEDS_PER_BLOCK } from "./SeedBlocks.js";
import {
  describeSeedRange,
  mergeShardFiles,
  parseShardFile,
  sealShardFile,
  SHARD_FORMAT,
  shardFileName,
  type ShardFile,
} from "./ShardFile.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { emptySummary } from "./SweepSummary.js";

/** A block's summary as a real run writes it: every seed of the block held property `p`. */
function blockSummary(variant: string, index: number, count: number): VariantSummary {
  const summary = emptySummary("s", variant);
  const start = index * SEEDS_PER_BLOCK;
  const end = Math.min(count, start + SEEDS_PER_BLOCK);
  summary.seeds = end - start;
  summary.events = 10 * summary.seeds;
  for (let i = start; i < end; i++) summary.seedHashes[Seed.parse(i).toString()] = "h";
  summary.properties.p = { held: summary.seeds, violated: 0, unknown: 0, violatingSeeds: [] };
  summary.figures.f = { count: summary.seeds, sum: 1.5, min: 0.5, max: 1 };
  return summary;
}

/** The file shard `index/n` of a sweep of `count` seeds writes (as JSON data, read back). */
function shard(index: number, n: number, count = 16 * n, variants = ["safe"]): unknown {
  const blocks = Math.ceil(count / SEEDS_PER_BLOCK);
  const from = Math.floor((index * blocks) / n);
  const to = Math.floor(((index + 1) * blocks) / n);
  const file = sealShardFile({
    format: SHARD_FORMAT,
    scenario: "s",
    variants,
    seeds: { first: "0x0000000000000000", count },
    seedsPerBlock: SEEDS_PER_BLOCK,
    shard: { index, count: n },
    blocks: variants.flatMap((variant) =>
      Array.from({ length: to - from }, (_, k) => ({
        variant,
        index: from + k,
        summary: blockSummary(variant, from + k, count),
      })),
    ),
  });
  return JSON.parse(JSON.stringify(file)) as unknown;
}

const parsed = (...list: unknown[]) =>
  list.map((data, i) => ({ path: `f${i}.json`, file: parseShardFile(`f${i}.json`, data) }));

/** A file edited as someone might, then sealed again (so only the completeness checks see it). */
function edited(data: unknown, edit: (file: ShardFile) => void): unknown {
  const { sha256: _, ...content } = structuredClone(data) as ShardFile;
  edit(content as ShardFile);
  return JSON.parse(JSON.stringify(sealShardFile(content))) as unknown;
}

function refusal(data: unknown): string {
  try {
    parseShardFile("x.json", data);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the file was accepted");
}

describe("mergeShardFiles", () => {
  it("merges all shards in any order", () => {
    // Shows that the file order on the command line does not matter.
    const merged = mergeShardFiles(parsed(shard(2, 3), shard(0, 3), shard(1, 3)));
    expect(merged.summaries).toHaveLength(1);
    expect(merged.summaries[0]!.seeds).toBe(48);
    expect(Object.keys(merged.summaries[0]!.seedHashes)).toHaveLength(48);
    expect(merged.summaries[0]!.properties.p!.held).toBe(48);
  });

  it("names the missing shards", () => {
    // Shows the error when a pod's file is missing: which shards to add.
    expect(() => mergeShardFiles(parsed(shard(0, 3), shard(2, 3)))).toThrow(
      /add the files of shard 1\/3/,
    );
    // An absurd shard count is named, not enumerated.
    const many = edited(shard(0, 1, 16), (f) => {
      f.shard = { index: 0, count: 1e9 };
      f.blocks = [];
    });
    expect(() => mergeShardFiles(parsed(many))).toThrow(/\(999999999 in all\)/);
  });

  it("refuses a shard given twice", () => {
    // Shows the duplicate case: the same shard would be counted twice.
    expect(() => mergeShardFiles(parsed(shard(0, 2), shard(0, 2), shard(1, 2)))).toThrow(
      /same shard as f0.json/,
    );
  });

  it("refuses shards of different sweeps", () => {
    // Shows that shards of other seed counts, shard counts or scenarios are not mixed in.
    expect(() => mergeShardFiles(parsed(shard(0, 2), shard(1, 2, 40)))).toThrow(ConfigError);
    expect(() => mergeShardFiles(parsed(shard(0, 2), shard(1, 3)))).toThrow(/same sweep/);
    expect(() => mergeShardFiles([])).toThrow(/at least one shard file/);
  });
});

describe("parseShardFile", () => {
  it("rejects files that are not shard files", () => {
    // Shows the error for a wrong file (e.g. the summary `murphy run --out` writes).
    expect(refusal({ scenario: "s", summaries: [] })).toMatch(/"murphy-shard\/2"/);
    expect(refusal(null)).toMatch(/a shard file/);
    expect(refusal({ ...(shard(0, 1) as object), format: "murphy-shard/1" })).toMatch(
      /rerun the shards with this version/,
    );
    expect(refusal(edited(shard(0, 1), (f) => (f.seedsPerBlock = 7)))).toMatch(/seedsPerBlock/);
    expect(parseShardFile("x.json", shard(0, 1)).shard).toEqual({ index: 0, count: 1 });
  });

  it("shows that a changed or damaged file is refused by its content hash", () => {
    const tampered = shard(0, 1) as ShardFile;
    tampered.blocks[0]!.summary.properties.p!.held = 15;
    tampered.blocks[0]!.summary.properties.p!.violated = 1;
    tampered.blocks[0]!.summary.properties.p!.violatingSeeds = ["0x0000000000000003"];
    expect(refusal(tampered)).toMatch(/x.json: sha256.*changed or damaged/);
  });

  it("shows that a shard must hold every block it runs, each summarising every seed of its block", () => {
    expect(refusal(edited(shard(1, 2, 64), (f) => f.blocks.pop()))).toMatch(
      /all 2 blocks of shard 1\/2 \(2 per variant\); block 3 of safe is missing/,
    );
    expect(refusal(edited(shard(0, 2, 64), (f) => (f.blocks[1]!.index = 2)))).toMatch(
      /blocks\[1\]\.index.*a block of shard 0\/2, in \[0, 2\)/,
    );
    const lostSeed = edited(shard(0, 1), (f) => {
      delete f.blocks[0]!.summary.seedHashes["0x0000000000000005"];
    });
    expect(refusal(lostSeed)).toMatch(/seed 0x0000000000000005 is missing/);
    expect(refusal(edited(shard(0, 1), (f) => (f.blocks[0]!.summary.seeds = 17)))).toMatch(
      /blocks\[0\]\.summary\.seeds.*16, the seeds of block 0/,
    );
  });

  it("shows that counts, seeds, variants and fields are checked, each error naming the field", () => {
    const cases: [(f: ShardFile) => void, RegExp][] = [
      [(f) => (f.seeds.count = 1e300), /seeds\.count/],
      [(f) => (f.seeds.first = "0x1"), /seeds\.first.*0x and 16 hex digits/],
      [(f) => (f.seeds.first = "0xffffffffffffffff"), /seeds\.count.*at most 1 seeds/],
      [(f) => (f.blocks[0]!.variant = "reckless"), /blocks\[0\]\.variant.*one of the file's/],
      [(f) => (f.variants = ["safe", "safe"]), /distinct variant names/],
      [(f) => (f.shard = { index: 2, count: 2 }), /shard\.index.*below shard\.count/],
      [(f) => (f.blocks[0]!.summary.properties.p!.held = 99), /at most 16 verdicts/],
      [
        (f) => {
          f.blocks[0]!.summary.properties.p!.held = 15;
          f.blocks[0]!.summary.properties.p!.violated = 1;
        },
        /violatingSeeds.*the first 1 violating seeds/,
      ],
      [(f) => (f.blocks[0]!.summary.figures.f!.min = 5), /figures\.f\.min.*at most max/],
      [
        (f) => ((f as unknown as Record<string, unknown>).extra = 1),
        /x.json: extra.*one of the fields/,
      ],
      [(f) => (f.blocks[0]!.summary.events = -1), /events.*a whole number >= 0/],
    ];
    for (const [edit, message] of cases)
      expect(refusal(edited(shard(0, 1), edit))).toMatch(message);
  });

  it("names files after their shard, and seed ranges as a sweep's header does", () => {
    expect(shardFileName({ index: 1, count: 3 })).toBe("murphy-shard-1-of-3.json");
    expect(describeSeedRange({ first: "0x0000000000000010", count: 3 })).toBe(
      "3 (0x0000000000000010 … 0x0000000000000012)",
    );
    expect(describeSeedRange({ first: "0x0000000000000010", count: 1 })).toBe("0x0000000000000010");
  });
});
