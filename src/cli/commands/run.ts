// `murphy run <scenario>`: one seed or a sweep, one variant or both; text or JSON; on all cores
// with a progress bar; optionally one shard of the sweep written to a file for `murphy merge`;
// optional trace file (one seed) and determinism check.

import { join } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError } from "../../core/errors.js";
import type { Seed } from "../../core/Rng.js";
import { openSweepPool } from "../../sweep/parallelSweep.js";
import { loadWorld, worldRef } from "../../sweep/loadWorld.js";
import { replayCommand } from "../../sweep/runSweep.js";
import type { Scenario } from "../../scenarios/Scenario.js";
import {
  mergeBlocks,
  parseShard,
  seedBlocks,
  seedCount,
  shardBlocks,
  type BlockSummary,
  type BlockList,
  type SeedSpan,
  type Shard,
} from "../../sweep/SeedBlocks.js";
import type { VariantSummary } from "../../scenarios/VariantSummary.js";
import { sweepExitCode } from "../formatSweep.js";
import { printSweepHeader, printSweepSummaries, sweepJson } from "../printSweep.js";
import { reportViolatingSeeds } from "../reportViolatingSeeds.js";
import { reportFileFor, runTraced, traceFileFor, type RunOneOptions } from "../runTraced.js";
import { checkOutputFile, prepareOutputDir, writeOutputFile } from "../outputPaths.js";
import { writeShardFile } from "../shardOutput.js";
import {
  describeSeeds,
  resolveSeeds,
  resolveVariants,
  resolveWorkers,
  variantOption,
} from "../sweepOptions.js";
import { SweepProgress } from "../SweepProgress.js";

export interface RunOptions {
  variant: string;
  bug?: string;
  seed?: string;
  seeds?: string;
  json?: boolean;
  trace?: string;
  report?: string;
  out?: string;
  workers?: string;
  shard?: string;
  checkDeterminism?: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run a scenario or a world file over one seed or a sweep of seeds")
    .argument("[world]", "a scenario name (see `murphy list`) or a world file (./my-world.ts)")
    .option("--variant <name>", "a variant of the world, or both/all", "both")
    .option("--bug <name>", "run the world's planted bug NAME (its variant bug-NAME)")
    .option("--seed <seed>", "run exactly this seed (decimal or 0x hex)")
    .option("--seeds <n>", "run seeds 0 … n-1 (default: the world's default count)")
    .option("--workers <n>", "worker threads (default: the cores of this machine)")
    .option("--shard <i/n>", "run only shard i of n (from 0) and write it for `murphy merge`")
    .option("--json", "print the summary as JSON")
    .option("--trace <file>", "with --seed: write the run's trace as JSON lines")
    .option(
      "--report <path>",
      "with --seed: write the run's HTML report to this file; with a sweep: write the reports of the first violating seeds into this directory",
    )
    .option("--out <dir>", "write the summary (or the shard file) as JSON into this directory")
    .option("--check-determinism", "run every seed twice and compare trace hashes")
    .action(async (name: string | undefined, options: RunOptions) => {
      process.exitCode = await runCommand(name, options);
    });
}

export async function runCommand(name: string | undefined, options: RunOptions): Promise<number> {
  const scenario = await loadWorld(name);
  const variants = resolveVariants(scenario, variantOption(scenario, options, "both")!);
  const seeds = resolveSeeds(scenario, options);
  const workers = resolveWorkers(options.workers);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  // Outputs are checked before the work: a bad --out fails now, not after the sweep.
  if (options.out !== undefined) prepareOutputDir("--out", options.out);
  if (options.trace !== undefined) {
    if (options.seed === undefined) {
      throw new ConfigError({
        field: "--trace",
        value: options.trace,
        expected: "used with --seed",
        fix: "add --seed S (a trace is of one run)",
      });
    }
    return runTracedCommand(scenario, variants, seeds.first, options);
  }
  if (options.seed !== undefined && shard === undefined && !options.checkDeterminism) {
    // One seed: run here and show why each property came out as it did.
    return runTracedCommand(scenario, variants, seeds.first, options);
  }
  if (shard !== undefined && options.seed !== undefined) {
    throw new ConfigError({
      field: "--shard",
      value: options.shard,
      expected: "used with a sweep (--seeds N), not with --seed",
      fix: "drop --shard, or pass --seeds N instead of --seed",
    });
  }
  if (!options.json) printSweepHeader(scenario, describeSeeds(seeds));
  const blocks = shard === undefined ? seedBlocks(seeds) : shardBlocks(seedBlocks(seeds), shard);
  const result = await sweep(scenario, variants, blocks, workers, options);
  if (shard !== undefined) return finishShard({ ...result, seeds }, shard, options);
  const code = finishRun(result, options, seeds.count);
  if (options.report !== undefined) {
    await reportViolatingSeeds(scenario, result.summaries, options.report, {
      quiet: options.json === true,
    });
  }
  return code;
}

interface SweepResult {
  scenario: Scenario;
  variants: readonly string[];
  blockSummaries: { variant: string; index: number; summary: VariantSummary }[];
  summaries: VariantSummary[];
  mismatches: string[];
  workers: number;
  progress: SweepProgress;
}

async function sweep(
  scenario: Scenario,
  variants: readonly string[],
  blocks: BlockList,
  workers: number,
  options: RunOptions,
): Promise<SweepResult> {
  const seeds = seedCount(blocks);
  const runs = options.checkDeterminism ? 2 : 1;
  // No more threads than blocks to run: one seed or a short sweep stays in this thread.
  const pool = openSweepPool({
    workers: Math.max(1, Math.min(workers, blocks.length * variants.length)),
  });
  const progress = new SweepProgress(seeds * variants.length * runs, {
    enabled: SweepProgress.wanted(options.json),
    label: scenario.name,
  });
  try {
    const once = () =>
      Promise.all(variants.map((v) => pool.run(scenario, v, blocks, progress.seed)));
    const merge = (perVariant: BlockSummary[][]) =>
      perVariant.map((b, i) => mergeBlocks(scenario.name, variants[i]!, b));
    const perVariant = await once();
    const summaries = merge(perVariant);
    const mismatches = options.checkDeterminism
      ? compareHashes(scenario, summaries, merge(await once()))
      : [];
    const blockSummaries = perVariant.flatMap((b, i) =>
      b.map(({ index, summary }) => ({ variant: variants[i]!, index, summary })),
    );
    return {
      scenario,
      variants,
      summaries,
      blockSummaries,
      mismatches,
      workers: pool.workers,
      progress,
    };
  } finally {
    progress.stop();
    await pool.close();
  }
}

function finishRun(result: SweepResult, options: RunOptions, seedCount: number): number {
  const { scenario, summaries, mismatches } = result;
  if (options.out !== undefined) {
    const path = join(options.out, `${scenario.name}.json`);
    writeOutputFile("--out", path, sweepJson(scenario, summaries));
  }
  if (options.json) {
    const determinismMismatches = options.checkDeterminism ? mismatches : undefined;
    console.log(sweepJson(scenario, summaries, { determinismMismatches }));
  } else {
    printSweepSummaries(scenario, summaries);
    if (options.checkDeterminism) {
      console.log(
        mismatches.length === 0
          ? pc.green(
              `determinism: ${seedCount} seeds x ${summaries.length} variants ran twice with identical trace hashes`,
            )
          : pc.red(
              `determinism: ${mismatches.length} seeds differed:\n  ${mismatches.join("\n  ")}`,
            ),
      );
    }
    console.log(pc.dim(result.progress.summaryLine(result.workers)));
  }
  if (mismatches.length > 0) return 1;
  return sweepExitCode(scenario, summaries);
}

function finishShard(
  result: SweepResult & { seeds: SeedSpan },
  shard: Shard,
  options: RunOptions,
): number {
  const { scenario, summaries } = result;
  const path = writeShardFile({ ...result, shard, dir: options.out });
  if (options.json) {
    console.log(sweepJson(scenario, summaries, { shard, file: path }));
  } else {
    printSweepSummaries(scenario, summaries);
    console.log(pc.dim(result.progress.summaryLine(result.workers)));
    console.log(
      `shard ${shard.index}/${shard.count} written to ${path}; combine with murphy merge`,
    );
  }
  // A shard's job is its file; the verdict (and its exit code) comes from `murphy merge`.
  return 0;
}

function compareHashes(
  scenario: Scenario,
  first: readonly VariantSummary[],
  again: readonly VariantSummary[],
): string[] {
  const mismatches: string[] = [];
  first.forEach((summary, i) => {
    for (const [seed, hash] of Object.entries(summary.seedHashes)) {
      const other = again[i]!.seedHashes[seed];
      if (other !== hash) {
        mismatches.push(
          `${replayCommand(worldRef(scenario), summary.variant, seed)} (${hash} vs ${other})`,
        );
      }
    }
  });
  return mismatches;
}

export async function runTracedCommand(
  scenario: Scenario,
  variants: string[],
  seed: Seed,
  options: { json?: boolean; trace?: string | undefined } & Omit<
    RunOneOptions,
    "file" | "report"
  > & {
      report?: string | undefined;
    },
  command: "run" | "replay" = "run",
): Promise<number> {
  if (!options.json) printSweepHeader(scenario, seed.toString(), command);
  const summaries: VariantSummary[] = [];
  const details: Record<string, Record<string, string[]>> = {};
  // Every output is checked before the first run: a bad path fails before any work.
  for (const variant of variants) {
    if (options.trace !== undefined)
      checkOutputFile("--trace", traceFileFor(options.trace, variant, variants.length));
    if (options.report !== undefined)
      checkOutputFile("--report", reportFileFor(options.report, variant, variants.length));
  }
  for (const variant of variants) {
    const file =
      options.trace === undefined
        ? undefined
        : traceFileFor(options.trace, variant, variants.length);
    const report =
      options.report === undefined
        ? undefined
        : reportFileFor(options.report, variant, variants.length);
    const { summary, traceHash, outcome } = await runTraced(scenario, variant, seed, {
      file,
      report,
      command: options.command,
      faults: options.faults,
      onLog: options.onLog,
    });
    if (!options.json && report !== undefined) {
      console.log(pc.dim(`report written to ${report}; open it in a browser`));
    }
    if (!options.json && file !== undefined) {
      console.log(
        pc.dim(`trace written to ${file} (hash ${traceHash}); see it: murphy show ${file}`),
      );
    }
    if (!options.json) printDetails(variant, outcome.details);
    details[variant] = outcome.details ?? {};
    summaries.push(summary);
  }
  if (options.json) console.log(sweepJson(scenario, summaries, { details }));
  else printSweepSummaries(scenario, summaries);
  return sweepExitCode(scenario, summaries);
}

/** What the checks said about the properties that did not hold: counterexamples, not counts. */
function printDetails(variant: string, details: Record<string, string[]> | undefined): void {
  for (const [property, lines] of Object.entries(details ?? {})) {
    console.log(pc.bold(`${variant}: ${property}`));
    for (const line of lines) console.log(`  ${line}`);
  }
}
