// `murphy merge FILES…`: combines the shard files of one sweep (`murphy run X --shard i/n`) into the
// summary, the output and the exit code that the unsharded run gives.

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { loadWorld } from "../../sweep/loadWorld.js";
import { seedSpan } from "../../sweep/runSweep.js";
import { mergeShardFiles, parseShardFile } from "../../sweep/ShardFile.js";
import { sweepExitCode } from "../formatSweep.js";
import { printSweepHeader, printSweepSummaries, sweepJson } from "../printSweep.js";
import { describeSeeds } from "../sweepOptions.js";

export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description("combine the shard files of a sweep into one result")
    .argument("<files...>", "the files written by `murphy run <scenario> --shard i/n`")
    .option("--json", "print the summary as JSON")
    .action(async (files: string[], options: { json?: boolean }) => {
      process.exitCode = await mergeCommand(files, options);
    });
}

export async function mergeCommand(
  paths: readonly string[],
  options: { json?: boolean },
): Promise<number> {
  const files = paths.map((path) => ({ path, file: parseShardFile(path, readJson(path)) }));
  const merged = mergeShardFiles(files);
  const scenario = await loadWorld(merged.scenario);
  // Shard files name a world file by its path; summaries name every world by its name.
  for (const summary of merged.summaries) summary.scenario = scenario.name;
  if (options.json) {
    console.log(sweepJson(scenario, merged.summaries));
  } else {
    const seeds = seedSpan(merged.seeds.count, Seed.parse(merged.seeds.first).toBigInt());
    printSweepHeader(scenario, `${describeSeeds(seeds)}, merged from ${files.length} shards`);
    printSweepSummaries(scenario, merged.summaries);
  }
  return sweepExitCode(scenario, merged.summaries);
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError({
      field: "file",
      value: path,
      expected: "a readable shard file",
      fix: `check the path (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError({
      field: path,
      value: text.slice(0, 40),
      expected: "JSON",
      fix: "pass the files written by `murphy run <scenario> --shard i/n`",
    });
  }
}
