// Fuzzes `murphy merge`: the files of a sweep's shards, changed field by field as a damaged disk, a
// hand edit or a buggy writer might change them. A changed file is refused (its hash no longer
// matches); a file whose content hash was recomputed after the change must still prove itself
// complete, and whatever merge accepts is exactly the sweep's summary: every seed counted once.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { mergeCommand } from "../../src/cli/commands/merge.js";
import { MurphyError } from "../../src/core/errors.js";
import { Seed } from "../../src/core/Rng.js";
import { SEEDS_PER_BLOCK } from "../../src/sweep/SeedBlocks.js";
import {
  mergeShardFiles,
  parseShardFile,
  sealShardFile,
  SHARD_FORMAT,
  type ShardFile,
} from "../../src/sweep/ShardFile.js";
import type { VariantSummary } from "../../src/scenarios/VariantSummary.js";
import { emptySummary } from "../../src/sweep/SweepSummary.js";
import { fuzzRuns, tally, typedOutcome, typedOutcomeAsync } from "./fuzzRuns.js";

const RUNS = fuzzRuns(200);
const COUNT = 40;
const SHARDS = 2;
const VARIANTS = ["unsafe", "safe"];

function blockSummary(variant: string, index: number): VariantSummary {
  const summary = emptySummary("request-response", variant);
  const start = index * SEEDS_PER_BLOCK;
  const end = Math.min(COUNT, start + SEEDS_PER_BLOCK);
  summary.seeds = end - start;
  summary.events = 7 * summary.seeds;
  for (let i = start; i < end; i++) summary.seedHashes[Seed.parse(i).toString()] = `h${i}`;
  const violated = variant === "unsafe" ? 1 : 0;
  summary.properties["no-duplicate-effect"] = {
    held: summary.seeds - violated,
    violated,
    unknown: 0,
    violatingSeeds: violated ? [Seed.parse(start).toString()] : [],
  };
  summary.figures["duplicates"] = { count: summary.seeds, sum: violated, min: 0, max: violated };
  return summary;
}

/** Shard `index` of the sweep, as the JSON data its file holds. */
function shard(index: number): Record<string, unknown> {
  const blocks = Math.ceil(COUNT / SEEDS_PER_BLOCK);
  const from = Math.floor((index * blocks) / SHARDS);
  const to = Math.floor(((index + 1) * blocks) / SHARDS);
  const file = sealShardFile({
    format: SHARD_FORMAT,
    scenario: "request-response",
    variants: VARIANTS,
    seeds: { first: "0x0000000000000000", count: COUNT },
    seedsPerBlock: SEEDS_PER_BLOCK,
    shard: { index, count: SHARDS },
    blocks: VARIANTS.flatMap((variant) =>
      Array.from({ length: to - from }, (_, k) => ({
        variant,
        index: from + k,
        summary: blockSummary(variant, from + k),
      })),
    ),
  });
  return JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
}

const files = Array.from({ length: SHARDS }, (_, i) => shard(i));
const reference = mergeShardFiles(
  files.map((f, i) => ({ path: `${i}`, file: parseShardFile(`${i}`, f) })),
);

/** Every path to a value inside `data`. */
function paths(data: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (data === null || typeof data !== "object") return [prefix];
  const keys: (string | number)[] = Array.isArray(data) ? data.map((_, i) => i) : Object.keys(data);
  return [
    prefix,
    ...keys.flatMap((k) => paths((data as Record<string, unknown>)[k], [...prefix, k])),
  ];
}

const HOSTILE: unknown[] = [
  null,
  -1,
  0,
  1.5,
  1e300,
  2 ** 53,
  "",
  "0x1",
  "0xffffffffffffffff",
  "reckless",
  "\u001b[31m",
  [],
  {},
  { extra: 1 },
  true,
];

type JsonEdit = { path: number; op: "set" | "delete" | "add"; value: unknown; key: string };
const jsonEdit: fc.Arbitrary<JsonEdit> = fc.record({
  path: fc.nat(),
  op: fc.constantFrom("set" as const, "delete" as const, "add" as const),
  value: fc.oneof(fc.constantFrom(...HOSTILE), fc.integer(), fc.string({ maxLength: 5 })),
  key: fc.constantFrom("extra", "seeds", "count", "__proto__", "held"),
});

/** A deep copy of `data` with the edits applied (paths counted in the copy as it changes). */
function edited(data: unknown, edits: readonly JsonEdit[]): Record<string, unknown> {
  const out = structuredClone(data) as Record<string, unknown>;
  for (const edit of edits) {
    const all = paths(out).filter((p) => p.length > 0);
    const path = all[edit.path % all.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as never)[k], out) as Record<
      string | number,
      unknown
    >;
    const last = path[path.length - 1]!;
    if (edit.op === "set") parent[last] = structuredClone(edit.value);
    else if (edit.op === "delete") {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (!Array.isArray(parent)) {
      Object.defineProperty(parent, edit.key, {
        value: edit.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

function merged(list: readonly Record<string, unknown>[]) {
  return typedOutcome("merge", () =>
    mergeShardFiles(list.map((f, i) => ({ path: `f${i}`, file: parseShardFile(`f${i}`, f) }))),
  );
}

const dir = mkdtempSync(join(tmpdir(), "murphy-fuzz-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fuzz: murphy merge", () => {
  it("shows that a changed file is refused, or (a change that changed nothing) merges to the sweep", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: SHARDS - 1 }),
        fc.array(jsonEdit, { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const list = files.map((f, i) => (i === which ? edited(f, edits) : f));
          const result = merged(list);
          if (result instanceof MurphyError) return;
          tally("merge", "merged");
          expect(result).toEqual(reference);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("shows that a file changed and sealed again still merges only if it is complete and consistent", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: SHARDS - 1 }),
        fc.array(jsonEdit, { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const list = files.map((f, i) => {
            if (i !== which) return f;
            const { sha256: _, ...content } = edited(f, edits);
            return JSON.parse(
              JSON.stringify(sealShardFile(content as Omit<ShardFile, "sha256">)),
            ) as Record<string, unknown>;
          });
          const result = merged(list);
          if (result instanceof MurphyError) return;
          tally("merge", "merged after resealing");
          // Whatever was accepted covers every seed of the sweep exactly once, with sane counts.
          for (const summary of result.summaries) {
            expect(summary.seeds).toBe(COUNT);
            expect(Object.keys(summary.seedHashes)).toEqual(
              Array.from({ length: COUNT }, (_, i) => Seed.parse(i).toString()),
            );
            for (const p of Object.values(summary.properties)) {
              expect(p.held + p.violated + p.unknown).toBeLessThanOrEqual(COUNT);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("shows that `murphy merge` on changed files exits with a result or one typed error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jsonEdit, { maxLength: 2 }),
        fc.boolean(),
        async (edits, asText) => {
          const paths = files.map((f, i) => {
            const path = join(dir, `shard-${i}.json`);
            const data = i === 0 ? edited(f, edits) : f;
            writeFileSync(
              path,
              asText && i === 0 ? JSON.stringify(data).slice(0, 50) : JSON.stringify(data),
            );
            return path;
          });
          const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
          try {
            const code = await typedOutcomeAsync("merge command", () =>
              mergeCommand(paths, { json: true }),
            );
            if (!(code instanceof MurphyError)) tally("merge command", `exit ${code}`);
          } finally {
            log.mockRestore();
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
