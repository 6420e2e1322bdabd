// Writing a run's HTML report: from a recorded run (or anything of the same shape — the real
// harness hands in its own history and trace) to a file. `reportSeed` runs one seed of a world with
// a recorder and writes its report; `writeRunReport` is the one a harness calls with what it has.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Seed } from "../core/Rng.js";
import type { Scenario, SeedOutcome } from "../scenarios/Scenario.js";
import { buildReportData, type RunReportInput } from "./buildReportData.js";
import { renderHtmlReport, type HtmlReportOptions } from "./htmlReport.js";
import { recordRun, type RecordRunOptions } from "./RunRecorder.js";

/** The report of a run as one self-contained HTML string. */
export function runReportHtml(input: RunReportInput, options: HtmlReportOptions = {}): string {
  return renderHtmlReport(buildReportData(input), options);
}

/**
 * Writes the report of a run to `file` (its folder is made). What a harness calls: pass the
 * world's name, the variant, the seed, the command that reproduces it, the outcome, and per world
 * its nodes, trace events, history and the checks' answers (see RecordedWorld).
 */
export function writeRunReport(
  file: string,
  input: RunReportInput,
  options: HtmlReportOptions = {},
): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, runReportHtml(input, options));
}

export interface ReportSeedOptions extends RecordRunOptions {
  /** The command that reproduces this run, shown in the report. */
  command: string;
}

/** Runs one seed of one variant with a recorder and writes its report to `file`. */
export async function reportSeed(
  scenario: Scenario,
  variant: string,
  seed: Seed,
  file: string,
  options: ReportSeedOptions,
): Promise<SeedOutcome> {
  const { outcome, worlds } = await recordRun(scenario, variant, seed, options);
  const described = scenario.variants.find((v) => v.name === variant);
  writeRunReport(file, {
    world: scenario.name,
    title: scenario.title,
    claim: scenario.claim,
    variant,
    variantDescription: described?.description ?? "",
    seed: seed.toString(),
    command: options.command,
    outcome,
    figureSpecs: scenario.figures,
    worlds,
  });
  return outcome;
}
