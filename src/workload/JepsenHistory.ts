// Importers for the history formats Jepsen users already have:
//
// - log lines, as Jepsen's register tests print them, bare or behind a log4j prefix (old style,
//   or timestamped as Jepsen writes `jepsen.log`), with an optional error column after the value:
//     3	:invoke	:cas	[1 4]
//     INFO  jepsen.util - 3	:fail	:cas	[1 4]
//     2017-03-07 16:05:06,135{GMT}	INFO	[jepsen worker 3] jepsen.util: 3	:fail	:cas	[1 4]
//     3	:fail	:cas	[1 4]	:value-mismatch
// - EDN, one map per line:
//     {:process 0, :type :invoke, :f :put, :key "1", :value "x"}
//
// Both mean the same thing and become the same operations. Jepsen's processes are single-threaded,
// so a completion belongs to its process's open call. Three translations matter for checking:
// a failed `:cas` means the comparison failed (the call happened and returned false), so it becomes
// an `ok` with output `false`; any other `:fail` definitely did not happen; an `:info` call, and a
// call never completed, stay open until the end of the history. Jepsen's files are in time order,
// so an event's time is its position among the events read (1 for the first), which keeps
// real-time order exactly, even with several EDN maps on one line; the line is kept for messages.
// (A log line's timestamp is ignored: Jepsen logs an invocation before making the call and a
// completion after it returns, so file order is real-time order, while the millisecond timestamps
// often tie.)
//
// The nemesis (process `:nemesis`, e.g. `:nemesis	:info	:start	nil`) injects faults; its
// operations are not calls on the object being checked, so both readers skip them.

import {
  EdnKeyword,
  ednToValue,
  readEdnAll,
  readEdnPrefix,
  type EdnMap,
  type EdnValue,
} from "./EdnReader.js";
import { HistoryParseError } from "./HistoryParseError.js";
import type { History, Operation, ProcessId } from "./Operation.js";
import { showValue, valuesEqual, type Value } from "./Value.js";

/** One line of a Jepsen history, whichever format it came from. */
interface JepsenEvent {
  readonly line: number;
  readonly text: string;
  readonly process: ProcessId;
  readonly type: "invoke" | "ok" | "fail" | "info";
  readonly f: string;
  readonly value: Value;
  /** Present for keyed (independent) operations such as a key-value map's. */
  readonly key?: Value;
  /** Jepsen's error column (`:timed-out`, `indeterminate: ...`), when the line has one. */
  readonly error?: string;
}

const TYPES = ["invoke", "ok", "fail", "info"] as const;
const OPERATION = /^(\S+)\s+:(\S+)\s+:(\S+)(?:\s+([^]*))?$/;
/**
 * A log4j prefix: an optional timestamp (`2017-03-07 16:05:06,135{GMT}` or `16:05:06,135`), the
 * level, an optional `[thread]`, and the logger, ended by ` - ` (older Jepsen) or `: ` (newer).
 */
const TIMESTAMP = String.raw`(?:\d{4}-\d{2}-\d{2}[ T])?\d{2}:\d{2}:\d{2}(?:[,.]\d+)?(?:\{[^}]*\})?`;
const LEVEL = "(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)";
const THREAD = String.raw`\[[^\]]*\]`;
const LOGGER = String.raw`([\w.$-]+)(?: -|:)`;
const LOG_PREFIX = new RegExp(
  String.raw`^(?:${TIMESTAMP}\s+)?${LEVEL}\s+(?:${THREAD}\s+)?${LOGGER}(?:\s|$)([^]*)$`,
);
/** A `jepsen.util` message that is an operation: a process number or keyword, then a `:type`. */
const LOOKS_LIKE_OPERATION = /^(?:\d+|:\S+)\s+:/;
/**
 * An unprefixed line, in a prefixed log, that is still an operation: a process number, then a
 * `:type`. Not a keyword first: the pretty-printed test map has lines like `:workload :register`.
 */
const LOOKS_LIKE_CLIENT_OPERATION = /^\d+\s+:/;
/** The nemesis, or another non-client actor, named by a keyword where a process number goes. */
const NOT_A_CLIENT = /^:\S+\s/;

/**
 * Reads Jepsen register log lines. Which lines are operations:
 *
 * - a line with a log4j prefix is one when its logger is `jepsen.util`, its level `INFO`, and its
 *   message starts like an operation (`Relative time begins now` does not); lines from other
 *   loggers or levels are skipped;
 * - a line without a prefix is one, unless an earlier line had a prefix and this one does not
 *   start with a process number and a `:type`: then it continues a multi-line log message (a
 *   stack trace, the pretty-printed test map) and is skipped;
 * - an operation line by the nemesis is skipped (see above).
 *
 * Every other operation line must be well formed, or the reader throws naming the line.
 */
export function readJepsenLog(text: string): History {
  const events: JepsenEvent[] = [];
  const lines = text.split("\n");
  let sawPrefix = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === "") continue;
    const prefixed = LOG_PREFIX.exec(raw);
    let body = raw;
    if (prefixed !== null) {
      sawPrefix = true;
      const [, level, logger, message] = prefixed as unknown as [string, string, string, string];
      body = message.trim();
      if (level !== "INFO" || logger !== "jepsen.util" || !LOOKS_LIKE_OPERATION.test(body)) {
        continue;
      }
    } else if (sawPrefix && !LOOKS_LIKE_CLIENT_OPERATION.test(raw)) {
      continue;
    }
    const event = parseLogOperation(body, i + 1, raw);
    if (event !== undefined) events.push(event);
  }
  return buildHistory(events);
}

/** Parses `PROCESS :TYPE :F VALUE [ERROR]`; undefined for the nemesis. */
function parseLogOperation(body: string, line: number, raw: string): JepsenEvent | undefined {
  // The nemesis's values (partition maps, sets of nodes) need not be EDN this reader knows.
  if (NOT_A_CLIENT.test(body)) return undefined;
  const match = OPERATION.exec(body);
  if (match === null) {
    throw new HistoryParseError({
      line,
      expected:
        "PROCESS :TYPE :F VALUE [ERROR], like `3 :invoke :write 4` (tab- or space-separated)",
      got: raw,
    });
  }
  const [, processText, typeText, f, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string?,
  ];
  const process = parseProcess(processText, line, raw);
  const type = parseType(typeText, line, raw);
  const { value, rest: errorText } =
    rest === undefined || rest.trim() === ""
      ? { value: null, rest: "" }
      : readEdnPrefix(rest, line);
  const event: JepsenEvent = { line, text: raw, process, type, f, value: ednToValue(value, line) };
  if (errorText === "") return event;
  if (type === "invoke" || type === "ok") {
    throw new HistoryParseError({
      line,
      expected: `nothing after the value of an :${type} (only :fail and :info carry an error)`,
      got: raw,
    });
  }
  return { ...event, error: readError(errorText) };
}

/**
 * Jepsen prints the error column as text, not EDN (`indeterminate: Read timed out`); a lone
 * keyword such as `:timed-out` keeps its name, as the error values of EDN histories do.
 */
function readError(text: string): string {
  const keyword = /^:([^\s,;]+)$/.exec(text);
  return keyword === null ? text : (keyword[1] as string);
}

const K = {
  process: EdnKeyword.of("process"),
  type: EdnKeyword.of("type"),
  f: EdnKeyword.of("f"),
  value: EdnKeyword.of("value"),
  key: EdnKeyword.of("key"),
  error: EdnKeyword.of("error"),
};

/** Reads Jepsen EDN, one map per line; nemesis operations are skipped. */
export function readJepsenEdn(text: string): History {
  const events: JepsenEvent[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === "" || raw.startsWith(";")) continue;
    const line = i + 1;
    for (const edn of readEdnAll(raw, line)) {
      if (!(edn instanceof Map)) {
        throw new HistoryParseError({
          line,
          expected: "an EDN map like {:process 0, :type :invoke, ...}",
          got: raw,
        });
      }
      const event = fromMap(edn as EdnMap, line, raw);
      if (event !== undefined) events.push(event);
    }
  }
  return buildHistory(events);
}

function fromMap(map: EdnMap, line: number, raw: string): JepsenEvent | undefined {
  const fail = (expected: string) => new HistoryParseError({ line, expected, got: raw });
  const processEdn = map.get(K.process);
  if (processEdn instanceof EdnKeyword) return undefined; // :nemesis
  if (
    !(typeof processEdn === "number" && Number.isSafeInteger(processEdn)) &&
    typeof processEdn !== "string"
  ) {
    throw fail(":process, a whole number (or :nemesis, which is skipped)");
  }
  const type = map.get(K.type);
  if (!(type instanceof EdnKeyword)) throw fail(":type, one of :invoke, :ok, :fail, :info");
  const f = map.get(K.f);
  if (!(f instanceof EdnKeyword) && typeof f !== "string")
    throw fail(":f, the function, like :read");
  const event: JepsenEvent = {
    line,
    text: raw,
    process: processEdn,
    type: parseType(type.name, line, raw),
    f: typeof f === "string" ? f : f.name,
    value: ednToValue((map.get(K.value) ?? null) as EdnValue, line),
  };
  const keyed = map.has(K.key)
    ? { ...event, key: ednToValue(map.get(K.key) as EdnValue, line) }
    : event;
  const error = map.get(K.error);
  if (error === undefined || error === null) return keyed;
  return { ...keyed, error: errorText(error, line) };
}

/** An error value as text; it is only shown, so a number JSON cannot hold is shown as written. */
function errorText(error: EdnValue, line: number): string {
  try {
    const value = ednToValue(error, line);
    return typeof value === "string" ? value : showValue(value);
  } catch (e) {
    if (e instanceof HistoryParseError) return e.got;
    throw e;
  }
}

function parseProcess(text: string, line: number, raw: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new HistoryParseError({
      line,
      expected: "a process number (or :nemesis) first",
      got: raw,
    });
  }
  return Number(text);
}

function parseType(text: string, line: number, raw: string): JepsenEvent["type"] {
  if (!(TYPES as readonly string[]).includes(text)) {
    throw new HistoryParseError({
      line,
      expected: "a type of :invoke, :ok, :fail or :info",
      got: raw,
    });
  }
  return text as JepsenEvent["type"];
}

interface Open {
  readonly index: number;
  readonly event: JepsenEvent;
  readonly timeMicros: number;
}

function buildHistory(events: readonly JepsenEvent[]): History {
  const ops: (Operation | Open)[] = [];
  const open = new Map<ProcessId, Open>();
  for (const [position, event] of events.entries()) {
    // Events are in real-time order, so their position is a time that keeps it, ties impossible.
    const timeMicros = position + 1;
    const pending = open.get(event.process);
    if (event.type === "invoke") {
      if (pending !== undefined) {
        throw new HistoryParseError({
          line: event.line,
          expected: `a completion for process ${event.process}'s call on line ${pending.event.line} before its next invocation`,
          got: event.text,
        });
      }
      const entry = { index: ops.length, event, timeMicros };
      ops.push(entry);
      open.set(event.process, entry);
      continue;
    }
    if (pending === undefined) {
      throw new HistoryParseError({
        line: event.line,
        expected: `an earlier :invoke by process ${event.process} for this :${event.type}`,
        got: event.text,
      });
    }
    if (pending.event.f !== event.f) {
      throw new HistoryParseError({
        line: event.line,
        expected: `:f :${pending.event.f}, as invoked on line ${pending.event.line}`,
        got: event.text,
      });
    }
    ops[pending.index] = complete(pending, event, timeMicros);
    open.delete(event.process);
  }
  return ops.map((entry) =>
    "event" in entry
      ? {
          ...invocation(entry),
          status: "info",
          output: undefined,
          completeMicros: undefined,
        }
      : entry,
  );
}

function invocation({ index, event, timeMicros }: Open) {
  const input: Value =
    event.key === undefined ? event.value : { key: event.key, value: event.value };
  return {
    id: index,
    process: event.process,
    f: event.f,
    input,
    invokeMicros: timeMicros,
    line: event.line,
  };
}

function complete(pending: Open, done: JepsenEvent, doneMicros: number): Operation {
  const call = pending.event;
  const base = { ...invocation(pending), completeMicros: doneMicros };
  if (done.type === "ok") {
    return { ...base, status: "ok", output: call.f === "cas" ? true : done.value };
  }
  if (done.type === "fail" && call.f === "cas") {
    const cas: Operation = { ...base, status: "ok", output: false };
    return done.error === undefined ? cas : { ...cas, error: done.error };
  }
  const op: Operation = {
    ...base,
    status: done.type === "fail" ? "fail" : "info",
    output: undefined,
  };
  const error = done.error ?? errorInValue(call, done);
  return error === undefined ? op : { ...op, error };
}

/** Older Jepsen clients put the error where the value goes (`:info	:write	:timed-out`). */
function errorInValue(call: JepsenEvent, done: JepsenEvent): string | undefined {
  if (done.value === null || valuesEqual(done.value, call.value)) return undefined;
  return typeof done.value === "string" ? done.value : showValue(done.value);
}
