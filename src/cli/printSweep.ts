// What `murphy run` prints once a sweep is summarised — and `murphy merge` prints the same for the
// merged shards, so a sharded sweep reads exactly like a single run.

import pc from "picocolors";
import type { Scenario } from "../scenarios/Scenario.js";
import type { VariantSummary } from "../scenarios/VariantSummary.js";
import { worldRef } from "../sweep/loadWorld.js";
import { formatSweep } from "./formatSweep.js";

export function printSweepHeader(
  scenario: Scenario,
  seedsDescription: string,
  command: "run" | "replay" = "run",
): void {
  console.log(pc.bold(`murphy ${command} ${worldRef(scenario)}`) + ` — ${scenario.title}`);
  console.log(pc.dim(`seeds: ${seedsDescription}`));
}

/** The JSON a sweep prints with --json and writes with --out. */
export function sweepJson(
  scenario: Scenario,
  summaries: readonly VariantSummary[],
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ scenario: scenario.name, summaries, ...extra }, null, 2);
}

export function printSweepSummaries(
  scenario: Scenario,
  summaries: readonly VariantSummary[],
): void {
  for (const line of scenario.report?.(summaries) ?? []) console.log(line);
  for (const line of formatSweep(scenario, summaries)) console.log(line);
}
