// `murphy show FILE`: draws a trace written by `murphy run --trace` (or any Simulation trace sink)
// as a text space-time diagram, one column per node and one row per event, world by world. The
// filters narrow it to the nodes, the window and the kinds of event that matter; the output is
// bounded by --max-lines over all worlds together.

import type { Command } from "commander";
import pc from "picocolors";
import { ConfigError, MurphyError } from "../../core/errors.js";
import { TRACE_KINDS, type TraceKind } from "../../sim/Trace.js";
import { readTraceWorlds, type TraceWorld } from "../../report/readTraceJsonl.js";
import {
  selectTraceEvents,
  spaceTimeDiagram,
  traceNodes,
  type SpaceTimeOptions,
} from "../../report/spaceTimeDiagram.js";
import { terminalSafe } from "../../report/terminalSafe.js";
import { readInputFile } from "../readInputFile.js";
import { numberFlag } from "../numberFlag.js";

export interface ShowOptions {
  nodes?: string;
  fromMs?: string;
  toMs?: string;
  kinds?: string;
  world?: string;
  maxLines: string;
  width?: string;
}

export function registerShowCommand(program: Command): void {
  program
    .command("show")
    .description("draw a trace (JSON lines from --trace) as a text space-time diagram")
    .argument("<file>", "the trace, e.g. written by `murphy run X --seed S --trace FILE`")
    .option("--nodes <a,b>", "only these nodes' columns, in this order")
    .option("--from-ms <n>", "only events at or after this virtual time")
    .option("--to-ms <n>", "only events at or before this virtual time")
    .option("--kinds <k,…>", `only these kinds: ${TRACE_KINDS.join(", ")}`)
    .option("--world <name>", "only this world of the seed (a scenario may run several)")
    .option("--max-lines <n>", "draw at most this many event rows", "200")
    .option("--width <n>", "the width the columns share (default: the terminal's, else 100)")
    .action((file: string, options: ShowOptions) => {
      process.exitCode = showCommand(file, options);
    });
}

/** Prints the diagram; 0 when drawn, 2 for an unreadable or empty trace (a bad flag throws). */
export function showCommand(file: string, options: ShowOptions): number {
  const diagram = diagramOptions(options);
  const text = readInputFile(file, "trace file");
  let worlds: TraceWorld[];
  try {
    worlds = readTraceWorlds(text);
  } catch (error) {
    if (error instanceof MurphyError) {
      console.error(pc.red(`murphy: ${terminalSafe(file)}: ${terminalSafe(error.message)}`));
      return 2;
    }
    throw error;
  }
  if (worlds.every((w) => w.events.length === 0)) {
    console.error(
      pc.red(
        `murphy: ${terminalSafe(file)}: no trace events found; pass a file written by murphy run --trace`,
      ),
    );
    return 2;
  }
  const chosen = chooseWorlds(worlds, options.world);
  const nodes = checkNodes(chosen, diagram.nodes);
  console.log(renderWorlds(file, chosen, { ...diagram, nodes }).join("\n"));
  return 0;
}

/** The flags that need no trace to check, checked before the file is read. */
function diagramOptions(options: ShowOptions): SpaceTimeOptions & { maxLines: number } {
  const fromMs = optionalMs("--from-ms", options.fromMs);
  const toMs = optionalMs("--to-ms", options.toMs);
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) {
    throw new ConfigError({
      field: "--to-ms",
      value: options.toMs,
      expected: `>= --from-ms (${fromMs})`,
      fix: "swap the two bounds or widen the window",
    });
  }
  const kinds = options.kinds === undefined ? undefined : list("--kinds", options.kinds);
  for (const kind of kinds ?? []) {
    if (!TRACE_KINDS.includes(kind as TraceKind)) {
      throw new ConfigError({
        field: "--kinds",
        value: kind,
        expected: `a comma-separated list of ${TRACE_KINDS.join(", ")}`,
        fix: "e.g. --kinds send,deliver,drop",
      });
    }
  }
  return {
    nodes: options.nodes === undefined ? undefined : list("--nodes", options.nodes),
    fromMs,
    toMs,
    kinds: kinds as TraceKind[] | undefined,
    maxLines: wholeNumber("--max-lines", options.maxLines, 1),
    width: wholeNumber("--width", options.width ?? String(terminalWidth()), 40),
  };
}

/** The terminal's width when printing to one, so that wide terminals cut less; else 100. */
function terminalWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns !== undefined && columns >= 40 ? columns : 100;
}

function optionalMs(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return numberFlag(field, text, {
    min: 0,
    expected: "a virtual time in milliseconds >= 0",
    example: 150,
  });
}

function wholeNumber(field: string, text: string, min: number): number {
  return numberFlag(field, text, {
    integer: true,
    min,
    expected: `a whole number >= ${min}`,
    example: Math.max(min, 200),
  });
}

function list(field: string, text: string): string[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new ConfigError({
      field,
      value: text,
      expected: "a comma-separated list without empty items",
      fix: `e.g. ${field} ${field === "--kinds" ? "send,deliver" : "client,server"}`,
    });
  }
  return items;
}

function chooseWorlds(worlds: TraceWorld[], name: string | undefined): TraceWorld[] {
  if (name === undefined) return worlds;
  const chosen = worlds.filter((w) => w.label === name);
  if (chosen.length === 0) {
    throw new ConfigError({
      field: "--world",
      value: name,
      expected: `one of the worlds in this trace: ${worlds.map((w) => w.label).join(", ")}`,
      fix: "pick one of those names",
    });
  }
  return chosen;
}

function checkNodes(
  worlds: readonly TraceWorld[],
  nodes: string[] | undefined,
): string[] | undefined {
  if (nodes === undefined) return undefined;
  const known = new Set(worlds.flatMap((w) => traceNodes(w.events)));
  for (const node of nodes) {
    if (!known.has(node)) {
      throw new ConfigError({
        field: "--nodes",
        value: node,
        expected: `a comma-separated list of nodes in this trace (${[...known].join(", ")})`,
        fix: "pick from those names",
      });
    }
  }
  return nodes;
}

/**
 * A title, then each world's diagram under its name. --max-lines bounds the event rows of all
 * worlds together; the worlds it leaves no room for are counted on a last line.
 */
function renderWorlds(
  file: string,
  worlds: readonly TraceWorld[],
  options: SpaceTimeOptions & { maxLines: number },
): string[] {
  const lines = [title(file, worlds)];
  let rowsLeft = options.maxLines;
  let skippedWorlds = 0;
  let skippedEvents = 0;
  let drawn = 0;
  for (const world of worlds) {
    const here = traceNodes(world.events);
    const nodes = options.nodes?.filter((n) => here.includes(n));
    if (nodes !== undefined && nodes.length === 0) continue;
    const worldOptions = { ...options, ...(nodes ? { nodes } : {}) };
    const selected = selectTraceEvents(world.events, worldOptions).length;
    if (selected === 0) continue;
    if (rowsLeft === 0) {
      skippedWorlds++;
      skippedEvents += selected;
      continue;
    }
    if (world.label !== "") lines.push("", `── world ${terminalSafe(world.label)} ──`);
    lines.push(...spaceTimeDiagram(world.events, { ...worldOptions, maxLines: rowsLeft }));
    rowsLeft -= Math.min(rowsLeft, selected);
    drawn++;
  }
  if (drawn === 0) {
    lines.push("no events in this selection; widen --from-ms/--to-ms, --nodes or --kinds");
  }
  if (skippedWorlds > 0) {
    lines.push(
      `… ${skippedWorlds} more world${skippedWorlds === 1 ? "" : "s"} (${skippedEvents} events) ` +
        "not shown; pick one with --world NAME, or raise --max-lines",
    );
  }
  return lines;
}

function title(file: string, worlds: readonly TraceWorld[]): string {
  const events = worlds.reduce((n, w) => n + w.events.length, 0);
  const first = worlds[0];
  const parts = [`trace ${file}`];
  if (first?.seed !== undefined) parts.push(`seed ${first.seed}`);
  if (first?.variant !== undefined) parts.push(`variant ${first.variant}`);
  if (worlds.length > 1) parts.push(`${worlds.length} worlds`);
  parts.push(`${events} events`);
  // The file's name and its header's fields are the user's or the file's: escaped.
  return terminalSafe(parts.join(" · "));
}
