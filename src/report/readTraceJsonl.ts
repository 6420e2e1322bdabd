// Reads a trace written as JSON lines back into events. A Simulation's trace sink writes one
// event per line; `murphy run --trace` and `murphy replay` also write a header line
// `{"world": …, "seed": …, "variant": …}` before each world of the seed, because a scenario may
// run several worlds in one seed and each starts again at time 0. A bad line is reported by its
// number with what was expected there, so that a damaged file can be fixed without this source.

import { MurphyError, show } from "../core/errors.js";
import { JsonTextError, parseExactJson } from "../core/parseExactJson.js";
import { TRACE_KINDS, type TraceEvent, type TraceKind } from "../sim/Trace.js";

/** The error a trace reader raises: the line, what was expected there and what was found. */
export class TraceParseError extends MurphyError {
  readonly code = "E_TRACE_PARSE";
  readonly definite = true;
  /** 1-based line number in the input. */
  readonly line: number;
  readonly expected: string;
  /** What was found, as printed: the field's value, or the line itself when it is not an event. */
  readonly got: string;

  constructor(args: { line: number; expected: string; got: string; fix?: string }) {
    const fix = args.fix === undefined ? "" : `; ${args.fix}`;
    super(`line ${args.line}: expected ${args.expected}, got ${args.got}${fix}`);
    this.line = args.line;
    this.expected = args.expected;
    this.got = args.got;
  }
}

/** One world of a run: its header's label (empty for a trace without headers) and its events. */
export interface TraceWorld {
  label: string;
  seed?: string;
  variant?: string;
  events: TraceEvent[];
}

/** The events of every world in the file, in file order (time restarts at each world). */
export function readTraceJsonl(text: string): TraceEvent[] {
  return readTraceWorlds(text).flatMap((world) => world.events);
}

/** The file's worlds, each with its events; throws TraceParseError naming the bad line. */
export function readTraceWorlds(text: string): TraceWorld[] {
  const worlds: TraceWorld[] = [];
  let current: TraceWorld | undefined;
  let start = 0;
  for (let i = 0; start <= text.length; i++) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const lineText = text.slice(start, end).trim();
    start = end + 1;
    if (lineText === "") continue;
    const fail: Fail = (expected, got = clip(lineText), fix) =>
      new TraceParseError({ line: i + 1, expected, got, ...(fix ? { fix } : {}) });
    const record = parseObject(lineText, fail);
    if ("world" in record && !("kind" in record)) {
      current = worldHeader(record, fail);
      worlds.push(current);
      continue;
    }
    if (current === undefined) {
      current = { label: "", events: [] };
      worlds.push(current);
    }
    const event = traceEvent(record, fail);
    const last = current.events.at(-1);
    if (last !== undefined && event.tMicros < last.tMicros) {
      throw fail(
        `"tMicros" >= ${last.tMicros} (time never runs backwards within a world)`,
        String(event.tMicros),
        'start each world with a {"world": "…"} header line, as `murphy run --trace` does',
      );
    }
    current.events.push(event);
  }
  return worlds;
}

/** Builds the error for the line being read; `got` defaults to the line itself. */
type Fail = (expected: string, got?: string, fix?: string) => TraceParseError;

function clip(text: string): string {
  return text.length > 100 ? text.slice(0, 97) + "..." : text;
}

function parseObject(lineText: string, fail: Fail): Record<string, unknown> {
  let value: unknown;
  try {
    // Exact and bounded in depth: a trace line is untrusted input like any other file.
    value = parseExactJson(lineText);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw fail(`a JSON object (one trace event per line; ${error.message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fail("a JSON object (one trace event per line)");
  }
  return value as Record<string, unknown>;
}

function worldHeader(record: Record<string, unknown>, fail: Fail): TraceWorld {
  if (typeof record.world !== "string") {
    throw fail('"world": the world\'s name, a string', show(record.world));
  }
  const world: TraceWorld = { label: record.world, events: [] };
  if (typeof record.seed === "string") world.seed = record.seed;
  if (typeof record.variant === "string") world.variant = record.variant;
  return world;
}

function traceEvent(record: Record<string, unknown>, fail: Fail): TraceEvent {
  const { tMicros, kind, node, peer, id, detail, body } = record;
  if (typeof tMicros !== "number" || !Number.isSafeInteger(tMicros) || tMicros < 0) {
    throw fail('"tMicros": a whole number of microseconds >= 0', show(tMicros));
  }
  if (typeof kind !== "string" || !TRACE_KINDS.includes(kind as TraceKind)) {
    throw fail(`"kind": one of ${TRACE_KINDS.join(", ")}`, show(kind));
  }
  if (typeof node !== "string" || node === "") throw fail('"node": the node\'s name', show(node));
  if (peer !== undefined && typeof peer !== "string") {
    throw fail('"peer": a node\'s name', show(peer));
  }
  if (id !== undefined && (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0)) {
    throw fail('"id": a message or timer id, a whole number >= 0', show(id));
  }
  if (detail !== undefined && typeof detail !== "string") {
    throw fail('"detail": a string', show(detail));
  }
  const event: TraceEvent = { tMicros, kind: kind as TraceKind, node };
  if (peer !== undefined) event.peer = peer;
  if (id !== undefined) event.id = id;
  if (detail !== undefined) event.detail = detail;
  if (body !== undefined) event.body = body;
  return event;
}
