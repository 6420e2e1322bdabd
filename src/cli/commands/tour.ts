// `murphy tour`: murphy's main job, what `npm start` runs. Every scenario, both variants, each with
// its tour seed count, on all cores at once; one table; results as JSON under --out; an exit code
// that says whether every remedy held and every unsafe variant showed its failure.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { openSweepPool, sweepOnPool, type SweepPool } from "../../sweep/parallelSweep.js";
import { SCENARIOS } from "../../scenarios/registry.js";
import { seedRange } from "../../sweep/runSweep.js";
import type { Scenario } from "../../scenarios/Scenario.js";
import { seedBlocks } from "../../sweep/SeedBlocks.js";
import { sweepJson } from "../printSweep.js";
import { resolveWorkers } from "../sweepOptions.js";
import { SweepProgress } from "../SweepProgress.js";
import { tourTable, tourVerdict, type TourEntry } from "../tourReport.js";

interface TourOptions {
  workers?: string;
  out: string;
  json?: boolean;
}

export function registerTourCommand(program: Command): void {
  program
    .command("tour")
    .description("run every scenario, both variants, and print one table")
    .option("--workers <n>", "worker threads (default: the cores of this machine)")
    .option("--out <dir>", "write the results as JSON into this directory", "out/tour")
    .option("--json", "print the summary as JSON instead of the table")
    .action(async (options: TourOptions) => {
      process.exitCode = await tourCommand(options);
    });
}

export async function tourCommand(options: TourOptions): Promise<number> {
  const workers = resolveWorkers(options.workers);
  const totalSeeds = SCENARIOS.reduce((n, s) => n + s.tourSeeds * shown(s).length, 0);
  if (!options.json) {
    console.log(
      pc.bold("murphy tour") +
        ` — ${SCENARIOS.length} scenarios, ${totalSeeds.toLocaleString("en-US")} runs (seed × variant), ${workers} worker${workers === 1 ? "" : "s"}`,
    );
  }
  const pool = openSweepPool({ workers });
  const progress = new SweepProgress(totalSeeds, {
    enabled: SweepProgress.wanted(options.json),
    label: "tour",
  });
  let entries: TourEntry[];
  try {
    // Submit everything at once: the pool keeps every core busy across scenario boundaries.
    entries = await Promise.all(SCENARIOS.map((s) => runScenario(pool, s, progress)));
  } finally {
    progress.stop();
    await pool.close();
  }
  const verdict = tourVerdict(entries);
  writeResults(options.out, entries, verdict, progress, pool.workers);
  if (options.json) {
    console.log(JSON.stringify(summaryJson(entries, verdict, progress, pool.workers), null, 2));
    return verdict.code;
  }
  for (const line of tourTable(entries)) console.log(line);
  console.log("");
  for (const problem of verdict.problems) console.log(pc.red(`! ${problem}`));
  if (verdict.code === 0) {
    console.log(pc.green("every safe variant held; every unsafe variant showed its violation"));
  }
  console.log(pc.dim(`${progress.summaryLine(pool.workers)}; results in ${options.out}/`));
  return verdict.code;
}

async function runScenario(
  pool: SweepPool,
  scenario: Scenario,
  progress: SweepProgress,
): Promise<TourEntry> {
  try {
    const blocks = seedBlocks(seedRange(scenario.tourSeeds));
    const summaries = await Promise.all(
      shown(scenario).map((v) => sweepOnPool(pool, scenario, v.name, blocks, progress.seed)),
    );
    return { scenario, summaries };
  } catch (error) {
    return { scenario, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The variants the tour runs: all but the hidden ones (a world's extra mixes and planted bugs). */
function shown(scenario: Scenario) {
  return scenario.variants.filter((v) => !v.hidden);
}

function summaryJson(
  entries: readonly TourEntry[],
  verdict: ReturnType<typeof tourVerdict>,
  progress: SweepProgress,
  workers: number,
) {
  return {
    exitCode: verdict.code,
    problems: verdict.problems,
    seeds: progress.totalSeeds,
    workers,
    wallSeconds: Number(progress.elapsedSeconds().toFixed(3)),
    scenarios: entries.map((e) => ({
      scenario: e.scenario.name,
      tourSeeds: e.scenario.tourSeeds,
      ...(e.error !== undefined ? { error: e.error } : {}),
      properties: e.summaries?.map((s) => ({ variant: s.variant, properties: s.properties })),
    })),
  };
}

function writeResults(
  dir: string,
  entries: readonly TourEntry[],
  verdict: ReturnType<typeof tourVerdict>,
  progress: SweepProgress,
  workers: number,
): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of entries) {
    if (entry.summaries === undefined) continue;
    writeFileSync(
      join(dir, `${entry.scenario.name}.json`),
      sweepJson(entry.scenario, entry.summaries),
    );
  }
  const summary = summaryJson(entries, verdict, progress, workers);
  writeFileSync(join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
}
