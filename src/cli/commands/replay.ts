// `murphy replay <world> --seed S [--trace FILE] [--report FILE]`: reruns one seed, optionally
// writing its trace as JSON lines and its HTML report, and prints the trace hash, why each property came out as it did, and the outcome.
// `murphy replay --schedule FILE` runs a replay file (written by `murphy shrink` or the test API):
// the same world, variant and seed, under the file's fault schedule. `--log` prints the nodes'
// `ctx.log` lines as they happen.

import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { loadWorld } from "../../sweep/loadWorld.js";
import { readReplayFile } from "../../sweep/ReplayFile.js";
import { resolveVariants, variantOption } from "../sweepOptions.js";
import { runTracedCommand } from "./run.js";

interface ReplayOptions {
  seed?: string;
  trace?: string;
  report?: string;
  schedule?: string;
  variant: string;
  bug?: string;
  json?: boolean;
  log?: boolean;
}

export function registerReplayCommand(program: Command): void {
  program
    .command("replay")
    .description("rerun one seed (or a replay file) and show why it failed")
    .argument("[world]", "a scenario name or a world file (default: the replay file's)")
    .option("--seed <seed>", "the seed to replay (decimal or 0x hex)")
    .option("--schedule <file>", "a replay file from `murphy shrink`: world, seed and faults")
    .option("--trace <file>", "write the trace as JSON lines (FILE.<variant> for several)")
    .option(
      "--report <file>",
      "write the run's HTML report (FILE with the variant before its extension for several)",
    )
    .option("--variant <name>", "a variant of the world, or both/all", "both")
    .option("--bug <name>", "replay the world's planted bug NAME (its variant bug-NAME)")
    .option("--log", "print the nodes' ctx.log lines as they happen")
    .option("--json", "print the outcome as JSON")
    .action(async (name: string | undefined, options: ReplayOptions) => {
      process.exitCode = await replayCommand(name, options);
    });
}

export async function replayCommand(
  name: string | undefined,
  options: ReplayOptions,
): Promise<number> {
  const onLog = options.log
    ? (entry: { node: string; atMs: number; text: string }) =>
        console.log(pc.dim(`${entry.atMs.toFixed(3).padStart(12)} ms ${entry.node}: ${entry.text}`))
    : undefined;
  if (options.schedule !== undefined) {
    if (options.seed !== undefined) {
      throw new ConfigError({
        field: "--seed",
        value: options.seed,
        expected: "no --seed with --schedule (the replay file names its seed)",
        fix: "drop --seed, or drop --schedule to replay the seed's own faults",
      });
    }
    if (options.bug !== undefined) {
      throw new ConfigError({
        field: "--bug",
        value: options.bug,
        expected: "no --bug with --schedule (the replay file names its variant)",
        fix: "drop --bug, or drop --schedule to replay the seed under the bug",
      });
    }
    const replay = readReplayFile(options.schedule);
    const world = await loadWorld(name ?? replay.world);
    const variants = resolveVariants(world, replay.variant);
    console.log(
      pc.dim(
        `replaying ${options.schedule}: ${replay.faults.length} faults, property ${replay.property}`,
      ),
    );
    return runTracedCommand(
      world,
      variants,
      Seed.parse(replay.seed),
      {
        ...options,
        faults: replay.faults,
        onLog,
        command: `murphy replay ${name ?? ""} --schedule ${options.schedule}`.replace("  ", " "),
      },
      "replay",
    );
  }
  // The world and variant are checked first: a misspelt name is the likelier mistake.
  const world = await loadWorld(name);
  const variants = resolveVariants(world, variantOption(world, options, "both")!);
  if (options.seed === undefined) {
    throw new ConfigError({
      field: "--seed",
      value: undefined,
      expected: "a value (or --schedule FILE)",
      fix: "add --seed 0x1 (a seed printed by `murphy run`)",
    });
  }
  return runTracedCommand(
    world,
    variants,
    Seed.parse(options.seed),
    { ...options, onLog },
    "replay",
  );
}
