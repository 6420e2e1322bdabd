// From a recorded run to the report's data: per world its lanes, arrows, fault bands, operations,
// the place of each violation, and the series its plots draw. Pure and deterministic: the same
// run gives the same data, and so the same file.

import type { FigureSpec, SeedOutcome, Verdict } from "../scenarios/Scenario.js";
import type { TraceKind } from "../sim/Trace.js";
import { faultBands } from "./faultBands.js";
import { messageArrows } from "./messageArrows.js";
import { linearizabilityData, operationsData, violationsData } from "./operationsData.js";
import { REPORT_FORMAT, type ReportData, type WorldData } from "./ReportData.js";
import type { RecordedWorld } from "./RunRecorder.js";
import { clockData, latencyData, loadData, seriesData, windowMsFor } from "./runSeries.js";

/** Everything a report is made of; what `murphy run`, `replay`, sweeps and harnesses hand in. */
export interface RunReportInput {
  /** The world's name (a scenario's or a world file's). */
  world: string;
  title?: string;
  claim?: string;
  variant: string;
  variantDescription?: string;
  seed: string;
  /** The command that reproduces the run, e.g. `murphy replay congestion --seed 0x3`. */
  command: string;
  outcome: Pick<SeedOutcome, "properties" | "figures" | "traceHash"> &
    Partial<Pick<SeedOutcome, "details">>;
  /** Units of the figures, by name (optional). */
  figureSpecs?: readonly FigureSpec[];
  worlds: readonly RecordedWorld[];
}

export function buildReportData(input: RunReportInput): ReportData {
  const units = new Map((input.figureSpecs ?? []).map((f) => [f.name, f.unit ?? ""]));
  return {
    format: REPORT_FORMAT,
    title: `${input.world} · ${input.variant} · seed ${input.seed}`,
    world: input.world,
    worldTitle: input.title ?? input.world,
    claim: input.claim ?? "",
    variant: input.variant,
    variantDescription: input.variantDescription ?? "",
    seed: input.seed,
    command: input.command,
    traceHash: input.outcome.traceHash,
    verdicts: Object.entries(input.outcome.properties).map(([property, verdict]) => ({
      property,
      verdict: verdict as Verdict,
      details: input.outcome.details?.[property] ?? [],
    })),
    figures: Object.entries(input.outcome.figures).map(([name, value]) => ({
      name,
      value: Number.isFinite(value) ? value : null,
      unit: units.get(name) ?? "",
    })),
    worlds: input.worlds.map(worldData),
  };
}

export function worldData(world: RecordedWorld): WorldData {
  const nodes = [...world.nodes];
  const lanes = new Map(nodes.map((n, i) => [n, i]));
  const lane = (name: string | undefined) => (name === undefined ? -1 : (lanes.get(name) ?? -1));
  const events = world.events;
  const history = world.history ?? [];
  let endMicros = Math.max(events.at(-1)?.tMicros ?? 0, world.endMicros ?? 0, 1);
  for (const op of history) endMicros = Math.max(endMicros, op.completeMicros ?? op.invokeMicros);
  const { arrows, bodies, dropReasons } = messageArrows(events, lane, endMicros);
  const { bands, marks, marksOmitted } = faultBands(events, lane, endMicros);
  const ops = operationsData(world.history, lane);
  const windowMs = windowMsFor(endMicros);
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return {
    label: world.label,
    nodes,
    endMicros,
    events: events.length,
    counts: sortedCounts(counts),
    arrows,
    bodies,
    dropReasons,
    bands,
    marks,
    marksOmitted,
    ops,
    linearizability: linearizabilityData(world.checks),
    violations: violationsData(world.checks, ops),
    latency: latencyData(arrows, ops, windowMs),
    load: loadData(events, ops, windowMs, endMicros),
    clocks: clockData(world.clocks),
    series: seriesData(world.series),
  };
}

function sortedCounts(counts: Record<string, number>): Record<TraceKind | string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}
