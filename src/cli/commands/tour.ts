// `murphy tour`: murphy's main job, what `npm start` runs. Every scenario, both variants, each with
// its tour seed count, on all cores at once; one table; results as JSON under --out; an exit code
// that says whether every remedy held and every unsafe variant showed its failure; with --report,
// an HTML report of each variant's first violating seed and an index page with the table.

import { join } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { openSweepPool, sweepOnPool, type SweepPool } from "../../sweep/parallelSweep.js";
import { SCENARIOS } from "../../scenarios/registry.js";
import { seedRange } from "../../sweep/runSweep.js";
import type { Scenario } from "../../scenarios/Scenario.js";
import { seedBlocks } from "../../sweep/SeedBlocks.js";
import { prepareOutputDir, writeOutputFile } from "../outputPaths.js";
import { sweepJson } from "../printSweep.js";
import { resolveWorkers } from "../sweepOptions.js";
import { SweepProgress } from "../SweepProgress.js";
import { tourCells, tourTable, tourVerdict, type TourEntry } from "../tourReport.js";
import { reportViolatingSeeds } from "../reportViolatingSeeds.js";
import { tourIndexHtml, type TourIndexLink } from "../../report/tourIndexHtml.js";

interface TourOptions {
  workers?: string;
  out: string;
  report?: string;
  json?: boolean;
}

export function registerTourCommand(program: Command): void {
  program
    .command("tour")
    .description("run every scenario, both variants, and print one table")
    .option("--workers <n>", "worker threads (default: the cores of this machine)")
    .option("--out <dir>", "write the results as JSON into this directory", "out/tour")
    .option("--json", "print the summary as JSON instead of the table")
    .option(
      "--report <dir>",
      "write HTML reports of each variant's first violating seed, and an index.html with the table, into this directory",
    )
    .action(async (options: TourOptions) => {
      process.exitCode = await tourCommand(options);
    });
}

export async function tourCommand(options: TourOptions): Promise<number> {
  const workers = resolveWorkers(options.workers);
  // The results directory is checked before the tour runs, not after.
  prepareOutputDir("--out", options.out);
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
  if (options.report !== undefined)
    await writeTourReports(options.report, entries, verdict, options);
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

/** Each variant's first violating seed as an HTML report, and the index page that links them. */
async function writeTourReports(
  dir: string,
  entries: readonly TourEntry[],
  verdict: ReturnType<typeof tourVerdict>,
  options: TourOptions,
): Promise<void> {
  const links: TourIndexLink[] = [];
  for (const entry of entries) {
    if (entry.summaries === undefined) continue;
    const written = await reportViolatingSeeds(entry.scenario, entry.summaries, dir, {
      quiet: true,
      perVariant: 1,
    });
    links.push(
      ...written.map((w) => ({
        scenario: w.world,
        variant: w.variant,
        seed: w.seed,
        property: w.property,
        href: w.name,
      })),
    );
  }
  const { header, rows } = tourCells(entries);
  const summary =
    verdict.code === 0
      ? ["every safe variant held; every unsafe variant showed its violation"]
      : verdict.problems;
  writeOutputFile(
    "--report",
    join(dir, "index.html"),
    tourIndexHtml({ title: "murphy tour", summary, header, rows, links }),
  );
  if (!options.json)
    console.log(pc.dim(`${links.length} reports and index.html written to ${dir}/`));
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
  prepareOutputDir("--out", dir);
  for (const entry of entries) {
    if (entry.summaries === undefined) continue;
    writeOutputFile(
      "--out",
      join(dir, `${entry.scenario.name}.json`),
      sweepJson(entry.scenario, entry.summaries),
    );
  }
  const summary = summaryJson(entries, verdict, progress, workers);
  writeOutputFile("--out", join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
}
