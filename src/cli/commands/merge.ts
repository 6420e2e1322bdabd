// `murphy merge FILES…`: combines the shard files of one sweep (`murphy run X --shard i/n`) into the
// summary, the output and the exit code that the unsharded run gives.

import type { Command } from "commander";
import { ConfigError } from "../../core/errors.js";
import { loadWorld } from "../../sweep/loadWorld.js";
import { describeSeedRange, mergeShardFiles, parseShardFile } from "../../sweep/ShardFile.js";
import { sweepExitCode } from "../formatSweep.js";
import { printSweepHeader, printSweepSummaries, sweepJson } from "../printSweep.js";
import { readInputFile } from "../readInputFile.js";

/** A shard file is a few KB per block; anything far larger is not one. */
const MAX_SHARD_FILE_BYTES = 64 * 1024 * 1024;

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
  for (const summary of merged.summaries) {
    if (!scenario.variants.some((v) => v.name === summary.variant)) {
      throw new ConfigError({
        field: files[0]!.path,
        value: summary.variant,
        expected: `a variant of ${scenario.name} (${scenario.variants.map((v) => v.name).join(", ")})`,
        fix: "merge the shard files of one sweep of this world",
      });
    }
    // Shard files name a world file by its path; summaries name every world by its name.
    summary.scenario = scenario.name;
  }
  if (options.json) {
    console.log(sweepJson(scenario, merged.summaries));
  } else {
    const seeds = describeSeedRange(merged.seeds);
    printSweepHeader(scenario, `${seeds}, merged from ${files.length} shards`);
    printSweepSummaries(scenario, merged.summaries);
  }
  return sweepExitCode(scenario, merged.summaries);
}

function readJson(path: string): unknown {
  const text = readInputFile(path, "shard file", MAX_SHARD_FILE_BYTES);
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
