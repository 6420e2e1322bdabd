// Text for people: a sweep summary as a few aligned lines per variant, with the replay command of
// the first violating seed.

import pc from "picocolors";
import type { FigureSpec, Scenario } from "../scenarios/Scenario.js";
import { figureValue, type VariantSummary } from "../scenarios/VariantSummary.js";
import { worldRef } from "../sweep/loadWorld.js";
import { replayCommand } from "../sweep/runSweep.js";

export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "-";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  return abs >= 1 ? value.toFixed(2) : value.toFixed(3);
}

/** A figure's value over the seeds, saying how it was summarised: "mean 269", "total 80,828". */
export function showFigure(value: number | undefined, spec: FigureSpec): string {
  if (value === undefined) return "-";
  if (spec.kind === "rate") return `${(value * 100).toFixed(1)}% of seeds`;
  const unit = spec.unit ? ` ${spec.unit}` : "";
  return `${FIGURE_KIND_LABEL[spec.kind]} ${formatNumber(value)}${unit}`;
}

/** Says how a figure is summarised over the seeds, so that means and totals are not confused. */
export const FIGURE_KIND_LABEL = {
  mean: "mean",
  sum: "total",
  max: "max",
  min: "min",
  rate: "",
} as const;

export function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`;
}

export function formatSweep(scenario: Scenario, summaries: readonly VariantSummary[]): string[] {
  const lines: string[] = [];
  for (const summary of summaries) {
    const variant = scenario.variants.find((v) => v.name === summary.variant)!;
    lines.push(pc.bold(`variant ${summary.variant}`) + pc.dim(` — ${variant.description}`));
    for (const name of scenario.properties) {
      const p = summary.properties[name];
      if (p === undefined) continue;
      const verdict =
        p.violated > 0
          ? (variant.expectViolations ? pc.yellow : pc.red)(
              `violated in ${p.violated}/${summary.seeds} seeds (${percent(p.violated, summary.seeds)})`,
            )
          : p.unknown > 0
            ? pc.yellow(`unknown in ${p.unknown}/${summary.seeds} seeds`)
            : pc.green(`held in all ${summary.seeds} seeds`);
      lines.push(`  ${name}: ${verdict}`);
      if (p.violatingSeeds.length > 0) {
        lines.push(
          pc.dim(
            `    replay: ${replayCommand(worldRef(scenario), summary.variant, p.violatingSeeds[0]!)}`,
          ),
        );
      }
    }
    for (const spec of scenario.figures) {
      const value = figureValue(summary, spec);
      if (value === undefined) continue;
      lines.push(
        pc.dim(`  ${(spec.description ?? spec.name).padEnd(44)} ${showFigure(value, spec)}`),
      );
    }
  }
  return lines;
}

/**
 * Exit status of a sweep: 1 if a variant expected to hold showed a violation, 2 if a property was
 * unknown in a variant that held or in an unsafe variant that showed no violation, else 0.
 */
export function sweepExitCode(scenario: Scenario, summaries: readonly VariantSummary[]): number {
  let code = 0;
  for (const summary of summaries) {
    const variant = scenario.variants.find((v) => v.name === summary.variant)!;
    const properties = Object.values(summary.properties);
    // An unsafe variant keeps its promise by showing a violation; undecided seeds beside it
    // change nothing. A variant expected to hold must decide every seed.
    if (variant.expectViolations && properties.some((p) => p.violated > 0)) continue;
    for (const p of properties) {
      if (!variant.expectViolations && p.violated > 0) return 1;
      if (p.unknown > 0) code = 2;
    }
  }
  return code;
}
