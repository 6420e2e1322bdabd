import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { SEEDS_PER_BLOCK } from "./SeedBlocks.js";
import {
  mergeShardFiles,
  parseShardFile,
  SHARD_FORMAT,
  shardFileName,
  type ShardFile,
} from "./ShardFile.js";
import { emptySummary } from "./SweepSummary.js";

function shard(index: number, count: number, overrides: Partial<ShardFile> = {}): ShardFile {
  const summary = emptySummary("s", "safe");
  summary.seeds = 1;
  summary.seedHashes[`0x${index.toString(16).padStart(16, "0")}`] = "h";
  return {
    format: SHARD_FORMAT,
    scenario: "s",
    variants: ["safe"],
    seeds: { first: "0x0000000000000000", count: 16 * count },
    seedsPerBlock: SEEDS_PER_BLOCK,
    shard: { index, count },
    blocks: [{ variant: "safe", index, summary }],
    ...overrides,
  };
}

const files = (...list: ShardFile[]) => list.map((file, i) => ({ path: `f${i}.json`, file }));

describe("mergeShardFiles", () => {
  it("merges all shards in any order", () => {
    // Shows that the file order on the command line does not matter.
    const merged = mergeShardFiles(files(shard(2, 3), shard(0, 3), shard(1, 3)));
    expect(merged.summaries).toHaveLength(1);
    expect(merged.summaries[0]!.seeds).toBe(3);
    expect(Object.keys(merged.summaries[0]!.seedHashes)).toEqual([
      "0x0000000000000000",
      "0x0000000000000001",
      "0x0000000000000002",
    ]);
  });

  it("names the missing shards", () => {
    // Shows the error when a pod's file is missing: which shards to add.
    expect(() => mergeShardFiles(files(shard(0, 3), shard(2, 3)))).toThrow(
      /add the files of shard 1\/3/,
    );
  });

  it("refuses a shard given twice", () => {
    // Shows the duplicate case: the same shard would be counted twice.
    expect(() => mergeShardFiles(files(shard(0, 2), shard(0, 2), shard(1, 2)))).toThrow(
      /same shard as f0.json/,
    );
  });

  it("refuses shards of different sweeps", () => {
    // Shows that shards of other seed counts, shard counts or scenarios are not mixed in.
    expect(() =>
      mergeShardFiles(
        files(shard(0, 2), shard(1, 2, { seeds: { first: "0x0000000000000000", count: 99 } })),
      ),
    ).toThrow(ConfigError);
    expect(() => mergeShardFiles(files(shard(0, 2), shard(1, 3)))).toThrow(/same sweep/);
    expect(() => mergeShardFiles([])).toThrow(/at least one shard file/);
  });
});

describe("parseShardFile", () => {
  it("rejects files that are not shard files", () => {
    // Shows the error for a wrong file (e.g. the summary `murphy run --out` writes).
    expect(() => parseShardFile("x.json", { scenario: "s", summaries: [] })).toThrow(
      /a shard file/,
    );
    expect(() => parseShardFile("x.json", null)).toThrow(ConfigError);
    expect(() => parseShardFile("x.json", { ...shard(0, 1), seedsPerBlock: 7 })).toThrow(
      /seedsPerBlock/,
    );
    expect(parseShardFile("x.json", shard(0, 1)).shard).toEqual({ index: 0, count: 1 });
  });

  it("names files after their shard", () => {
    // Shows the default file name a Kubernetes pod writes.
    expect(shardFileName({ index: 1, count: 3 })).toBe("murphy-shard-1-of-3.json");
  });
});
