// The file one shard of a sweep writes (`murphy run X --shard i/n`) and `murphy merge` reads. It
// keeps the per-block summaries rather than one merged summary, so that merging all shards repeats
// exactly the reduction a single run does (see SeedBlocks.ts) and gives a bit-identical result.
//
// A shard file travels between machines, so merge trusts nothing in it. A file proves it is intact
// with a SHA-256 of its content, and complete by its shape: the seeds of its sweep, its shard of
// them, and for every variant exactly the blocks that shard runs, each summarising exactly the
// seeds of its block (every seed's trace hash is there, every count adds up). Anything else is
// refused with a ConfigError naming the file and what is wrong or missing.

import { createHash } from "node:crypto";
import { ConfigError } from "../core/errors.js";
import { Seed } from "../core/Rng.js";
import { mergeBlocks, SEEDS_PER_BLOCK, type Shard } from "./SeedBlocks.js";
import { MAX_RECORDED_SEEDS, type VariantSummary } from "../scenarios/VariantSummary.js";

export const SHARD_FORMAT = "murphy-shard/2";

export interface ShardFile {
  format: typeof SHARD_FORMAT;
  scenario: string;
  variants: string[];
  /** The whole sweep's seeds (not only this shard's): `count` seeds from `first`. */
  seeds: { first: string; count: number };
  seedsPerBlock: number;
  shard: Shard;
  blocks: { variant: string; index: number; summary: VariantSummary }[];
  /** SHA-256 (hex) of the JSON of every other field, in this order: proof the file is intact. */
  sha256: string;
}

export interface MergedSweep {
  scenario: string;
  seeds: { first: string; count: number };
  summaries: VariantSummary[];
}

export function shardFileName(shard: Shard): string {
  return `murphy-shard-${shard.index}-of-${shard.count}.json`;
}

/** Adds the content hash to a shard file's fields (the last field, over all the others). */
export function sealShardFile(content: Omit<ShardFile, "sha256">): ShardFile {
  return { ...content, sha256: contentHash(content) };
}

function contentHash(content: object): string {
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

/** `count (first … last)`, or the one seed: as the header of a sweep names its seeds. */
export function describeSeedRange(seeds: { first: string; count: number }): string {
  if (seeds.count === 1) return seeds.first;
  const last = Seed.parse(BigInt(seeds.first) + BigInt(seeds.count - 1)).toString();
  return `${seeds.count} (${seeds.first} … ${last})`;
}

const FIELDS = [
  "format",
  "scenario",
  "variants",
  "seeds",
  "seedsPerBlock",
  "shard",
  "blocks",
  "sha256",
];
const SUMMARY_FIELDS = [
  "scenario",
  "variant",
  "seeds",
  "events",
  "properties",
  "figures",
  "seedHashes",
];
const SEED_TEXT = /^0x[0-9a-f]{16}$/;

/** Builds the error for one file: `field` is a path inside it, e.g. `blocks[3].summary.seeds`. */
type Refuse = (field: string, value: unknown, expected: string, fix?: string) => ConfigError;

/** Checks one parsed file's shape, completeness and hash; `path` names it in errors. */
export function parseShardFile(path: string, data: unknown): ShardFile {
  const refuse: Refuse = (field, value, expected, fix) =>
    new ConfigError({
      field: field === "" ? path : `${path}: ${field}`,
      value,
      expected,
      fix: fix ?? "pass the files written by `murphy run <scenario> --shard i/n`, unchanged",
    });
  const file = record(data, "", refuse, `a shard file (format "${SHARD_FORMAT}")`);
  if (file.format !== SHARD_FORMAT) {
    throw refuse(
      "format",
      file.format,
      `"${SHARD_FORMAT}"`,
      typeof file.format === "string" && file.format.startsWith("murphy-shard/")
        ? "rerun the shards with this version of murphy"
        : undefined,
    );
  }
  knownFields(file, "", FIELDS, refuse);
  const header = readHeader(file, refuse);
  const blocks = readBlocks(file.blocks, header, refuse);
  if (typeof file.sha256 !== "string") {
    throw refuse("sha256", file.sha256, "the file's content hash (64 hex digits)");
  }
  const { sha256, ...content } = file;
  if (contentHash(content) !== sha256) {
    throw refuse(
      "sha256",
      sha256,
      "the hash of the file's content: the file was changed or damaged after it was written",
      "rerun that shard (or restore its file from where it was written)",
    );
  }
  return { ...header, format: SHARD_FORMAT, blocks, sha256 };
}

type Header = Omit<ShardFile, "format" | "blocks" | "sha256">;

/** The sweep and the shard the file says it holds. */
function readHeader(file: Record<string, unknown>, refuse: Refuse): Header {
  const scenario = nonEmptyString(file.scenario, "scenario", refuse);
  if (!Array.isArray(file.variants) || file.variants.length === 0) {
    throw refuse("variants", file.variants, "a non-empty list of variant names");
  }
  const variants = file.variants.map((v, i) => nonEmptyString(v, `variants[${i}]`, refuse));
  if (new Set(variants).size !== variants.length) {
    throw refuse("variants", variants, "distinct variant names");
  }
  const seedsRecord = record(file.seeds, "seeds", refuse, "{ first, count }");
  knownFields(seedsRecord, "seeds", ["first", "count"], refuse);
  const first = seedsRecord.first;
  if (typeof first !== "string" || !SEED_TEXT.test(first)) {
    throw refuse("seeds.first", first, "a seed as 0x and 16 hex digits");
  }
  const count = wholeNumber(seedsRecord.count, "seeds.count", 1, refuse);
  if (BigInt(first) + BigInt(count) > 1n << 64n) {
    throw refuse(
      "seeds.count",
      count,
      `at most ${(1n << 64n) - BigInt(first)} seeds from ${first}`,
    );
  }
  if (file.seedsPerBlock !== SEEDS_PER_BLOCK) {
    throw refuse(
      "seedsPerBlock",
      file.seedsPerBlock,
      `${SEEDS_PER_BLOCK} (this murphy's block size)`,
      "rerun the shards with this version of murphy",
    );
  }
  const shardRecord = record(file.shard, "shard", refuse, "{ index, count }");
  knownFields(shardRecord, "shard", ["index", "count"], refuse);
  const shardCount = wholeNumber(shardRecord.count, "shard.count", 1, refuse);
  const index = wholeNumber(shardRecord.index, "shard.index", 0, refuse);
  if (index >= shardCount) {
    throw refuse("shard.index", index, `below shard.count (${shardCount})`);
  }
  return {
    scenario,
    variants,
    seeds: { first, count },
    seedsPerBlock: SEEDS_PER_BLOCK,
    shard: { index, count: shardCount },
  };
}

/** The blocks, which must be exactly those the shard runs, for every variant, each checked. */
function readBlocks(raw: unknown, header: Header, refuse: Refuse): ShardFile["blocks"] {
  const { from, to } = shardBlockRange(header.seeds.count, header.shard);
  const expected = (to - from) * header.variants.length;
  if (!Array.isArray(raw)) throw refuse("blocks", raw, "a list of block summaries");
  const have = new Map<string, Set<number>>(header.variants.map((v) => [v, new Set<number>()]));
  const blocks = raw.map((item, i) => {
    const field = `blocks[${i}]`;
    const block = record(item, field, refuse, "{ variant, index, summary }");
    knownFields(block, field, ["variant", "index", "summary"], refuse);
    const variant = block.variant;
    const seen = typeof variant === "string" ? have.get(variant) : undefined;
    if (seen === undefined) {
      throw refuse(
        `${field}.variant`,
        variant,
        `one of the file's variants (${header.variants.join(", ")})`,
      );
    }
    const index = wholeNumber(block.index, `${field}.index`, 0, refuse);
    if (index < from || index >= to) {
      throw refuse(
        `${field}.index`,
        index,
        `a block of shard ${header.shard.index}/${header.shard.count}, in [${from}, ${to})`,
      );
    }
    if (seen.has(index)) throw refuse(`${field}.index`, index, `block ${index} of ${variant} once`);
    seen.add(index);
    const summary = readSummary(
      block.summary,
      `${field}.summary`,
      header,
      variant as string,
      index,
      refuse,
    );
    return { variant: variant as string, index, summary };
  });
  if (blocks.length !== expected) {
    const [variant, seen] = [...have].find(([, s]) => s.size < to - from)!;
    let missing = from;
    while (seen.has(missing)) missing++;
    throw refuse(
      "blocks",
      `${blocks.length} blocks`,
      `all ${expected} blocks of shard ${header.shard.index}/${header.shard.count} ` +
        `(${to - from} per variant); block ${missing} of ${variant} is missing`,
      "the shard did not finish, or its file was cut short: rerun that shard",
    );
  }
  return blocks;
}

/** The blocks shard `i/n` of `count` seeds runs: [from, to), as SeedBlocks.shardBlocks cuts them. */
function shardBlockRange(count: number, shard: Shard): { from: number; to: number } {
  const blocks = Math.ceil(count / SEEDS_PER_BLOCK);
  return {
    from: Math.floor((shard.index * blocks) / shard.count),
    to: Math.floor(((shard.index + 1) * blocks) / shard.count),
  };
}

/** One block's summary: of this scenario, variant and block, every count consistent. */
function readSummary(
  raw: unknown,
  field: string,
  header: Header,
  variant: string,
  index: number,
  refuse: Refuse,
): VariantSummary {
  const summary = record(raw, field, refuse, "a variant summary");
  knownFields(summary, field, SUMMARY_FIELDS, refuse);
  if (summary.scenario !== header.scenario) {
    throw refuse(`${field}.scenario`, summary.scenario, JSON.stringify(header.scenario));
  }
  if (summary.variant !== variant) {
    throw refuse(`${field}.variant`, summary.variant, JSON.stringify(variant));
  }
  const blockSeeds = seedsOfBlock(header.seeds, index);
  const seeds = wholeNumber(summary.seeds, `${field}.seeds`, 0, refuse);
  if (seeds !== blockSeeds.length) {
    throw refuse(`${field}.seeds`, seeds, `${blockSeeds.length}, the seeds of block ${index}`);
  }
  const events = wholeNumber(summary.events, `${field}.events`, 0, refuse);
  const hashes = record(summary.seedHashes, `${field}.seedHashes`, refuse, "trace hashes by seed");
  const keys = Object.keys(hashes);
  if (keys.length !== blockSeeds.length || keys.some((k, i) => k !== blockSeeds[i])) {
    const missing = blockSeeds.find((s) => !Object.hasOwn(hashes, s));
    throw refuse(
      `${field}.seedHashes`,
      `${keys.length} seeds`,
      `the trace hash of each seed of block ${index}, in order` +
        (missing === undefined ? "" : `; seed ${missing} is missing`),
    );
  }
  for (const key of keys) nonEmptyString(hashes[key], `${field}.seedHashes.${key}`, refuse);
  const properties = readProperties(summary.properties, `${field}.properties`, blockSeeds, refuse);
  const figures = readFigures(summary.figures, `${field}.figures`, seeds, refuse);
  return {
    scenario: header.scenario,
    variant,
    seeds,
    events,
    properties,
    figures,
    seedHashes: hashes as Record<string, string>,
  };
}

function seedsOfBlock(seeds: { first: string; count: number }, index: number): string[] {
  const start = index * SEEDS_PER_BLOCK;
  const end = Math.min(seeds.count, start + SEEDS_PER_BLOCK);
  const first = BigInt(seeds.first);
  const out: string[] = [];
  for (let i = start; i < end; i++) out.push(Seed.parse(first + BigInt(i)).toString());
  return out;
}

function readProperties(
  raw: unknown,
  field: string,
  blockSeeds: readonly string[],
  refuse: Refuse,
): VariantSummary["properties"] {
  const properties = record(raw, field, refuse, "verdict counts by property");
  const out: VariantSummary["properties"] = {};
  for (const [name, value] of Object.entries(properties)) {
    const f = `${field}.${name}`;
    const p = record(value, f, refuse, "{ held, violated, unknown, violatingSeeds }");
    knownFields(p, f, ["held", "violated", "unknown", "violatingSeeds"], refuse);
    const held = wholeNumber(p.held, `${f}.held`, 0, refuse);
    const violated = wholeNumber(p.violated, `${f}.violated`, 0, refuse);
    const unknown = wholeNumber(p.unknown, `${f}.unknown`, 0, refuse);
    if (held + violated + unknown > blockSeeds.length) {
      throw refuse(
        f,
        held + violated + unknown,
        `at most ${blockSeeds.length} verdicts, one per seed`,
      );
    }
    const seeds = p.violatingSeeds;
    const recorded = Math.min(violated, MAX_RECORDED_SEEDS);
    if (
      !Array.isArray(seeds) ||
      seeds.length !== recorded ||
      seeds.some((s, i) => !blockSeeds.includes(s as string) || (i > 0 && seeds[i - 1]! >= s))
    ) {
      throw refuse(
        `${f}.violatingSeeds`,
        seeds,
        `the first ${recorded} violating seeds of the block, in order`,
      );
    }
    Object.defineProperty(out, name, {
      value: { held, violated, unknown, violatingSeeds: seeds as string[] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function readFigures(
  raw: unknown,
  field: string,
  seeds: number,
  refuse: Refuse,
): VariantSummary["figures"] {
  const figures = record(raw, field, refuse, "figure aggregates by name");
  const out: VariantSummary["figures"] = {};
  for (const [name, value] of Object.entries(figures)) {
    const f = `${field}.${name}`;
    const g = record(value, f, refuse, "{ count, sum, min, max }");
    knownFields(g, f, ["count", "sum", "min", "max"], refuse);
    const count = wholeNumber(g.count, `${f}.count`, 1, refuse);
    if (count > seeds) throw refuse(`${f}.count`, count, `at most ${seeds}, one per seed`);
    const [sum, min, max] = (["sum", "min", "max"] as const).map((k) => {
      const n = g[k];
      if (typeof n !== "number" || !Number.isFinite(n)) {
        throw refuse(`${f}.${k}`, n, "a finite number");
      }
      return n;
    }) as [number, number, number];
    if (min > max) throw refuse(`${f}.min`, min, `at most max (${max})`);
    Object.defineProperty(out, name, {
      value: { count, sum, min, max },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function record(
  value: unknown,
  field: string,
  refuse: Refuse,
  expected: string,
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw refuse(field, value, expected);
  }
  return value as Record<string, unknown>;
}

function knownFields(
  value: Record<string, unknown>,
  field: string,
  known: readonly string[],
  refuse: Refuse,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw refuse(
        field === "" ? key : `${field}.${key}`,
        value[key],
        `one of the fields ${known.join(", ")}`,
      );
    }
  }
}

function nonEmptyString(value: unknown, field: string, refuse: Refuse): string {
  if (typeof value !== "string" || value === "" || value.length > 200) {
    throw refuse(field, value, "a non-empty name (at most 200 characters)");
  }
  return value;
}

function wholeNumber(value: unknown, field: string, min: number, refuse: Refuse): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw refuse(field, value, `a whole number >= ${min}`);
  }
  return value;
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
  const missing = missingShards(seen, first.shard.count);
  if (missing.length > 0) {
    const n = first.shard.count;
    const more = n - seen.size > missing.length ? `, … (${n - seen.size} in all)` : "";
    throw new ConfigError({
      field: "files",
      value: [...seen.keys()].sort((a, b) => a - b).map((i) => `${i}/${n}`),
      expected: `all ${n} shards`,
      fix: `add the files of shard${n - seen.size > 1 ? "s" : ""} ${missing.map((i) => `${i}/${n}`).join(", ")}${more}`,
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

/** The first few shards not given (without listing all of an absurd shard count). */
function missingShards(seen: ReadonlyMap<number, string>, count: number): number[] {
  const missing: number[] = [];
  for (let i = 0; i < count && missing.length < 10; i++) if (!seen.has(i)) missing.push(i);
  return missing;
}
