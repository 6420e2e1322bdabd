// `murphy run <scenario>`: one seed or a sweep, one variant or both; text or JSON; optional
// trace file and determinism check.

import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError } from "../../core/errors.js";
import { Seed } from "../../core/Rng.js";
import { requireInteger } from "../../core/validate.js";
import { findScenario } from "../../scenarios/registry.js";
import { replayCommand, requireVariant, runSweep, seedRange } from "../../scenarios/runSweep.js";
import type { SeedOutcome } from "../../scenarios/Scenario.js";
import { addOutcome, emptySummary, type VariantSummary } from "../../scenarios/SweepSummary.js";
import { formatSweep, sweepExitCode } from "../formatSweep.js";

interface RunOptions {
  variant: string;
  seed?: string;
  seeds?: string;
  json?: boolean;
  trace?: string;
  out?: string;
  checkDeterminism?: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run a scenario over one seed or a sweep of seeds")
    .argument("<scenario>", "scenario name (see `murphy list`)")
    .option("--variant <name>", "unsafe, safe or both", "both")
    .option("--seed <seed>", "run exactly this seed (decimal or 0x hex)")
    .option("--seeds <n>", "run seeds 0 … n-1 (default: the scenario's tour count)")
    .option("--json", "print the summary as JSON")
    .option("--trace <file>", "with --seed: write the run's trace as JSON lines")
    .option("--out <dir>", "write the summary as JSON into this directory")
    .option("--check-determinism", "run every seed twice and compare trace hashes")
    .action(async (name: string, options: RunOptions) => {
      process.exitCode = await runCommand(name, options);
    });
}

async function runCommand(name: string, options: RunOptions): Promise<number> {
  const scenario = findScenario(name);
  const variants =
    options.variant === "both" ? scenario.variants.map((v) => v.name) : [options.variant];
  variants.forEach((v) => requireVariant(scenario, v));
  if (options.seed !== undefined && options.seeds !== undefined) {
    throw new ConfigError({
      field: "--seed/--seeds",
      value: `${options.seed}/${options.seeds}`,
      expected: "only one of them",
      fix: "pass --seed S or --seeds N",
    });
  }
  if (options.trace !== undefined && options.seed === undefined) {
    throw new ConfigError({
      field: "--trace",
      value: options.trace,
      expected: "used with --seed",
      fix: "add --seed S (a trace is of one run)",
    });
  }
  const seeds =
    options.seed !== undefined
      ? [Seed.parse(options.seed)]
      : seedRange(
          options.seeds !== undefined
            ? requireInteger("--seeds", Number(options.seeds), 1)
            : scenario.tourSeeds,
        );
  if (!options.json) {
    console.log(pc.bold(`murphy run ${scenario.name}`) + ` — ${scenario.title}`);
    console.log(
      pc.dim(
        `seeds: ${seeds.length === 1 ? seeds[0]!.toString() : `${seeds.length} (0x0 … ${seeds[seeds.length - 1]!.toString()})`}`,
      ),
    );
  }
  const summaries: VariantSummary[] = [];
  const mismatches: string[] = [];
  for (const variant of variants) {
    if (options.trace !== undefined) {
      summaries.push(
        await runTraced(
          scenario.name,
          variant,
          seeds[0]!,
          variants.length > 1 ? `${options.trace}.${variant}` : options.trace,
        ),
      );
      continue;
    }
    const summary = await runSweep(scenario, variant, seeds);
    if (options.checkDeterminism) {
      const again = await runSweep(scenario, variant, seeds);
      for (const [seed, hash] of Object.entries(summary.seedHashes)) {
        if (again.seedHashes[seed] !== hash)
          mismatches.push(
            `${replayCommand(scenario.name, variant, seed)} (${hash} vs ${again.seedHashes[seed]})`,
          );
      }
    }
    summaries.push(summary);
  }
  if (options.out !== undefined) {
    mkdirSync(options.out, { recursive: true });
    writeFileSync(
      join(options.out, `${scenario.name}.json`),
      JSON.stringify({ scenario: scenario.name, summaries }, null, 2),
    );
  }
  if (options.json) {
    console.log(
      JSON.stringify(
        {
          scenario: scenario.name,
          summaries,
          determinismMismatches: options.checkDeterminism ? mismatches : undefined,
        },
        null,
        2,
      ),
    );
  } else {
    for (const line of scenario.report?.(summaries) ?? []) console.log(line);
    for (const line of formatSweep(scenario, summaries)) console.log(line);
    if (options.checkDeterminism) {
      console.log(
        mismatches.length === 0
          ? pc.green(
              `determinism: ${seeds.length} seeds x ${variants.length} variants ran twice with identical trace hashes`,
            )
          : pc.red(
              `determinism: ${mismatches.length} seeds differed:\n  ${mismatches.join("\n  ")}`,
            ),
      );
    }
  }
  if (mismatches.length > 0) return 1;
  return sweepExitCode(scenario, summaries);
}

async function runTraced(
  name: string,
  variant: string,
  seed: Seed,
  file: string,
): Promise<VariantSummary> {
  const scenario = findScenario(name);
  const stream = createWriteStream(file);
  const outcome: SeedOutcome = await scenario.run({
    seed,
    variant,
    trace: (label) => {
      stream.write(JSON.stringify({ world: label, seed: seed.toString(), variant }) + "\n");
      return { sink: (line) => void stream.write(line + "\n") };
    },
  });
  await new Promise<void>((resolve) => stream.end(resolve));
  console.log(pc.dim(`trace written to ${file} (hash ${outcome.traceHash})`));
  const summary = emptySummary(name, variant);
  addOutcome(summary, outcome);
  return summary;
}
