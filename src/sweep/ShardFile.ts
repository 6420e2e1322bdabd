// The file one shard of a sweep writes (`murphy run X --shard i/n`) and `murphy merge` reads. It
// keeps the per-block summaries rather than one merged summary, so that merging all shards repeats
// exactly the reduction a single run does (see SeedBlocks.ts) and gives a bit-identical result.

import { ConfigError } from "../core/errors.js";
import { mergeBlocks, SEEDS_PER_BLOCK, type Shard } from "./SeedBlocks.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";

export const SHARD_FORMAT = "murphy-shard/1";

export interface ShardFile {
  format: typeof SHARD_FORMAT;
  scenario: string;
  variants: string[];
  /** The whole sweep's seeds (not only this shard's): `count` seeds from `first`. */
  seeds: { first: string; count: number };
  seedsPerBlock: number;
  shard: Shard;
  blocks: { variant: string; index: number; summary: VariantSummary }[];
}

export interface MergedSweep {
  scenario: string;
  seeds: { first: string; count: number };
  summaries: VariantSummary[];
}

export function shardFileName(shard: Shard): string {
  return `murphy-shard-${shard.index}-of-${shard.count}.json`;
}

/** Checks one parsed file's shape; `path` names it in errors. */
export function parseShardFile(path: string, data: unknown): ShardFile {
  const file = data as Partial<ShardFile> | null;
  if (
    file === null ||
    typeof file !== "object" ||
    file.format !== SHARD_FORMAT ||
    typeof file.scenario !== "string" ||
    !Array.isArray(file.variants) ||
    !Array.isArray(file.blocks) ||
    typeof file.shard?.index !== "number" ||
    typeof file.shard?.count !== "number" ||
    typeof file.seeds?.count !== "number"
  ) {
    throw new ConfigError({
      field: path,
      value: (file as { format?: unknown } | null)?.format,
      expected: `a shard file (format "${SHARD_FORMAT}")`,
      fix: "pass the files written by `murphy run <scenario> --shard i/n`",
    });
  }
  if (file.seedsPerBlock !== SEEDS_PER_BLOCK) {
    throw new ConfigError({
      field: `${path}: seedsPerBlock`,
      value: file.seedsPerBlock,
      expected: `${SEEDS_PER_BLOCK} (this murphy's block size)`,
      fix: "rerun the shards with this version of murphy",
    });
  }
  return file as ShardFile;
}

/** Merges the files of every shard of one sweep; refuses mixed sweeps and missing shards. */
export function mergeShardFiles(files: readonly { path: string; file: ShardFile }[]): MergedSweep {
  if (files.length === 0) {
    throw new ConfigError({
      field: "files",
      value: [],
      expected: "at least one shard file",
      fix: "pass e.g. murphy-shard-*-of-3.json",
    });
  }
  const first = files[0]!.file;
  const key = (f: ShardFile) =>
    `${f.scenario} variants=${f.variants.join(",")} seeds=${f.seeds.count}@${f.seeds.first} shards=${f.shard.count}`;
  const seen = new Map<number, string>();
  for (const { path, file } of files) {
    if (key(file) !== key(first)) {
      throw new ConfigError({
        field: path,
        value: key(file),
        expected: `a shard of the same sweep as ${files[0]!.path} (${key(first)})`,
        fix: "merge only the shards of one `murphy run` command",
      });
    }
    const other = seen.get(file.shard.index);
    if (other !== undefined) {
      throw new ConfigError({
        field: path,
        value: `${file.shard.index}/${file.shard.count}`,
        expected: "a shard not given twice",
        fix: `it is the same shard as ${other}; pass each shard once`,
      });
    }
    seen.set(file.shard.index, path);
  }
  const missing = Array.from({ length: first.shard.count }, (_, i) => i).filter(
    (i) => !seen.has(i),
  );
  if (missing.length > 0) {
    throw new ConfigError({
      field: "files",
      value: [...seen.keys()].sort((a, b) => a - b).map((i) => `${i}/${first.shard.count}`),
      expected: `all ${first.shard.count} shards`,
      fix: `add the files of shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${first.shard.count}`).join(", ")}`,
    });
  }
  const summaries = first.variants.map((variant) =>
    mergeBlocks(
      first.scenario,
      variant,
      files.flatMap(({ file }) => file.blocks.filter((b) => b.variant === variant)),
    ),
  );
  return { scenario: first.scenario, seeds: first.seeds, summaries };
}
