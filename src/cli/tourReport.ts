// The tour's one table and its verdict. Each scenario gets a row per property with the violating
// seeds of its unsafe and safe variants, and its key figures (unsafe | safe). The verdict: 0 when
// every safe variant held and every unsafe variant showed its violation, 1 when a safe variant was
// violated, 2 when a verdict was unknown, an unsafe variant showed nothing, or a scenario failed.

import pc from "picocolors";
import type { FigureSpec, Scenario } from "../scenarios/Scenario.js";
import { figureValue, type VariantSummary } from "../scenarios/VariantSummary.js";
import { replayCommand } from "../sweep/runSweep.js";
import { FIGURE_KIND_LABEL, formatNumber } from "./formatSweep.js";

export interface TourEntry {
  scenario: Scenario;
  /** One per variant, or undefined when the scenario failed to run. */
  summaries?: VariantSummary[];
  error?: string;
}

export interface TourVerdict {
  code: 0 | 1 | 2;
  problems: string[];
}

export function keyFigureSpecs(scenario: Scenario): FigureSpec[] {
  if (scenario.keyFigures === undefined) return scenario.figures.slice(0, 2);
  return scenario.keyFigures.flatMap((name) => scenario.figures.filter((f) => f.name === name));
}

function variantSummary(entry: TourEntry, expectViolations: boolean): VariantSummary | undefined {
  const variant = entry.scenario.variants.find(
    (v) => v.expectViolations === expectViolations && !v.hidden,
  );
  return entry.summaries?.find((s) => s.variant === variant?.name);
}

export function tourVerdict(entries: readonly TourEntry[]): TourVerdict {
  const violations: string[] = [];
  const doubts: string[] = [];
  for (const entry of entries) {
    const name = entry.scenario.name;
    if (entry.summaries === undefined) {
      doubts.push(`${name}: failed to run: ${entry.error ?? "no result"}`);
      continue;
    }
    for (const summary of entry.summaries) {
      const variant = entry.scenario.variants.find((v) => v.name === summary.variant)!;
      const props = Object.entries(summary.properties);
      for (const [property, p] of props) {
        if (!variant.expectViolations && p.violated > 0) {
          const replay = replayCommand(name, summary.variant, p.violatingSeeds[0]!);
          violations.push(
            `${name}: ${summary.variant} variant violated ${property} in ${p.violated}/${summary.seeds} seeds; replay: ${replay}`,
          );
        }
        if (p.unknown > 0) {
          doubts.push(
            `${name}: ${property} unknown in ${p.unknown}/${summary.seeds} seeds of ${summary.variant}`,
          );
        }
      }
      if (variant.expectViolations && !props.some(([, p]) => p.violated > 0)) {
        doubts.push(
          `${name}: ${summary.variant} variant showed no violation in ${summary.seeds} seeds`,
        );
      }
    }
  }
  const code = violations.length > 0 ? 1 : doubts.length > 0 ? 2 : 0;
  return { code, problems: [...violations, ...doubts] };
}

type Cell = { text: string; color?: (s: string) => string };

function verdictCell(summary: VariantSummary | undefined, property: string, unsafe: boolean): Cell {
  const p = summary?.properties[property];
  if (summary === undefined || p === undefined) return { text: "-" };
  const unknown = p.unknown > 0 ? ` (${p.unknown} unknown)` : "";
  const text = `${p.violated}/${summary.seeds}${unknown}`;
  if (p.unknown > 0) return { text, color: pc.yellow };
  if (unsafe) return { text, color: p.violated > 0 ? pc.yellow : pc.dim };
  return { text, color: p.violated > 0 ? pc.red : pc.green };
}

function showValue(summary: VariantSummary | undefined, spec: FigureSpec): string {
  const value = summary === undefined ? undefined : figureValue(summary, spec);
  if (value === undefined) return "-";
  return spec.kind === "rate" ? `${(value * 100).toFixed(1)}%` : formatNumber(value);
}

function figuresCell(entry: TourEntry): string {
  const unsafe = variantSummary(entry, true);
  const safe = variantSummary(entry, false);
  return keyFigureSpecs(entry.scenario)
    .map((spec) => {
      const unit = spec.unit ? ` ${spec.unit}` : spec.kind === "rate" ? " of seeds" : "";
      const pair = `${showValue(unsafe, spec)} | ${showValue(safe, spec)}${unit}`;
      const label = FIGURE_KIND_LABEL[spec.kind];
      return `${spec.name} ${label === "" ? "" : `${label} `}${pair}`;
    })
    .join("; ");
}

function rowsOf(entry: TourEntry): Cell[][] {
  const name = { text: entry.scenario.name, color: pc.bold };
  if (entry.summaries === undefined) {
    return [
      [name, { text: "(failed)", color: pc.red }, { text: "-" }, { text: "-" }, { text: "" }],
    ];
  }
  const unsafe = variantSummary(entry, true);
  const safe = variantSummary(entry, false);
  return entry.scenario.properties.map((property, i) => [
    i === 0 ? name : { text: "" },
    { text: property },
    verdictCell(unsafe, property, true),
    verdictCell(safe, property, false),
    { text: i === 0 ? figuresCell(entry) : "", color: pc.dim },
  ]);
}

/** The table's cells as plain text (for the tour's HTML index page). */
export function tourCells(entries: readonly TourEntry[]): { header: string[]; rows: string[][] } {
  return {
    header: ["scenario", "property", "unsafe", "safe", "key figures (unsafe | safe)"],
    rows: entries.flatMap(rowsOf).map((row) => row.map((cell) => cell.text)),
  };
}

/** The table, aligned, coloured (picocolors leaves it plain when colour is off). */
export function tourTable(entries: readonly TourEntry[]): string[] {
  const header: Cell[] = [
    "scenario",
    "property",
    "unsafe",
    "safe",
    "key figures (unsafe | safe)",
  ].map((text) => ({ text, color: pc.bold }));
  const rows = [header, ...entries.flatMap(rowsOf)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.text.length)));
  return rows.map((row) =>
    row
      .map((cell, c) => {
        // Padding stays outside the colour codes so that trimEnd can drop it when colour is on.
        const text = cell.color && cell.text !== "" ? cell.color(cell.text) : cell.text;
        const pad = c === row.length - 1 ? "" : " ".repeat(widths[c]! - cell.text.length);
        return text + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}
