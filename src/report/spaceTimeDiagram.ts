// A trace as a text space-time diagram, for a person learning what happened in a run. Each node
// gets a column and time runs down the page, one row per event: a send shows in its sender's
// column, the delivery in the receiver's with the delay since the send, a drop with its reason.
// Between its own events a node's column carries its lifeline, so that a pause or a crash stays
// visible while other nodes act: "│" running, "┊" paused, blank while crashed. Events of the world
// itself (a partition, a GST mark) span the row as a banner. The output is bounded and the same
// trace always draws the same lines, with every control and bidi character from the trace escaped.

import { ConfigError } from "../core/errors.js";
import { requireInteger, requireNonNegative } from "../core/validate.js";
import { TRACE_KINDS, type TraceEvent, type TraceKind } from "../sim/Trace.js";
import { terminalSafe } from "./terminalSafe.js";

export interface SpaceTimeOptions {
  /** The columns, in this order (default: every node, in order of first appearance). */
  nodes?: string[];
  /** Only events at or after this instant. */
  fromMs?: number;
  /** Only events at or before this instant. */
  toMs?: number;
  /** Only events of these kinds. */
  kinds?: TraceKind[];
  /** At most this many event rows (default 200); a last line then says what was left out. */
  maxLines?: number;
  /** The width in characters the columns share (default 100); longer text is cut with "…". */
  width?: number;
}

/** The node name the trace gives to events of the world rather than of a node. */
export const WORLD_NODE = "world";

const DEFAULT_MAX_LINES = 200;
const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 40;
const MIN_COLUMN_WIDTH = 12;
const GAP = "  ";
const TIME_HEADER = "ms";

type Lifeline = "running" | "paused" | "crashed";
const LIFELINE: Record<Lifeline, string> = { running: "│", paused: "┊", crashed: "" };

/** One drawn row: a cell in one column (the others show lifelines), or a banner (column -1). */
interface Row {
  tMicros: number;
  column: number;
  text: string;
  lifelines: readonly string[];
}

interface Selection {
  columns: readonly string[];
  kinds: ReadonlySet<TraceKind> | undefined;
  fromMicros: number;
  toMicros: number;
  maxLines: number;
  width: number;
}

/** Draws the diagram: a header, one row per selected event, and a last line if any were cut. */
export function spaceTimeDiagram(
  events: readonly TraceEvent[],
  options: SpaceTimeOptions = {},
): string[] {
  const selection = resolveOptions(events, options);
  const { rows, omitted, firstOmittedMicros } = drawRows(events, selection);
  if (rows.length === 0) {
    return ["no events in this selection; widen --from-ms/--to-ms, --nodes or --kinds"];
  }
  const lines = layout(rows, selection);
  if (omitted > 0) {
    lines.push(
      `… ${omitted} more event${omitted === 1 ? "" : "s"} ` +
        `from ${formatMs(firstOmittedMicros)} ms not shown; ` +
        "narrow with --from-ms/--to-ms, --nodes or --kinds, or raise --max-lines",
    );
  }
  return lines;
}

/** The events the diagram draws (before `maxLines` applies), in trace order. */
export function selectTraceEvents(
  events: readonly TraceEvent[],
  options: SpaceTimeOptions = {},
): TraceEvent[] {
  const selection = resolveOptions(events, options);
  const columns = new Set(selection.columns);
  return events.filter(
    (e) => (e.node === WORLD_NODE || columns.has(e.node)) && inWindow(e, selection),
  );
}

/** Every node the trace names, as an event's node or a message's peer, by first appearance. */
export function traceNodes(events: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const e of events) {
    if (e.node !== WORLD_NODE) seen.add(e.node);
    if (e.peer !== undefined && e.peer !== WORLD_NODE) seen.add(e.peer);
  }
  return [...seen];
}

function resolveOptions(events: readonly TraceEvent[], options: SpaceTimeOptions): Selection {
  const fromMs = requireNonNegative("fromMs", options.fromMs ?? 0);
  const toMs = options.toMs === undefined ? Infinity : requireNonNegative("toMs", options.toMs);
  if (toMs < fromMs) {
    throw new ConfigError({
      field: "toMs",
      value: toMs,
      expected: `>= fromMs (${fromMs})`,
      fix: "swap the two bounds or widen the window",
    });
  }
  for (const kind of options.kinds ?? []) {
    if (!TRACE_KINDS.includes(kind)) {
      throw new ConfigError({
        field: "kinds",
        value: kind,
        expected: `trace kinds, each one of ${TRACE_KINDS.join(", ")}`,
        fix: "drop or correct that kind",
      });
    }
  }
  const columns = options.nodes ?? traceNodes(events);
  if (new Set(columns).size !== columns.length) {
    throw new ConfigError({
      field: "nodes",
      value: columns,
      expected: "distinct node names",
      fix: "name each node once",
    });
  }
  return {
    columns,
    kinds: options.kinds === undefined ? undefined : new Set(options.kinds),
    fromMicros: fromMs * 1000,
    toMicros: toMs * 1000,
    maxLines: requireInteger("maxLines", options.maxLines ?? DEFAULT_MAX_LINES, 1),
    width: requireInteger("width", options.width ?? DEFAULT_WIDTH, MIN_WIDTH),
  };
}

/** Whether an event passes the kind and time filters. */
function inWindow(e: TraceEvent, selection: Selection): boolean {
  if (selection.kinds !== undefined && !selection.kinds.has(e.kind)) return false;
  return e.tMicros >= selection.fromMicros && e.tMicros <= selection.toMicros;
}

/**
 * Walks the whole trace, selected or not, so that send times (for delays) and lifelines are right
 * at the first row drawn whatever the filters; draws at most `maxLines` rows and counts the rest.
 */
function drawRows(
  events: readonly TraceEvent[],
  selection: Selection,
): { rows: Row[]; omitted: number; firstOmittedMicros: number } {
  const columnOf = new Map(selection.columns.map((node, i) => [node, i] as const));
  const lifelines: Lifeline[] = selection.columns.map(() => "running");
  const sentMicros = new Map<string, number>();
  const delivered = new Set<string>();
  const rows: Row[] = [];
  let omitted = 0;
  let firstOmittedMicros = 0;
  for (const e of events) {
    const key = `${e.kind === "deliver" ? e.peer : e.node}#${e.id}`;
    const delayMicros = e.kind === "deliver" ? deliveryDelay(e, sentMicros.get(key)) : undefined;
    const again = e.kind === "deliver" && delivered.has(key);
    if (e.kind === "send" && e.id !== undefined) sentMicros.set(key, e.tMicros);
    if (e.kind === "deliver") delivered.add(key);
    // Column -1 is a banner across the row; -2 is a node whose column is not shown.
    const column = e.node === WORLD_NODE ? -1 : (columnOf.get(e.node) ?? -2);
    if (column !== -2 && inWindow(e, selection)) {
      if (rows.length < selection.maxLines) {
        // Names, details and bodies come from the trace: escaped, so they cannot drive the terminal.
        const text =
          column === -1
            ? `══ ${terminalSafe(cellText(e))} ══`
            : terminalSafe(cellText(e, delayMicros, again));
        rows.push({
          tMicros: e.tMicros,
          column,
          text,
          lifelines: lifelines.map((l) => LIFELINE[l]),
        });
      } else {
        if (omitted === 0) firstOmittedMicros = e.tMicros;
        omitted++;
      }
    }
    if (column >= 0) lifelines[column] = nextLifeline(lifelines[column]!, e.kind);
  }
  return { rows, omitted, firstOmittedMicros };
}

function deliveryDelay(e: TraceEvent, sentAt: number | undefined): number | undefined {
  return sentAt === undefined ? undefined : e.tMicros - sentAt;
}

function nextLifeline(current: Lifeline, kind: TraceKind): Lifeline {
  if (kind === "pause") return "paused";
  if (kind === "crash") return "crashed";
  if (kind === "resume" || kind === "start" || kind === "recover") return "running";
  return current;
}

/** What one event says in its node's column, briefly. */
function cellText(e: TraceEvent, delayMicros?: number, again = false): string {
  const id = `#${e.id ?? "?"}`;
  const detail = e.detail === undefined ? "" : ` ${e.detail}`;
  switch (e.kind) {
    case "send":
      return `→ ${e.peer ?? "?"} ${id}${bodyText(e.body)}`;
    case "deliver": {
      const delay = delayMicros === undefined ? "" : ` (${formatDelay(delayMicros)} ms)`;
      return `← ${e.peer ?? "?"} ${id}${delay}${again ? " again" : ""}`;
    }
    case "drop":
      return `✗ ${id} (${e.detail ?? "dropped"})`;
    case "duplicate":
      return `⇉ ${id} duplicated`;
    case "timer":
      return `timer ${id}`;
    case "crash":
      return `CRASH${e.detail === undefined ? "" : ` (${e.detail})`}`;
    case "resume":
      return `resume${e.detail === undefined ? "" : ` (${e.detail})`}`;
    case "start":
    case "recover":
    case "pause":
    case "clock":
      return `${e.kind}${detail}`;
    case "fault":
    case "byzantine":
    case "log":
      return `${e.kind}:${detail}`;
  }
}

/** A message body as compact JSON after the send, for what was said; the column cap cuts it. */
function bodyText(body: unknown): string {
  if (body === undefined) return "";
  try {
    // An integer too large for a float was read exactly (as a bigint): shown with its digits.
    const text = JSON.stringify(body, (_key, value: unknown) =>
      typeof value === "bigint" ? `${value}n` : value,
    );
    return ": " + (text ?? String(body));
  } catch {
    return ": [unserialisable]";
  }
}

/** Lays the rows out: a header naming the columns, then time at the left and a cell per node. */
function layout(rows: readonly Row[], selection: Selection): string[] {
  const { width } = selection;
  const columns = selection.columns.map(terminalSafe);
  const times = rows.map((r) => formatMs(r.tMicros));
  const timeWidth = Math.max(TIME_HEADER.length, ...times.map(textWidth));
  const natural = columns.map((node, c) =>
    Math.max(textWidth(node), ...rows.filter((r) => r.column === c).map((r) => textWidth(r.text))),
  );
  const widths = fitColumns(natural, width - timeWidth - GAP.length * columns.length);
  const line = (time: string, cells: readonly string[]) =>
    (
      padStart(time, timeWidth) + cells.map((cell, c) => GAP + fit(cell, widths[c]!)).join("")
    ).trimEnd();
  const lines = [
    line(TIME_HEADER, columns),
    line(
      "─".repeat(timeWidth),
      widths.map((w) => "─".repeat(w)),
    ),
  ];
  rows.forEach((row, i) => {
    if (row.column === -1) {
      lines.push(
        padStart(times[i]!, timeWidth) + GAP + clip(row.text, width - timeWidth - GAP.length),
      );
      return;
    }
    lines.push(
      line(
        times[i]!,
        row.lifelines.map((l, c) => (c === row.column ? row.text : l)),
      ),
    );
  });
  return lines;
}

/**
 * Each column as wide as its widest cell while they all fit in `room`; otherwise the widest give
 * way first, down to one common cap (never below MIN_COLUMN_WIDTH), and their text is cut.
 */
function fitColumns(natural: readonly number[], room: number): number[] {
  const sorted = [...natural].sort((a, b) => a - b);
  let used = 0;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor((room - used) / (sorted.length - i));
    if (sorted[i]! > share) {
      const cap = Math.max(MIN_COLUMN_WIDTH, share);
      return natural.map((w) => Math.min(w, cap));
    }
    used += sorted[i]!;
  }
  return [...natural];
}

/** Virtual time in ms with every microsecond shown, so rows at different instants never tie. */
function formatMs(tMicros: number): string {
  return (tMicros / 1000).toFixed(3);
}

/** A delay in ms as short as it is exact: 3881 µs is "3.881", 80000 µs is "80". */
function formatDelay(micros: number): string {
  return String(micros / 1000);
}

/** Width in terminal cells, counting code points (every symbol the diagram draws is one cell). */
function textWidth(text: string): number {
  return [...text].length;
}

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join("") + "…";
}

function fit(text: string, width: number): string {
  const clipped = clip(text, width);
  return clipped + " ".repeat(width - textWidth(clipped));
}

function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - textWidth(text))) + text;
}
